// A gRPC transport's unary result, shared by the node:http2 and grpc-js transports: the message, and
// the answer's headers and trailers kept in the transport's own form (Node's header object, grpc-js'
// Metadata) until someone reads them as Web `Headers`, which most callers never do. Two `Headers` built
// per call were most of the facade's cost over a bare grpc-js client (paired in one process, GetTask at
// concurrency 1 went from +10.5% to +4.1% over it without them).
import type { DescMessage } from "@bufbuild/protobuf";
import type { UnaryResult } from "./transport.js";

/**
 * A unary result whose `header` and `trailer` are made from `M` by `toHeaders` when first read.
 *
 * Its properties are assigned in the constructor, not declared as class fields (private `#` ones
 * included): V8 runs field initializers as a function of their own on every construction, and this
 * object is made on every call. Measured paired in one process against the raw-http2 client (GetTask,
 * concurrency 1, Node 20, 13 rounds): the node:http2 transport +15.0% with class fields, +7.0% without.
 * @internal
 */
export class LazyHeadersResult<O extends DescMessage, M> implements UnaryResult<O> {
  declare readonly message: UnaryResult<O>["message"];
  private declare readonly toHeaders: (metadata: M | undefined) => Headers;
  private declare readonly head: M | undefined;
  private declare tail: M | undefined;
  private declare headerSeen: Headers | undefined;
  private declare trailerSeen: Headers | undefined;
  constructor(message: UnaryResult<O>["message"], toHeaders: (metadata: M | undefined) => Headers, head: M | undefined, tail: M | undefined) {
    this.message = message;
    this.toHeaders = toHeaders;
    this.head = head;
    this.tail = tail;
    this.headerSeen = undefined;
    this.trailerSeen = undefined;
  }
  /**
   * The trailers, for a transport that has them only after it made the result. A `trailer` read before
   * saw none; the next read sees these.
   */
  setTail(tail: M): void {
    this.tail = tail;
    this.trailerSeen = undefined;
  }
  get header(): Headers {
    return (this.headerSeen ??= this.toHeaders(this.head));
  }
  get trailer(): Headers {
    return (this.trailerSeen ??= this.toHeaders(this.tail));
  }
}
