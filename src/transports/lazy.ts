// A transport whose implementation is loaded on first use.
import { Code, ConnectError } from "@connectrpc/connect";
import type { ClientTransport } from "./transport.js";

/**
 * Wraps a transport factory that lives in another module so the module is imported only when the
 * first call is made. The grpc-js transport uses it: `@grpc/grpc-js` takes a large share of start-up
 * time, and a client on the default transport should not pay for it.
 *
 * After `close()` nothing is loaded any more: a load after close would build a connection nobody
 * closes, so calls are refused (FAILED_PRECONDITION). `close()` never rejects: a transport that failed
 * to load has nothing to close.
 * @internal
 */
export function createLazyTransport(name: string, load: () => Promise<ClientTransport>): ClientTransport {
  let loaded: Promise<ClientTransport> | undefined;
  // Once loaded, calls go straight to it: no extra promise per call on the hot path.
  let ready: ClientTransport | undefined;
  let closed = false;
  const get = async () => {
    if (closed) throw new ConnectError("the transport is closed", Code.FailedPrecondition);
    return (loaded ??= load().then((t) => (ready = t)));
  };
  return {
    name,
    unary: (attempt) => (ready && !closed ? ready.unary(attempt) : get().then((t) => t.unary(attempt))),
    close: async () => {
      closed = true;
      // Nothing to close when no call ever loaded the real transport, or the load failed.
      const real = await loaded?.catch(() => undefined);
      await real?.close();
    },
  };
}
