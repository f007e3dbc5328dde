// Inside a gRPC service: the incoming call's deadline, cancellation and trace context passed on to our
// calls in one spread, as grpc-js' `parent` call option with its `propagate` flags does for grpc-js
// clients. Duck-typed: importing this loads neither server library.
import { Code, ConnectError } from "@connectrpc/connect";
import type { CallOptions } from "./options.js";

/** What to pass on from an incoming call. Every field optional. */
export interface PropagationOptions {
  /** Pass the incoming deadline on (the outgoing call never outlives it). Default `true`. */
  readonly deadline?: boolean;
  /** Pass cancellation on (the outgoing call is aborted when the incoming one is). Default `true`. */
  readonly cancellation?: boolean;
  /**
   * Metadata to pass on, besides the W3C trace context (`traceparent`, `tracestate`, always passed when
   * present). Names are matched case-insensitively. Default `[]`.
   */
  readonly headers?: readonly string[];
}

/** The part of a grpc-js server call (`ServerUnaryCall`, `ServerWritableStream`, …) that is read. */
export interface GrpcJsServerCallLike {
  /** grpc-js' deadline: a `Date`, epoch milliseconds, or `Infinity` for none. */
  getDeadline(): Date | number;
  /** `true` once the client cancelled. */
  readonly cancelled?: boolean;
  /** The incoming metadata. */
  readonly metadata: { get(key: string): (string | Buffer)[] };
  /** grpc-js emits `"cancelled"` when the client cancels or the deadline passes. */
  once(event: "cancelled", listener: () => void): unknown;
}

/** The part of a connect-node `HandlerContext` that is read. */
export interface ConnectContextLike {
  /** Aborted when the client cancels, the deadline passes or the server shuts down. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the incoming deadline, `undefined` when there is none. */
  timeoutMs(): number | undefined;
  /** The incoming request headers. */
  readonly requestHeader: Headers;
}

/** The options {@link fromGrpcJsCall} and {@link fromConnectContext} produce, to spread into a call. */
export type PropagatedCallOptions = Pick<CallOptions, "deadline" | "signal" | "headers">;

const traceHeaders = ["traceparent", "tracestate"];

// One controller per incoming call, however many outgoing calls spread it: a listener per outgoing
// call on the incoming call's emitter would trip Node's listener limit at 11.
const cancellations = new WeakMap<object, AbortSignal>();

/**
 * The reason an outgoing call is aborted with when its incoming grpc-js call is cancelled by its
 * client (when the incoming deadline passes, the reason is a DEADLINE_EXCEEDED `ConnectError`).
 */
export class IncomingCallCancelledError extends Error {
  constructor() {
    super("the incoming call was cancelled (by its client, or at its deadline)");
    this.name = "IncomingCallCancelledError";
  }
}

function cancellationOf(call: GrpcJsServerCallLike): AbortSignal {
  let signal = cancellations.get(call);
  if (!signal) {
    const controller = new AbortController();
    // grpc-js reports its own deadline as a cancellation too: say which it was, so the outgoing call
    // ends as DEADLINE_EXCEEDED when the incoming deadline passed.
    const reason = () => {
      const d = call.getDeadline();
      const at = d instanceof Date ? d.getTime() : d;
      return Number.isFinite(at) && Date.now() >= at
        ? new ConnectError("the incoming call's deadline passed", Code.DeadlineExceeded)
        : new IncomingCallCancelledError();
    };
    if (call.cancelled) controller.abort(reason());
    else call.once("cancelled", () => controller.abort(reason()));
    signal = controller.signal;
    cancellations.set(call, signal);
  }
  return signal;
}

function pick(names: readonly string[], get: (name: string) => string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = get(name.toLowerCase());
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Call options that carry a grpc-js server call's deadline, cancellation and trace context (plus the
 * metadata you list) into an outgoing call: `client.tasks.create(task, { ...fromGrpcJsCall(call) })`.
 * The outgoing call ends no later than the incoming deadline, is aborted (CANCELLED) when the incoming
 * call is cancelled, and continues the caller's trace. Spread it first to override a field:
 * `{ ...fromGrpcJsCall(call), timeoutMs: 2000 }` (the earlier of the two deadlines still wins).
 */
export function fromGrpcJsCall(call: GrpcJsServerCallLike, options: PropagationOptions = {}): PropagatedCallOptions {
  const out: { -readonly [K in keyof PropagatedCallOptions]: PropagatedCallOptions[K] } = {};
  if (options.deadline !== false) {
    const deadline = call.getDeadline();
    const at = deadline instanceof Date ? deadline.getTime() : deadline;
    if (Number.isFinite(at)) out.deadline = at;
  }
  if (options.cancellation !== false) out.signal = cancellationOf(call);
  const headers = pick([...traceHeaders, ...(options.headers ?? [])], (name) => {
    const value = call.metadata.get(name).find((v): v is string => typeof v === "string");
    return value;
  });
  if (headers) out.headers = headers;
  return out;
}

/**
 * Call options that carry a connect-node handler's deadline (`timeoutMs()`), cancellation (`signal`)
 * and trace context (plus the headers you list) into an outgoing call:
 * `await client.tasks.create(task, { ...fromConnectContext(ctx) })`.
 */
export function fromConnectContext(ctx: ConnectContextLike, options: PropagationOptions = {}): PropagatedCallOptions {
  const out: { -readonly [K in keyof PropagatedCallOptions]: PropagatedCallOptions[K] } = {};
  if (options.deadline !== false) {
    const left = ctx.timeoutMs();
    if (left !== undefined) out.deadline = Date.now() + left;
  }
  if (options.cancellation !== false) out.signal = ctx.signal;
  const headers = pick([...traceHeaders, ...(options.headers ?? [])], (name) => ctx.requestHeader.get(name) ?? undefined);
  if (headers) out.headers = headers;
  return out;
}
