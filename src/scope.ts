// `user_app_id`: every in-scope RPC names the app it acts on. The client fills it from its defaults
// unless the call gives one, and refuses to send a request that has none (the API would answer with a
// vaguer error after a round trip).
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { UserAppIDSetSchema, type UserAppIDSet } from "../gen/clarifai/api/resources_pb.js";
import { createClarifaiError } from "./errors.js";
import type { UserAppId } from "./options.js";

/** The client's default app. @internal */
export interface AppScope {
  readonly userId: string;
  readonly appId: string;
}

/**
 * The `user_app_id` of one call: the call's own (fields it leaves empty taken from the defaults), else
 * the defaults. Throws an `InvalidArgumentError` naming the option and env var to set when a part is
 * missing. @internal
 */
export function resolveUserAppId(defaults: AppScope, override: UserAppId | undefined, method: string): UserAppIDSet {
  // Most calls use the client's own app: one message serves them all (requests only read it).
  if (override === undefined && defaults.userId && defaults.appId) return defaultScope(defaults);
  const userId = override?.userId || defaults.userId;
  const appId = override?.appId || defaults.appId;
  const missing: string[] = [];
  if (!userId) missing.push("user id (option `userId`, env CLARIFAI_USER_ID, or per call `{ userAppId: { userId } }`)");
  if (!appId) missing.push("app id (option `appId`, env CLARIFAI_APP_ID, or per call `{ userAppId: { appId } }`)");
  if (missing.length > 0) {
    throw createClarifaiError({
      method,
      grpcCode: Code.InvalidArgument,
      description: "no user_app_id for this call",
      details: `missing ${missing.join(" and ")}; the request was not sent`,
    });
  }
  return create(UserAppIDSetSchema, { userId, appId });
}

const scopes = new WeakMap<AppScope, UserAppIDSet>();

function defaultScope(defaults: AppScope): UserAppIDSet {
  let scope = scopes.get(defaults);
  if (!scope) {
    scope = Object.freeze(create(UserAppIDSetSchema, { userId: defaults.userId, appId: defaults.appId }));
    scopes.set(defaults, scope);
  }
  return scope;
}
