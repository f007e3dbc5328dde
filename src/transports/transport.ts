// What the client asks of a transport: one attempt of one unary call, plain data in, a decoded message
// out. Deadlines, retries, auth, tracing and status checking live above this line, in the client;
// framing, connections and the wire live below it. Each transport (connect-node gRPC, grpc-js, REST)
// implements only this, so they cannot drift apart in what they do above the wire.
import type { DescMessage, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";

/** One attempt of a unary call, as the client hands it to a transport. @internal */
export interface UnaryAttempt<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  /** The RPC (its `parent` is `clarifai.api.V2`). */
  readonly method: DescMethodUnary<I, O>;
  /** The request message (built once per call with `create`, so every attempt sends the same bytes). */
  readonly message: MessageShape<I>;
  /**
   * Request metadata with lower-case names: `authorization`, the caller's headers, trace context.
   * Never framing headers (content-type, te, grpc-timeout, …): the transport writes its own.
   */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Time left for this attempt in milliseconds, `undefined` for none. The transport sends it to the
   * server (`grpc-timeout`) and fails the attempt with `DEADLINE_EXCEEDED` when it runs out.
   */
  readonly timeoutMs: number | undefined;
  /**
   * Ends the attempt early (the caller's abort, `close()`): the transport stops the request and
   * rejects with the signal's `reason`, as it is.
   */
  readonly signal: AbortSignal | undefined;
}

/** What a successful attempt gives back. @internal */
export interface UnaryResult<O extends DescMessage = DescMessage> {
  /** The decoded response. A Clarifai failure status is still a result: the client checks it. */
  readonly message: MessageShape<O>;
  /** Response headers (may be built on first read). */
  readonly header: Headers;
  /** Response trailers (may be built on first read; empty where the protocol has none). */
  readonly trailer: Headers;
}

/**
 * A transport the client owns. A failed attempt rejects with a `ConnectError` carrying the gRPC code
 * (a server's status keeps its `grpc-status` in `metadata`; a client-side failure keeps the Node or
 * library error as `cause`), or with the signal's reason when aborted: `src/status.ts` converts
 * either. @internal
 */
export interface ClientTransport {
  /** Short name for descriptions and traces: `"connect"`, `"grpc-js"`, `"rest"`, `"custom"`. */
  readonly name: string;
  /** Runs one attempt. */
  unary<I extends DescMessage, O extends DescMessage>(attempt: UnaryAttempt<I, O>): Promise<UnaryResult<O>>;
  /** Ends every connection the transport opened; attempts in flight fail. Idempotent, never rejects. */
  close(): Promise<void>;
}
