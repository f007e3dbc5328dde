// How the emulator answers: every response carries a clarifai.api.status.Status, and a refusal is a
// gRPC OK whose status is not SUCCESS — that is how the real API reports request-level failures.
import { create } from "@bufbuild/protobuf";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { StatusSchema, type Status } from "../../gen/clarifai/api/status/status_pb.js";
import { formatIssues, type ValidationIssue } from "../validation/issue.js";

/**
 * The status codes the emulator answers with, and why each was chosen. `StatusCode` has no generic
 * "invalid argument" in the 10xxx range and no TASK_/COLLECTOR_ code for a malformed resource, so
 * argument problems use the connection-layer "Invalid request" code, as the real API does for
 * requests it cannot act on.
 */
export const EmulatorCodes = {
  /** The request worked. */
  ok: StatusCode.SUCCESS,
  /** `authorization` missing, not `Key <key>`, a key the emulator does not know, or an API key used for another app. */
  keyInvalid: StatusCode.CONN_KEY_INVALID,
  /** A valid key acting in another user's app: the key has no scope there. */
  forbidden: StatusCode.CONN_INSUFFICIENT_SCOPES,
  /** Bad arguments: validation failures, missing `user_app_id`, unsupported `action`, paging out of range. */
  invalid: StatusCode.CONN_INVALID_REQUEST,
  /** GetTask / PatchTasks / task counts on an id the app does not hold. */
  taskMissing: StatusCode.TASK_MISSING,
  /** PostTasks with an id the app already holds (or twice in one batch): conflicts with the state. */
  taskConflict: StatusCode.TASK_CONFLICT,
  /** GetCollector / PatchCollectors on an id the app does not hold. */
  collectorMissing: StatusCode.COLLECTOR_MISSING,
  /** PostCollectors with an id the app already holds; collectors have no CONFLICT code of their own. */
  collectorDuplicate: StatusCode.DATABASE_DUPLICATE_KEY,
  /** REST: a body that is not JSON or does not decode (unknown field, bad enum name), a bad query parameter. */
  badRequestFormat: StatusCode.CONN_BAD_REQUEST_FORMAT,
  /** REST: a path no route serves ("Resource does not exist; when path is bad"). */
  noRoute: StatusCode.CONN_DOES_NOT_EXIST,
  /** REST: a path served under other HTTP methods only. */
  methodNotAllowed: StatusCode.CONN_METHOD_NOT_ALLOWED,
  /** REST: the emulator failed (a bug); gRPC callers get INTERNAL instead. */
  internal: StatusCode.INTERNAL_UNCATEGORIZED,
} as const;

// Short descriptions in the style of the real API's; the specifics go to `details`.
const descriptions: Partial<Record<StatusCode, string>> = {
  [StatusCode.SUCCESS]: "Ok",
  [StatusCode.CONN_KEY_INVALID]: "API key not found",
  [StatusCode.CONN_INSUFFICIENT_SCOPES]: "Insufficient scopes",
  [StatusCode.CONN_INVALID_REQUEST]: "Invalid request",
  [StatusCode.TASK_MISSING]: "Task not found",
  [StatusCode.TASK_CONFLICT]: "Task conflicts with an existing task",
  [StatusCode.COLLECTOR_MISSING]: "Collector not found",
  [StatusCode.DATABASE_DUPLICATE_KEY]: "Resource already exists",
  [StatusCode.CONN_BAD_REQUEST_FORMAT]: "Bad request format",
  [StatusCode.CONN_DOES_NOT_EXIST]: "Resource does not exist",
  [StatusCode.CONN_METHOD_NOT_ALLOWED]: "Method not allowed",
  [StatusCode.INTERNAL_UNCATEGORIZED]: "Internal error",
};

/** Builds a Status with the code's usual description and optional details. @internal */
export function statusOf(code: StatusCode, details = "", reqId = ""): Status {
  return create(StatusSchema, {
    code,
    description: descriptions[code] ?? StatusCode[code] ?? String(code),
    details,
    reqId,
  });
}

/**
 * Thrown inside a handler to answer with a non-SUCCESS status and no data. It never reaches the
 * transport: the handler wrapper turns it into a gRPC OK response. @internal
 */
export class Refusal extends Error {
  constructor(
    readonly code: StatusCode,
    readonly details: string,
  ) {
    super(`${StatusCode[code] ?? code}: ${details}`);
    this.name = "Refusal";
  }
}

/** A refusal for bad arguments naming each field path. @internal */
export function invalid(issues: readonly ValidationIssue[]): Refusal {
  return new Refusal(EmulatorCodes.invalid, formatIssues(issues));
}
