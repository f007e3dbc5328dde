// Everything the emulator's handlers share: who the keys belong to, the store, the clock and the id
// generator. Kept apart from the server so the same handlers can run in memory (connect's router
// transport) or behind a real socket.
import { randomUUID } from "node:crypto";
import { EmulatorStore } from "./store.js";

/** The key the emulator accepts when `users` is not given. */
export const DEFAULT_PAT = "emulator-pat";
/** The user id that {@link DEFAULT_PAT} belongs to. */
export const DEFAULT_USER_ID = "emulator-user";

/** Options of the emulator's behaviour (what it answers), shared by the server and in-memory runs. */
export interface EmulatorStateOptions {
  /**
   * Known keys: a map from PAT to the user id it acts as. Requests carry `authorization: Key <PAT>`.
   * @defaultValue `{ "emulator-pat": "emulator-user" }`
   */
  users?: Readonly<Record<string, string>>;
  /**
   * App-scoped API keys: a map from key to the one app it is bound to, as Clarifai's app keys are.
   * A call with such a key acts in that app when it names no user or app (the docs' `/v2/collectors`
   * calls), and is refused with CONN_KEY_INVALID when it names another one. A key may not also be a PAT
   * in `users`.
   * @defaultValue `{}` (none)
   * @example `{ "my-app-key": { userId: "emulator-user", appId: "my-app" } }`
   */
  apiKeys?: Readonly<Record<string, AppKeyScope>>;
  /**
   * The clock used for `created_at` / `modified_at`. Inject a fixed clock for deterministic tests.
   * @defaultValue `() => new Date()`
   */
  now?: () => Date;
  /**
   * Generates task ids (collector ids are chosen by the caller). Must not repeat.
   * @defaultValue 32 lowercase hex characters from `crypto.randomUUID()`, the shape of Clarifai ids
   */
  newId?: () => string;
}

/** The app an API key is bound to. */
export interface AppKeyScope {
  /** The app's owner. */
  readonly userId: string;
  /** The app. */
  readonly appId: string;
}

/** The shared state of one emulator. Create it with {@link createEmulatorState}. */
export interface EmulatorState {
  /** The data, with an inspection API for tests. */
  readonly store: EmulatorStore;
  /** PAT → user id. */
  readonly users: ReadonlyMap<string, string>;
  /** App-scoped API key → its app. */
  readonly apiKeys: ReadonlyMap<string, AppKeyScope>;
  /** The clock. */
  readonly now: () => Date;
  /** The task id generator. */
  readonly newId: () => string;
  /** A request id for `status.req_id`, unique within this emulator. @internal */
  nextReqId(): string;
}

/**
 * Creates the emulator's state with defaults filled in (see {@link EmulatorStateOptions}).
 *
 * @example
 * ```ts
 * const state = createEmulatorState({ now: () => new Date("2024-01-01T00:00:00Z") });
 * const transport = createRouterTransport(emulatorRoutes(state));
 * ```
 */
export function createEmulatorState(options: EmulatorStateOptions = {}): EmulatorState {
  const users = new Map(Object.entries(options.users ?? { [DEFAULT_PAT]: DEFAULT_USER_ID }));
  const apiKeys = new Map<string, AppKeyScope>();
  for (const [key, scope] of Object.entries(options.apiKeys ?? {})) {
    if (users.has(key)) throw new TypeError(`apiKeys: key ${JSON.stringify(key)} is also a PAT in users; a key is one or the other`);
    if (!scope?.userId || !scope.appId) throw new TypeError(`apiKeys[${JSON.stringify(key)}] needs a userId and an appId`);
    apiKeys.set(key, { userId: scope.userId, appId: scope.appId });
  }
  let requests = 0;
  return {
    store: new EmulatorStore(),
    users,
    apiKeys,
    now: options.now ?? (() => new Date()),
    newId: options.newId ?? (() => randomUUID().replaceAll("-", "")),
    // A counter, not newId(): request ids must not consume ids from an injected, scripted generator.
    nextReqId: () => `emulator-req-${++requests}`,
  };
}
