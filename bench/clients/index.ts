// The client registry. It imports nothing itself: a process that measures one client (cold start,
// memory, CPU per call) must load that client's libraries and no other's.
import type { ClientModule, ClientName, LoadOptions } from "./types.js";

/** The facade's default entry: the package itself, resolved through its own `exports` (the built `dist/`). */
export const PACKAGE_ENTRY = "clarifai-grpc-es";

const facade = async (transport: "connect" | "grpc-js" | "rest", options: LoadOptions) =>
  (await import("./facade.js")).facadeModule(transport, options.facadeEntry ?? PACKAGE_ENTRY);

const loaders: Record<ClientName, (options: LoadOptions) => Promise<ClientModule>> = {
  "facade-connect": (o) => facade("connect", o),
  "facade-grpc-js": (o) => facade("grpc-js", o),
  "facade-rest": (o) => facade("rest", o),
  "raw-http2": () => import("./raw-http2.js"),
  "raw-connect": () => import("./raw-connect.js"),
  "raw-grpc-js": () => import("./raw-grpc-js.js"),
  "official-dynamic": () => import("./official-dynamic.js"),
  "official-static": () => import("./official-static.js"),
};

/** Loads a client's module (and with it the client library). */
export function loadClient(name: ClientName, options: LoadOptions = {}): Promise<ClientModule> {
  return loaders[name](options);
}

export * from "./types.js";
