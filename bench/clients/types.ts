// The shape every benchmarked client is driven through. Adapters do per call what a user of that client
// would write per call (build the request, send it, check the Clarifai status), and nothing more.
import type { Target } from "../workloads.js";

/**
 * The clients compared: our facade on each transport (created through the public entry point, as a
 * user creates it), the raw transports under it (no facade), and the official clients.
 */
export const CLIENT_NAMES = [
  "facade-connect",
  "facade-grpc-js",
  "facade-rest",
  "raw-http2",
  "raw-connect",
  "raw-grpc-js",
  "official-dynamic",
  "official-static",
] as const;
/** One of {@link CLIENT_NAMES}. */
export type ClientName = (typeof CLIENT_NAMES)[number];

/** Our facade, `new ClarifaiClient(...)`, on one of its transports. */
export function isFacade(name: ClientName): boolean {
  return name.startsWith("facade-");
}

/** One of the official `clarifai-nodejs-grpc` clients. */
export function isOfficial(name: ClientName): boolean {
  return name.startsWith("official-");
}

/** Which side a client is on (ours: the facade and the raw transports it is built on). */
export function isOurs(name: ClientName): boolean {
  return !isOfficial(name);
}

/**
 * What each facade transport is compared with, first the raw transport it runs on (the same libraries
 * driven without the facade: the difference is the facade's own cost), then others worth the ratio
 * (connect's generic client, which the default transport ran on before its lean unary path).
 */
export const COMPARED_UNDER: Partial<Record<ClientName, readonly ClientName[]>> = {
  "facade-connect": ["raw-http2", "raw-connect"],
  "facade-grpc-js": ["raw-grpc-js"],
};

/** How a client is set up, beyond its defaults. Plain JSON: it is passed to the client's process. */
export interface ClientConfig {
  /**
   * Which encodings the client asks for answers in: `default` is whatever it does out of the box,
   * `gzip` and `identity` ask through the client's own option where it needs one. The worker checks
   * what the client then advertised on the wire; a client that cannot be set up as asked (grpc-js
   * always advertises gzip) refuses with {@link BenchUnsupported}.
   */
  accept?: "default" | "gzip" | "identity";
  /**
   * `sdk`: an OpenTelemetry SDK (tracer provider, W3C propagator, meter provider) is registered before
   * the client loads, and a facade that records no span refuses with {@link BenchUnsupported}.
   * `no-api`: `@opentelemetry/api` cannot be resolved, as if it were not installed. Default: neither
   * (the API resolvable, no SDK registered).
   */
  tracing?: "sdk" | "no-api";
}

/** How client modules are loaded. */
export interface LoadOptions {
  /**
   * The module the facade clients import `ClarifaiClient` from. Default `"clarifai-grpc-es"`: the
   * package's own entry point (`exports` in package.json, i.e. the built `dist/`), as a user imports it.
   */
  facadeEntry?: string;
}

/** A connected client, ready to run the workloads. Each method throws unless the call succeeded. */
export interface BenchClient {
  /** GetTask of {@link Target.taskId}. */
  getTask(): Promise<void>;
  /** PostTasks of the consensus seed task into {@link Target.postAppId}. */
  postTasks(): Promise<void>;
  /** ListTasks of one full page; resolves to the number of tasks received. */
  listTasks(): Promise<number>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

/** A client module: importing it loads the client library; `connect` makes a client. */
export interface ClientModule {
  connect(target: Target, config?: ClientConfig): Promise<BenchClient>;
}

/** Raised when a response's Clarifai status is not SUCCESS, so a failed call is never counted as a fast one. */
export class BenchCallError extends Error {
  override name = "BenchCallError";
}

/** Raised when a client cannot be set up as a {@link ClientConfig} asks (it has no such option): a gap, not a failure. */
export class BenchUnsupported extends Error {
  override name = "BenchUnsupported";
}

/** What grpc-js clients answer to `accept: "identity"`: its compression filter has no option for it. */
export const GRPC_JS_ACCEPTS_GZIP =
  "grpc-js sends grpc-accept-encoding: identity,deflate,gzip on every call (compression-filter.js) and has no option to change it";

/** Clarifai's SUCCESS status code. */
export const SUCCESS = 10000;
