// Which transport a client gets, from its resolved options.
import type { ResolvedClientOptions } from "../options.js";
import { fromConnectTransport } from "./connect-transport.js";
import { createLazyTransport } from "./lazy.js";
import { createNodeHttp2Transport } from "./node-http2.js";
import type { ClientTransport } from "./transport.js";

/** The transport of a client: built now (default), loaded on first call (grpc-js), or the caller's own. @internal */
export function selectTransport(options: Omit<ResolvedClientOptions, "pat">): ClientTransport {
  const { transport, endpoint, tls, grpcJs, compression } = options;
  if (transport === "connect") return createNodeHttp2Transport({ endpoint, tls, compression });
  if (transport === "grpc-js") {
    return createLazyTransport("grpc-js", async () => (await import("./grpc-js.js")).createGrpcJsTransport({ endpoint, tls, grpcJs }));
  }
  return fromConnectTransport(transport);
}
