// The HTTP status the emulator's REST routes answer with, chosen by the Clarifai status of the
// response. The body always carries the `status` itself; the HTTP status only has to fit it, so that
// HTTP tooling (curl -f, proxies, fetch's `ok`) sees a failure as one.
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";

/**
 * Clarifai status → HTTP status, for REST answers. Anything not listed that is not SUCCESS is a
 * request the API would not carry out: 400. The API's own REST answers show 401 for the key codes and
 * 400 for FAILURE; the rest follow the meaning upstream gives each code.
 *
 * | Clarifai status | HTTP |
 * | --- | --- |
 * | SUCCESS (10000) | 200 |
 * | CONN_KEY_INVALID (11008), CONN_KEY_NOT_FOUND (11009), CONN_CREDENTIALS_INVALID (11002) | 401 |
 * | CONN_INSUFFICIENT_SCOPES (11007) | 403 |
 * | CONN_DOES_NOT_EXIST (11101), TASK_MISSING (54102), COLLECTOR_MISSING (52000) | 404 |
 * | CONN_METHOD_NOT_ALLOWED (11103) | 405 |
 * | TASK_CONFLICT (54100), DATABASE_DUPLICATE_KEY (40010) | 409 |
 * | CONN_THROTTLED (11005), CONN_EXCEED_HOURLY_LIMIT (11003) | 429 |
 * | INTERNAL_SERVER_ISSUE (98004), INTERNAL_UNCATEGORIZED (99009) | 500 |
 * | TRY_AGAIN (10030), RPC_SERVER_UNAVAILABLE (40031) | 503 |
 * | anything else (CONN_INVALID_REQUEST, CONN_BAD_REQUEST_FORMAT, FAILURE, …) | 400 |
 */
export const httpStatusByCode: ReadonlyMap<StatusCode, number> = new Map([
  [StatusCode.SUCCESS, 200],
  [StatusCode.CONN_KEY_INVALID, 401],
  [StatusCode.CONN_KEY_NOT_FOUND, 401],
  [StatusCode.CONN_CREDENTIALS_INVALID, 401],
  [StatusCode.CONN_INSUFFICIENT_SCOPES, 403],
  [StatusCode.CONN_DOES_NOT_EXIST, 404],
  [StatusCode.TASK_MISSING, 404],
  [StatusCode.COLLECTOR_MISSING, 404],
  [StatusCode.CONN_METHOD_NOT_ALLOWED, 405],
  [StatusCode.TASK_CONFLICT, 409],
  [StatusCode.DATABASE_DUPLICATE_KEY, 409],
  [StatusCode.CONN_THROTTLED, 429],
  [StatusCode.CONN_EXCEED_HOURLY_LIMIT, 429],
  [StatusCode.INTERNAL_SERVER_ISSUE, 500],
  [StatusCode.INTERNAL_UNCATEGORIZED, 500],
  [StatusCode.TRY_AGAIN, 503],
  [StatusCode.RPC_SERVER_UNAVAILABLE, 503],
]);

/** The HTTP status for a REST answer carrying Clarifai status `code` (see {@link httpStatusByCode}). @internal */
export function httpStatusOf(code: StatusCode): number {
  return httpStatusByCode.get(code) ?? 400;
}
