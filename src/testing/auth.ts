// Who is calling and in which app: the `authorization: Key <PAT>` header and `user_app_id`.
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
 * - no `authorization` header, a scheme other than `Key`, or an unknown PAT → CONN_KEY_INVALID
 *   (checked first, as the real API checks the key before it reads the request);
 * - a missing `user_app_id.user_id` / `app_id` → CONN_INVALID_REQUEST naming the field: the real API
 *   infers the app from an app-scoped key, but a PAT spans apps and needs it;
 * - a `user_id` other than the key's own user (or `me`) → CONN_INSUFFICIENT_SCOPES; the emulator has
 *   no collaborators, so a key acts only in its own user's apps.
 * @internal
 */
export function authorize(state: EmulatorState, authorization: string | null, userAppId: UserAppIDSet | undefined): Scope {
  const match = /^\s*key\s+(\S+)\s*$/i.exec(authorization ?? "");
  const keyUser = match ? state.users.get(match[1]!) : undefined;
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
