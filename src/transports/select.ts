// Which transport a client gets, from its resolved options. Each built-in transport lives in its own
// module and is imported on the client's first call: a client loads only the libraries of the
// transport it uses (a REST client never loads node:http2, connect-node or grpc-js).
import type { ResolvedClientOptions } from "../options.js";
import { fromConnectTransport } from "./connect-transport.js";
import { loadGrpcJsTransport } from "./grpc-js-loader.js";
import { createLazyTransport } from "./lazy.js";
import type { ClientTransport } from "./transport.js";

/** The transport of a client: loaded on first call (built-in ones), or the caller's own. @internal */
export function selectTransport(options: Omit<ResolvedClientOptions, "pat">): ClientTransport {
  const { transport, endpoint, tls, grpcJs, compression, maxReceiveBytes } = options;
  switch (transport) {
    case "connect":
      return createLazyTransport("connect", async () => (await import("./node-http2.js")).createNodeHttp2Transport({ endpoint, tls, compression, maxReceiveBytes }));
    case "grpc-js":
      // Through the loader, out of sight of bundlers (see grpc-js-loader.ts).
      return createLazyTransport("grpc-js", () => loadGrpcJsTransport({ endpoint, tls, grpcJs, maxReceiveBytes }));
    case "rest":
      return createLazyTransport("rest", async () => (await import("./rest.js")).createRestTransport({ endpoint, tls, maxReceiveBytes }));
    default:
      return fromConnectTransport(transport);
  }
}
