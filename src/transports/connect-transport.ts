// connect `Transport`s on either side of our own transport contract: a caller's transport (an
// in-memory router transport in tests, a gRPC-web transport, …) used as the client's, and the client's
// call path offered as a `Transport` to connect's typed client (`client.v2`).
import type { DescMessage, DescMethodUnary, MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import type { RawCallOptions } from "../call.js";
import type { ClientTransport, UnaryResult } from "./transport.js";

/** A caller's connect `Transport` as the client's transport. It is theirs: `close()` leaves it open. @internal */
export function fromConnectTransport(transport: Transport): ClientTransport {
  // connect's timeouts are whole milliseconds (its gRPC and Connect protocols refuse fractions); 0 would mean none.
  return {
    name: "custom",
    async unary(attempt) {
      const res = await transport.unary(attempt.method, attempt.signal, attempt.timeoutMs === undefined ? 0 : Math.max(1, Math.ceil(attempt.timeoutMs)), attempt.headers, attempt.message);
      return { message: res.message, header: res.header, trailer: res.trailer };
    },
    async close() {},
  };
}

/** Runs one raw call (see `CallPath.raw`). @internal */
export type RawCall = <I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, request: MessageInitShape<I>, options: RawCallOptions) => Promise<UnaryResult<O>>;

/**
 * The client's call path as a connect `Transport` (unary only). connect's rule for `timeoutMs` holds
 * here: `undefined` means the client's default, `0` or less none.
 * @internal
 */
export function toConnectTransport(raw: RawCall): Transport {
  return {
    async unary(method, signal, timeoutMs, header, input) {
      const res = await raw(method, input, {
        signal,
        timeoutMs: timeoutMs === undefined ? undefined : timeoutMs <= 0 ? Infinity : timeoutMs,
        headers: header === undefined ? undefined : new Headers(header),
      });
      // Headers and trailers read through, when read: connect's client reads them only for a caller's
      // onHeader / onTrailer, and reading them here would build Web `Headers` on every call, the first
      // of which loads Node's fetch implementation (20-50 ms, see test/client/lazy-builtins.test.ts).
      return {
        stream: false,
        service: method.parent,
        method,
        get header() {
          return res.header;
        },
        get trailer() {
          return res.trailer;
        },
        message: res.message,
      };
    },
    async stream() {
      throw new ConnectError("clarifai-grpc-es supports unary calls only", Code.Unimplemented);
    },
  };
}
