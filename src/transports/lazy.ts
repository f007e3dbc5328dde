// A transport whose implementation is loaded on first use.
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import type { ClosableTransport } from "./connect.js";

/**
 * Wraps a transport factory that lives in another module so the module is imported only when the
 * first call is made. The grpc-js transport uses it: `@grpc/grpc-js` takes a large share of start-up
 * time, and a client on the default connect transport should not pay for it.
 *
 * After `close()` nothing is loaded any more: a load after close would build a connection nobody
 * closes, so calls are refused (FAILED_PRECONDITION). `close()` never rejects: a transport that failed
 * to load has nothing to close.
 * @internal
 */
export function createLazyTransport(load: () => Promise<ClosableTransport>): ClosableTransport {
  let loaded: Promise<ClosableTransport> | undefined;
  let closed = false;
  const get = async () => {
    if (closed) throw new ConnectError("the transport is closed", Code.FailedPrecondition);
    return (loaded ??= load());
  };
  const transport: Transport = {
    unary: async (...args) => (await get()).transport.unary(...args),
    stream: async (...args) => (await get()).transport.stream(...args),
  };
  return {
    transport,
    close: async () => {
      closed = true;
      // Nothing to close when no call ever loaded the real transport, or the load failed.
      const real = await loaded?.catch(() => undefined);
      await real?.close();
    },
  };
}
