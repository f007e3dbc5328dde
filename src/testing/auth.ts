// Who is calling and in which app: the `authorization: Key <key>` header and `user_app_id`. A key is a
// PAT (acts as its user, in any of the user's apps, which each call names) or an app-scoped API key
// (bound to one app, which a call need not name).
import type { UserAppIDSet } from "../../gen/clarifai/api/resources_pb.js";
import type { ValidationIssue } from "../validation/issue.js";
import type { EmulatorState } from "./state.js";
import { EmulatorCodes, Refusal, invalid } from "./status.js";

/** The app a request acts in, resolved from its key and `user_app_id`. @internal */
export interface Scope {
  /** The key's user, which is also the app's owner. */
  readonly userId: string;
  readonly appId: string;
}

/**
 * Resolves the caller and the app, or throws a {@link Refusal}:
 * - no `authorization` header, a scheme other than `Key`, or an unknown key → CONN_KEY_INVALID
 *   (checked first, as the real API checks the key before it reads the request);
 * - with a PAT: a missing `user_app_id.user_id` / `app_id` → CONN_INVALID_REQUEST naming the field (a
 *   PAT spans apps, so the call must say which); a `user_id` other than the key's own user (or `me`)
 *   → CONN_INSUFFICIENT_SCOPES: the emulator has no collaborators, so a key acts only in its own
 *   user's apps;
 * - with an app-scoped API key: a missing `user_id` / `app_id` is the key's own; one that names
 *   another user or app → CONN_KEY_INVALID, which upstream describes as "Invalid API key or Invalid
 *   API key/application pair".
 * @internal
 */
export function authorize(state: EmulatorState, authorization: string | null, userAppId: UserAppIDSet | undefined): Scope {
  const match = /^\s*key\s+(\S+)\s*$/i.exec(authorization ?? "");
  const key = match?.[1];
  const appKey = key === undefined ? undefined : state.apiKeys.get(key);
  if (appKey) return appKeyScope(appKey, userAppId);
  const keyUser = key === undefined ? undefined : state.users.get(key);
  if (keyUser === undefined) {
    throw new Refusal(
      EmulatorCodes.keyInvalid,
      authorization ? "the key in the authorization header is not known" : "missing header authorization: Key <PAT>",
    );
  }
  const issues: ValidationIssue[] = [];
  if (!userAppId?.userId) issues.push({ path: "userAppId.userId", message: "required with a PAT (use \"me\" for the key's own user)" });
  if (!userAppId?.appId) issues.push({ path: "userAppId.appId", message: "required with a PAT: name the app to act in" });
  if (issues.length > 0) throw invalid(issues);
  const userId = userAppId!.userId === "me" ? keyUser : userAppId!.userId;
  if (userId !== keyUser) {
    throw new Refusal(EmulatorCodes.forbidden, `userAppId.userId: the key may only act in apps of its own user, not "${userId}"`);
  }
  return { userId, appId: userAppId!.appId };
}

function appKeyScope(key: Scope, userAppId: UserAppIDSet | undefined): Scope {
  const userId = userAppId?.userId;
  if (userId && userId !== "me" && userId !== key.userId) {
    throw new Refusal(EmulatorCodes.keyInvalid, `userAppId.userId: this API key belongs to an app of another user, not "${userId}"`);
  }
  const appId = userAppId?.appId;
  if (appId && appId !== key.appId) {
    throw new Refusal(EmulatorCodes.keyInvalid, `userAppId.appId: this API key is bound to another app, not "${appId}"`);
  }
  return key;
}
