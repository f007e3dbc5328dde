// gRPC status codes: their spec names, and the one table that says which gRPC code a Clarifai status
// means. A service that calls us from its own handler answers its caller in gRPC terms; the error
// categories (auth, not found, …) are read from the same table, so the two can never disagree.
import { Code } from "@connectrpc/connect";
import { StatusCode } from "../gen/clarifai/api/status/status_code_pb.js";

/** Upper-snake names of the gRPC codes, as the gRPC spec spells them (connect's enum uses PascalCase). */
const grpcCodeNames: Record<Code, string> = {
  [Code.Canceled]: "CANCELLED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "ABORTED",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

/** The gRPC spec name of a connect `Code` (`Code.Unavailable` → `"UNAVAILABLE"`, `Code.Canceled` → `"CANCELLED"`). */
export function grpcCodeName(code: Code): string {
  return grpcCodeNames[code] ?? `GRPC_${code}`;
}

/** The name of a Clarifai status code (`11008` → `"CONN_KEY_INVALID"`); unknown numbers print as `STATUS_<n>`. */
export function statusCodeName(code: number): string {
  return (StatusCode as unknown as Record<number, string | undefined>)[code] ?? `STATUS_${code}`;
}

const S = StatusCode;

// Statuses whose meaning the naming rules below would not get right, or that matter most to callers.
const exact = new Map<StatusCode, Code>([
  [S.CONN_KEY_INVALID, Code.Unauthenticated],
  [S.CONN_KEY_NOT_FOUND, Code.Unauthenticated],
  [S.CONN_TOKEN_INVALID, Code.Unauthenticated],
  [S.CONN_CREDENTIALS_INVALID, Code.Unauthenticated],
  [S.CONN_AUTH_METHOD_DISABLED, Code.Unauthenticated],
  [S.AUTH_MISSING_IDP_ASSOC, Code.Unauthenticated],
  [S.CONN_INSUFFICIENT_SCOPES, Code.PermissionDenied],
  [S.CONN_ACCOUNT_ISSUES, Code.PermissionDenied],
  [S.CONN_NO_GDPR_CONSENT, Code.PermissionDenied],
  [S.FEATUREFLAG_BLOCKED, Code.PermissionDenied],
  [S.CONN_DOES_NOT_EXIST, Code.NotFound],
  [S.TASK_MISSING, Code.NotFound],
  [S.COLLECTOR_MISSING, Code.NotFound],
  [S.WORKER_MISSING, Code.NotFound],
  [S.CONN_BAD_REQUEST_FORMAT, Code.InvalidArgument],
  [S.CONN_INVALID_REQUEST, Code.InvalidArgument],
  [S.BAD_REQUEST, Code.InvalidArgument],
  [S.QUERY_INVALID_SYNTAX, Code.InvalidArgument],
  [S.CONN_INVALID_RANGE, Code.OutOfRange],
  [S.CONN_METHOD_NOT_ALLOWED, Code.Unimplemented],
  [S.NOT_IMPLEMENTED, Code.Unimplemented],
  [S.TASK_NOT_IMPLEMENTED, Code.Unimplemented],
  [S.RPC_UNKNOWN_METHOD, Code.Unimplemented],
  [S.CONN_THROTTLED, Code.ResourceExhausted],
  [S.CONN_EXCEED_HOURLY_LIMIT, Code.ResourceExhausted],
  [S.CONN_EXCEED_MONTHLY_LIMIT, Code.ResourceExhausted],
  [S.CONN_EXCEEDS_LIMITS, Code.ResourceExhausted],
  [S.RPC_REQUEST_QUEUE_FULL, Code.ResourceExhausted],
  [S.INTERNAL_RESOURCE_EXHAUSTED, Code.ResourceExhausted],
  [S.RPC_MAX_MESSAGE_SIZE_EXCEEDED, Code.ResourceExhausted],
  [S.INPUT_OVER_LIMIT, Code.ResourceExhausted],
  [S.TRY_AGAIN, Code.Unavailable],
  [S.RPC_SERVER_UNAVAILABLE, Code.Unavailable],
  [S.INTERNAL_REDIS_UNAVAILABLE, Code.Unavailable],
  [S.DATABASE_FAIL_TO_GET_CONNECTIONS, Code.Unavailable],
  [S.DATABASE_TOO_MANY_CLIENTS, Code.Unavailable],
  [S.REQUEST_DISABLED_FOR_MAINTENANCE, Code.Unavailable],
  [S.INPUT_WRITES_DISABLED_FOR_MAINTENANCE, Code.Unavailable],
  [S.MODEL_BUSY_PLEASE_RETRY, Code.Unavailable],
  [S.RPC_REQUEST_TIMEOUT, Code.DeadlineExceeded],
  [S.DATABASE_STATEMENT_TIMEOUT, Code.DeadlineExceeded],
  [S.INTERNAL_UNEXPECTED_TIMEOUT, Code.DeadlineExceeded],
  [S.DATABASE_DEADLOCK_DETECTED, Code.Aborted],
  [S.RPC_CANCELED, Code.Canceled],
  [S.REQUEST_CANCELED_BY_USER, Code.Canceled],
  [S.DATABASE_CANCELED, Code.Canceled],
  [S.INTERNAL_CONTEXT_CANCELED, Code.Canceled],
  [S.DATABASE_DUPLICATE_KEY, Code.AlreadyExists],
  [S.DATABASE_CONSTRAINT_VIOLATED, Code.FailedPrecondition],
  [S.SERVER_ERROR, Code.Internal],
  [S.FAILURE, Code.Unknown],
]);

// Then the naming conventions of the StatusCode enum, first match wins.
const byName: readonly (readonly [RegExp, Code])[] = [
  [/_PERMISSION_DENIED$/, Code.PermissionDenied],
  [/_(DOES_NOT_EXIST|NOT_FOUND)$/, Code.NotFound],
  [/_(INVALID_ARGUMENT|INVALID_REQUEST|INVALID_ARGUMENTS|INVALID_PATCH_ARGUMENTS|UNSUPPORTED_FORMAT|INVALID_URL|INVALID_BYTES)$/, Code.InvalidArgument],
  [/_(CONFLICT|DUPLICATE)$/, Code.AlreadyExists],
  [/_NOT_IMPLEMENTED$/, Code.Unimplemented],
  [/^(INTERNAL|DATABASE|QUEUE|REDIS|SQS|CLUSTER|DATATIER)_/, Code.Internal],
];

/**
 * The gRPC code that a Clarifai status means, for a service that passes a failure on to its own
 * caller. One table (see the README's "Errors" section), read from the StatusCode names:
 *
 * | Clarifai status | gRPC code |
 * | --- | --- |
 * | `CONN_KEY_INVALID`, `CONN_KEY_NOT_FOUND`, `CONN_TOKEN_INVALID`, `CONN_CREDENTIALS_INVALID`, `CONN_AUTH_METHOD_DISABLED` | `UNAUTHENTICATED` |
 * | `CONN_INSUFFICIENT_SCOPES`, `CONN_ACCOUNT_ISSUES`, `*_PERMISSION_DENIED` | `PERMISSION_DENIED` |
 * | `TASK_MISSING`, `COLLECTOR_MISSING`, `WORKER_MISSING`, `CONN_DOES_NOT_EXIST`, `*_DOES_NOT_EXIST`, `*_NOT_FOUND` | `NOT_FOUND` |
 * | `CONN_INVALID_REQUEST`, `CONN_BAD_REQUEST_FORMAT`, `*_INVALID_ARGUMENT`, `*_INVALID_REQUEST` | `INVALID_ARGUMENT` |
 * | `CONN_INVALID_RANGE` | `OUT_OF_RANGE` |
 * | `CONN_THROTTLED`, `CONN_EXCEED_*_LIMIT`, `CONN_EXCEEDS_LIMITS`, `RPC_REQUEST_QUEUE_FULL`, `INTERNAL_RESOURCE_EXHAUSTED` | `RESOURCE_EXHAUSTED` |
 * | `TRY_AGAIN`, `RPC_SERVER_UNAVAILABLE`, `INTERNAL_REDIS_UNAVAILABLE`, maintenance | `UNAVAILABLE` |
 * | `RPC_REQUEST_TIMEOUT`, `DATABASE_STATEMENT_TIMEOUT`, `INTERNAL_UNEXPECTED_TIMEOUT` | `DEADLINE_EXCEEDED` |
 * | `*_CONFLICT` (e.g. `TASK_CONFLICT`), `*_DUPLICATE`, `DATABASE_DUPLICATE_KEY` | `ALREADY_EXISTS` |
 * | `*_NOT_IMPLEMENTED`, `NOT_IMPLEMENTED`, `CONN_METHOD_NOT_ALLOWED` | `UNIMPLEMENTED` |
 * | `RPC_CANCELED`, `REQUEST_CANCELED_BY_USER` | `CANCELLED` |
 * | `DATABASE_DEADLOCK_DETECTED` | `ABORTED` |
 * | `INTERNAL_*`, `DATABASE_*`, `QUEUE_*`, `REDIS_*` (other) | `INTERNAL` |
 * | `SUCCESS` | `OK` (0) |
 * | anything else (`FAILURE`, `ZERO`, unknown numbers) | `UNKNOWN` |
 *
 * `MIXED_STATUS` (a batch where some items failed) has no code of its own: pass the item statuses, and
 * the first failed item's code is used (`UNKNOWN` without items).
 */
export function grpcCodeForStatus(code: StatusCode, itemCodes: readonly StatusCode[] = []): Code | 0 {
  if (code === S.SUCCESS) return 0;
  if (code === S.MIXED_STATUS) {
    const failed = itemCodes.find((c) => c !== S.SUCCESS && c !== S.MIXED_STATUS && c !== S.ZERO);
    return failed === undefined ? Code.Unknown : grpcCodeForStatus(failed);
  }
  const known = exact.get(code);
  if (known !== undefined) return known;
  const name = statusCodeName(code);
  for (const [pattern, grpc] of byName) if (pattern.test(name)) return grpc;
  return Code.Unknown;
}
