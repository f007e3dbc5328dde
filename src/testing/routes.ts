// The emulated RPCs of `clarifai.api.V2`: key check, scope, handler, then the response's `status`, in
// one place. The connect router (gRPC, gRPC-web, Connect; also connect's in-memory router transport)
// and the REST routes both call these same functions.
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { UserAppIDSet } from "../../gen/clarifai/api/resources_pb.js";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { authorize, type Scope } from "./auth.js";
import { deleteCollectors, getCollector, listCollectors, patchCollectors, postCollectors } from "./collectors.js";
import { createEmulatorState, type EmulatorState, type EmulatorStateOptions } from "./state.js";
import { assertWellFormed } from "./malformed.js";
import { Refusal, statusOf } from "./status.js";
import { deleteTasks, getTask, listTasks, patchTasks, postTasks, taskCounts } from "./tasks.js";

type V2Method = (typeof V2.method)[keyof typeof V2.method];

/**
 * One emulated RPC: the request and the `authorization` header value in, the response out. A refusal
 * is a response (a non-SUCCESS `status` and no data); it throws only when the emulator has a bug.
 * @internal
 */
export type EmulatorMethod<M extends V2Method = V2Method> = (request: MessageShape<M["input"]>, authorization: string | null) => MessageShape<M["output"]>;

/** Every emulated RPC, by its local name (`postTasks`, `getTask`, …). @internal */
export type EmulatorMethods = { readonly [K in keyof typeof V2.method]: EmulatorMethod<(typeof V2.method)[K]> };

/** The emulated RPCs over `state`. @internal */
export function emulatorMethods(state: EmulatorState): EmulatorMethods {
  // Runs one call: the key and app are checked first; a Refusal (from anywhere) becomes a response
  // with a non-SUCCESS status and no data, which is how the real API answers. Anything else is a bug
  // and propagates (connect answers gRPC INTERNAL, the REST routes HTTP 500).
  const run = <S extends DescMessage>(
    schema: S,
    req: { userAppId?: UserAppIDSet | undefined },
    authorization: string | null,
    fn: (scope: Scope) => { data?: Omit<MessageInitShape<S>, "status" | "$typeName">; details?: string },
  ): MessageShape<S> => {
    const reqId = state.nextReqId();
    try {
      const scope = authorize(state, authorization, req.userAppId);
      const { data, details } = fn(scope);
      // Every response message of V2 has `status` as field 1; the generic type cannot say so.
      return create(schema, { ...data, status: statusOf(StatusCode.SUCCESS, details ?? "", reqId) } as unknown as MessageInitShape<S>);
    } catch (e) {
      if (e instanceof Refusal) return create(schema, { status: statusOf(e.code, e.details, reqId) } as unknown as MessageInitShape<S>);
      throw e;
    }
  };
  const m = V2.method;
  return {
    postTasks: (req, a) => run(m.postTasks.output, req, a, (s) => ({ data: { tasks: postTasks(state, s, req) } })),
    getTask: (req, a) => run(m.getTask.output, req, a, (s) => ({ data: { task: getTask(state, s, req) } })),
    listTasks: (req, a) => run(m.listTasks.output, req, a, (s) => ({ data: { tasks: listTasks(state, s, req) } })),
    patchTasks: (req, a) => run(m.patchTasks.output, req, a, (s) => ({ data: { tasks: patchTasks(state, s, req) } })),
    deleteTasks: (req, a) => run(m.deleteTasks.output, req, a, (s) => ({ details: deleteTasks(state, s, req) })),
    getTaskAnnotationCount: (req, a) =>
      run(m.getTaskAnnotationCount.output, req, a, (s) => ({ data: { appId: s.appId, taskId: req.taskId, counts: taskCounts(state, s, req) } })),
    getTaskInputCount: (req, a) =>
      run(m.getTaskInputCount.output, req, a, (s) => ({ data: { appId: s.appId, taskId: req.taskId, counts: taskCounts(state, s, req) } })),
    postCollectors: (req, a) => run(m.postCollectors.output, req, a, (s) => ({ data: { collectors: postCollectors(state, s, req) } })),
    getCollector: (req, a) => run(m.getCollector.output, req, a, (s) => ({ data: { collector: getCollector(state, s, req) } })),
    listCollectors: (req, a) => run(m.listCollectors.output, req, a, (s) => ({ data: { collectors: listCollectors(state, s, req) } })),
    patchCollectors: (req, a) => run(m.patchCollectors.output, req, a, (s) => ({ data: { collectors: patchCollectors(state, s, req) } })),
    deleteCollectors: (req, a) => run(m.deleteCollectors.output, req, a, (s) => ({ details: deleteCollectors(state, s, req) })),
  };
}

/** The state behind `stateOrOptions`: the one given, or a fresh one from the options. @internal */
export function stateOf(stateOrOptions: EmulatorState | EmulatorStateOptions): EmulatorState {
  return "store" in stateOrOptions ? (stateOrOptions as EmulatorState) : createEmulatorState(stateOrOptions as EmulatorStateOptions);
}

/**
 * The emulator's routes for a connect router: every in-scope RPC of `clarifai.api.V2`. Pass a state
 * to share it (and inspect it through `state.store`), or options to get a fresh one.
 *
 * @example In memory, without a socket:
 * ```ts
 * import { createClient, createRouterTransport } from "@connectrpc/connect";
 * const state = createEmulatorState();
 * const client = createClient(V2, createRouterTransport(emulatorRoutes(state)));
 * await client.listTasks({ userAppId: { userId: "me", appId: "a" } }, { headers: { authorization: "Key emulator-pat" } });
 * ```
 */
export function emulatorRoutes(stateOrOptions: EmulatorState | EmulatorStateOptions = {}): (router: ConnectRouter) => void {
  const methods = emulatorMethods(stateOf(stateOrOptions));
  // Bad bytes are a transport-level failure (gRPC INVALID_ARGUMENT), not a Clarifai status: checked
  // before the shared method runs.
  const impl = Object.fromEntries(
    Object.entries(methods).map(([name, method]) => [
      name,
      (req: never, ctx: HandlerContext) => {
        assertWellFormed(ctx.values);
        return (method as EmulatorMethod)(req, ctx.requestHeader.get("authorization"));
      },
    ]),
  ) as unknown as ServiceImpl<typeof V2>;
  return (router) => {
    router.service(V2, impl);
  };
}
