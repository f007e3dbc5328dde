// Binds the handlers to `clarifai.api.V2` on a connect router: key check, then the handler, then the
// response's `status`. Used by the HTTP/2 server and, unchanged, by connect's in-memory router transport.
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import type { UserAppIDSet } from "../../gen/clarifai/api/resources_pb.js";
import {
  MultiCollectorResponseSchema,
  MultiTaskResponseSchema,
  SingleCollectorResponseSchema,
  SingleTaskCountResponseSchema,
  SingleTaskResponseSchema,
  V2,
} from "../../gen/clarifai/api/service_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { BaseResponseSchema } from "../../gen/clarifai/api/status/status_pb.js";
import { authorize, type Scope } from "./auth.js";
import { deleteCollectors, getCollector, listCollectors, patchCollectors, postCollectors } from "./collectors.js";
import { createEmulatorState, type EmulatorState, type EmulatorStateOptions } from "./state.js";
import { assertWellFormed } from "./malformed.js";
import { Refusal, statusOf } from "./status.js";
import { deleteTasks, getTask, listTasks, patchTasks, postTasks, taskCounts } from "./tasks.js";

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
  const state = "store" in stateOrOptions ? (stateOrOptions as EmulatorState) : createEmulatorState(stateOrOptions as EmulatorStateOptions);

  // Runs one call: the key and app are checked first; a Refusal (from anywhere) becomes a gRPC OK with
  // a non-SUCCESS status and no data, which is how the real API answers. Anything else is a bug and
  // is left to connect, which answers gRPC INTERNAL.
  const run = <S extends DescMessage>(
    schema: S,
    req: { userAppId?: UserAppIDSet | undefined },
    ctx: HandlerContext,
    fn: (scope: Scope) => { data?: Omit<MessageInitShape<S>, "status" | "$typeName">; details?: string },
  ): MessageShape<S> => {
    // Bad bytes are a transport-level failure (gRPC INVALID_ARGUMENT), not a Clarifai status.
    assertWellFormed(ctx.values);
    const reqId = state.nextReqId();
    try {
      const scope = authorize(state, ctx.requestHeader.get("authorization"), req.userAppId);
      const { data, details } = fn(scope);
      // Every response message of V2 has `status` as field 1; the generic type cannot say so.
      return create(schema, { ...data, status: statusOf(StatusCode.SUCCESS, details ?? "", reqId) } as unknown as MessageInitShape<S>);
    } catch (e) {
      if (e instanceof Refusal) return create(schema, { status: statusOf(e.code, e.details, reqId) } as unknown as MessageInitShape<S>);
      throw e;
    }
  };

  return (router) => {
    router.service(V2, {
      postTasks: (req, ctx) => run(MultiTaskResponseSchema, req, ctx, (s) => ({ data: { tasks: postTasks(state, s, req) } })),
      getTask: (req, ctx) => run(SingleTaskResponseSchema, req, ctx, (s) => ({ data: { task: getTask(state, s, req) } })),
      listTasks: (req, ctx) => run(MultiTaskResponseSchema, req, ctx, (s) => ({ data: { tasks: listTasks(state, s, req) } })),
      patchTasks: (req, ctx) => run(MultiTaskResponseSchema, req, ctx, (s) => ({ data: { tasks: patchTasks(state, s, req) } })),
      deleteTasks: (req, ctx) => run(BaseResponseSchema, req, ctx, (s) => ({ details: deleteTasks(state, s, req) })),
      getTaskAnnotationCount: (req, ctx) =>
        run(SingleTaskCountResponseSchema, req, ctx, (s) => ({ data: { appId: s.appId, taskId: req.taskId, counts: taskCounts(state, s, req) } })),
      getTaskInputCount: (req, ctx) =>
        run(SingleTaskCountResponseSchema, req, ctx, (s) => ({ data: { appId: s.appId, taskId: req.taskId, counts: taskCounts(state, s, req) } })),
      postCollectors: (req, ctx) => run(MultiCollectorResponseSchema, req, ctx, (s) => ({ data: { collectors: postCollectors(state, s, req) } })),
      getCollector: (req, ctx) => run(SingleCollectorResponseSchema, req, ctx, (s) => ({ data: { collector: getCollector(state, s, req) } })),
      listCollectors: (req, ctx) => run(MultiCollectorResponseSchema, req, ctx, (s) => ({ data: { collectors: listCollectors(state, s, req) } })),
      patchCollectors: (req, ctx) => run(MultiCollectorResponseSchema, req, ctx, (s) => ({ data: { collectors: patchCollectors(state, s, req) } })),
      deleteCollectors: (req, ctx) => run(BaseResponseSchema, req, ctx, (s) => ({ details: deleteCollectors(state, s, req) })),
    });
  };
}
