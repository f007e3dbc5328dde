// The client registry. It imports nothing itself: a process that measures one client (cold start,
// memory) must load that client's libraries and no other's.
import type { ClientModule, ClientName } from "./types.js";

const loaders: Record<ClientName, () => Promise<ClientModule>> = {
  "facade-connect": async () => (await import("./facade.js")).connectTransport,
  "facade-grpc-js": async () => (await import("./facade.js")).grpcJsTransport,
  "raw-connect": () => import("./raw-connect.js"),
  "official-dynamic": () => import("./official-dynamic.js"),
  "official-static": () => import("./official-static.js"),
};

/** Loads a client's module (and with it the client library). */
export function loadClient(name: ClientName): Promise<ClientModule> {
  return loaders[name]();
}

export * from "./types.js";
