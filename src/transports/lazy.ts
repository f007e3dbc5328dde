// A transport whose implementation is loaded on first use.
import type { Transport } from "@connectrpc/connect";
import type { ClosableTransport } from "./connect.js";

/**
 * Wraps a transport factory that lives in another module so the module is imported only when the
 * first call is made. The grpc-js transport uses it: `@grpc/grpc-js` takes a large share of start-up
 * time, and a client on the default connect transport should not pay for it.
 * @internal
 */
export function createLazyTransport(load: () => Promise<ClosableTransport>): ClosableTransport {
  let loaded: Promise<ClosableTransport> | undefined;
  const get = () => (loaded ??= load());
  const transport: Transport = {
    unary: async (...args) => (await get()).transport.unary(...args),
    stream: async (...args) => (await get()).transport.stream(...args),
  };
  return {
    transport,
    // Nothing to close when no call ever loaded the real transport.
    close: async () => {
      if (loaded) await (await loaded).close();
    },
  };
}
