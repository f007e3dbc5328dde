// One unary call through a chain of interceptors, for transports that connect does not build for us.
import type { DescMessage, DescMethodUnary, MessageInitShape } from "@bufbuild/protobuf";
import { createContextValues, type ContextValues, type Interceptor, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { runUnaryCall } from "@connectrpc/connect/protocol";
import { encodeGrpcTimeout, GRPC_TIMEOUT_HEADER } from "../deadline.js";

/** A unary call as `Transport.unary` receives it, plus what runs it. @internal */
export interface InterceptedUnaryCall<I extends DescMessage, O extends DescMessage> {
  readonly method: DescMethodUnary<I, O>;
  readonly signal: AbortSignal | undefined;
  /** `undefined` means `defaultTimeoutMs`; 0 or less means no deadline (connect's rule). */
  readonly timeoutMs: number | undefined;
  /** The deadline of a call that gives none; `undefined` for none. */
  readonly defaultTimeoutMs: number | undefined;
  readonly header: ConstructorParameters<typeof Headers>[0] | undefined;
  readonly input: MessageInitShape<I>;
  readonly contextValues: ContextValues | undefined;
  readonly interceptors: readonly Interceptor[];
  /** Put before `/<service>/<method>` in the request's url (interceptors may log it). */
  readonly urlPrefix: string;
  /** Sends the request the interceptors produced. */
  readonly next: (req: UnaryRequest<I, O>) => Promise<UnaryResponse<I, O>>;
}

/**
 * Runs `call` through its interceptors. The deadline also rides in the `grpc-timeout` header, as in
 * connect's own transports, so an interceptor (retries) can shrink it for each attempt.
 * @internal
 */
export function runInterceptedUnary<I extends DescMessage, O extends DescMessage>(
  call: InterceptedUnaryCall<I, O>,
): Promise<UnaryResponse<I, O>> {
  const { method, timeoutMs } = call;
  const ms = timeoutMs === undefined ? call.defaultTimeoutMs : timeoutMs <= 0 ? undefined : timeoutMs;
  const header = new Headers(call.header);
  if (ms !== undefined) header.set(GRPC_TIMEOUT_HEADER, encodeGrpcTimeout(ms));
  return runUnaryCall<I, O>({
    interceptors: [...call.interceptors],
    signal: call.signal,
    timeoutMs: ms,
    req: {
      stream: false,
      service: method.parent,
      method,
      requestMethod: "POST",
      url: `${call.urlPrefix}/${method.parent.typeName}/${method.name}`,
      header,
      contextValues: call.contextValues ?? createContextValues(),
      message: call.input,
    },
    next: call.next,
  });
}
