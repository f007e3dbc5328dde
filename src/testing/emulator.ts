// startEmulator: the emulator's routes behind a real HTTP/2 server on loopback.
import { emulatorNodeHandler } from "./malformed.js";
import { restNodeHandler } from "./rest.js";
import { emulatorMethods, emulatorRoutes } from "./routes.js";
import { listen } from "./server.js";
import { createEmulatorState, type EmulatorState, type EmulatorStateOptions } from "./state.js";
import type { EmulatorStore } from "./store.js";

/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions extends EmulatorStateOptions {
  /**
   * The TCP port. 0 lets the system pick a free port; read the one chosen from the handle.
   * @defaultValue 0
   */
  port?: number;
  /**
   * The interface to listen on. Use `"0.0.0.0"` / `"::"` to accept calls from other machines.
   * @defaultValue "127.0.0.1"
   */
  host?: string;
  /**
   * PEM key and certificate: serve HTTPS (HTTP/2 over TLS with ALPN, HTTP/1.1 too) instead of h2c.
   * `baseUrl` then starts with `https://`.
   * @defaultValue undefined (cleartext)
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * How long `close()` lets open connections finish after asking them to (HTTP/2 GOAWAY) before it
   * destroys them.
   * @defaultValue 1000
   */
  closeGraceMs?: number;
}

/** A running emulator, as returned by {@link startEmulator}. */
export interface Emulator {
  /** Where to send calls, e.g. `http://127.0.0.1:50051` (`https://…` with `tls`). */
  readonly baseUrl: string;
  /**
   * `host:port` without a scheme, e.g. `127.0.0.1:50051` (IPv6 hosts in brackets): the target form
   * grpc-js channels (and the official stubs) take.
   */
  readonly address: string;
  /** The port listened on (the chosen one when `port` was 0). */
  readonly port: number;
  /** The interface listened on. */
  readonly host: string;
  /**
   * The stored data, for tests that look behind the API:
   * `store.countTasks(userId, appId)`, `store.countCollectors(userId, appId)`,
   * `store.tasks(userId, appId)` / `store.collectors(userId, appId)` (copies, in list order),
   * `store.apps()` and `store.clear()`.
   */
  readonly store: EmulatorStore;
  /** The whole shared state (store, keys, clock, id generator), e.g. to add in-memory routes to it. */
  readonly state: EmulatorState;
  /** Stops the server: ends open connections and frees the port. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts an in-memory `clarifai.api.V2` server for Tasks and Collectors on a real socket. gRPC,
 * gRPC-web and Connect (JSON or binary over HTTP/1.1 or HTTP/2) clients all work, the official
 * Clarifai clients included, and so do REST calls on the API's own routes (the `google.api.http`
 * rules: `POST /v2/users/{user_id}/apps/{app_id}/tasks`, `PATCH /v2/collectors`, …) with proto-JSON
 * bodies, as the documentation's curl and fetch examples make them.
 *
 * Defaults: a free port on 127.0.0.1, no TLS, one key `emulator-pat` acting as user `emulator-user`,
 * no app-scoped API keys.
 *
 * @example
 * ```ts
 * import { startEmulator } from "clarifai-grpc-es/testing";
 * const emulator = await startEmulator();
 * // … point a client at emulator.baseUrl with `authorization: Key emulator-pat` …
 * expect(emulator.store.countTasks("emulator-user", "my-app")).toBe(1);
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = createEmulatorState(options);
  const host = options.host ?? "127.0.0.1";
  // gRPC, gRPC-web and Connect on /clarifai.api.V2/<Method>; REST on the google.api.http routes (/v2/…).
  const handler = emulatorNodeHandler(emulatorRoutes(state), restNodeHandler(state, emulatorMethods(state)));
  const server = await listen(handler, {
    host,
    port: options.port ?? 0,
    tls: options.tls,
    closeGraceMs: options.closeGraceMs ?? 1000,
  });
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    baseUrl: `${options.tls ? "https" : "http"}://${urlHost}:${server.port}`,
    address: `${urlHost}:${server.port}`,
    port: server.port,
    host,
    store: state.store,
    state,
    close: server.close,
  };
}
