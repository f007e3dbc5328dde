// A ClientTransport (one unary attempt in, a message out) as the connect `Transport` the client runs
// its interceptors on today: retries, auth and the deadline header are applied above, each attempt
// goes to the ClientTransport with its own time left.
import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import { GRPC_TIMEOUT_HEADER, parseGrpcTimeout } from "../deadline.js";
import type { ClosableTransport } from "./connect.js";
import { runInterceptedUnary } from "./intercepted-unary.js";
import type { ClientTransport } from "./transport.js";

/** Options of {@link asConnectTransport}. @internal */
export interface AsConnectOptions {
  /** connect interceptors run on every call, outermost first. */
  readonly interceptors: readonly Interceptor[];
  /** Deadline of a call that gives none, in ms. */
  readonly defaultTimeoutMs: number | undefined;
  /** Put before `/<service>/<method>` in the url interceptors see. */
  readonly urlPrefix: string;
}

/** Wraps `inner` as a connect `Transport` (unary only) that `close()` closes. @internal */
export function asConnectTransport(inner: ClientTransport, options: AsConnectOptions): ClosableTransport {
  const transport: Transport = {
    unary: (method, signal, timeoutMs, header, input, contextValues) =>
      runInterceptedUnary({
        method, signal, timeoutMs, header, input, contextValues,
        interceptors: options.interceptors,
        defaultTimeoutMs: options.defaultTimeoutMs,
        urlPrefix: options.urlPrefix,
        next: async (req) => {
          // The deadline rides in the header only for the interceptors (retries shrink it per attempt).
          const headers: Record<string, string> = {};
          req.header.forEach((value, key) => {
            if (key !== GRPC_TIMEOUT_HEADER) headers[key] = value;
          });
          const result = await inner.unary({
            method,
            message: req.message,
            headers,
            timeoutMs: parseGrpcTimeout(req.header.get(GRPC_TIMEOUT_HEADER)),
            signal: req.signal,
          });
          return { stream: false, service: method.parent, method, header: result.header, message: result.message, trailer: result.trailer };
        },
      }),
    async stream() {
      throw new ConnectError(`the ${inner.name} transport of clarifai-grpc-es supports unary calls only`, Code.Unimplemented);
    },
  };
  return { transport, close: () => inner.close() };
}
