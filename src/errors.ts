// The error types every facade call throws. One base class, category subclasses picked by one factory
// (`createClarifaiError`), as Stripe does; `src/status.ts` is the only place that builds them from
// transport failures and non-SUCCESS statuses.
import { Code } from "@connectrpc/connect";
import { StatusCode } from "../gen/clarifai/api/status/status_code_pb.js";
import type { Status } from "../gen/clarifai/api/status/status_pb.js";
import type { ValidationIssue } from "./validation/issue.js";

// A global symbol, so two copies of this package (ESM + CJS, or two versions) recognise each other's
// errors: `instanceof` consults this brand instead of the prototype chain.
const brand = Symbol.for("clarifai-grpc-es/ClarifaiError");

/** The per-item outcome kept on a `MIXED_STATUS` (or other batch) failure. */
export interface ItemStatus {
  /** Position of the item in the request (and the response). */
  readonly index: number;
  /** The item's id, when the response carried one. */
  readonly id: string;
  /** The item's own status as the API returned it. */
  readonly status: Status;
}

/**
 * The fields of a new `ClarifaiError` (see `createClarifaiError`). Every field is optional. There is
 * no `message`: it is built from `code`/`grpcCode`, `method`, `description`, `details`, `items` and
 * `reqId`.
 */
export interface ClarifaiErrorInit {
  /** The RPC name, e.g. `PostTasks`. Default `""`: the failure is not tied to one call. */
  method?: string;
  /** The Clarifai status code, when the API answered. Default `undefined`. */
  code?: StatusCode;
  /** The gRPC status code, when the transport failed (or the API answered with a gRPC error). Default `undefined`. */
  grpcCode?: Code;
  /** Short human summary (Clarifai `status.description`, or the transport's message). Default `""` (the message says "request failed"). */
  description?: string;
  /** Clarifai `status.details`. Default `""`. */
  details?: string;
  /** Clarifai `status.developer_notes`. Default `""`. */
  developerNotes?: string;
  /** Clarifai `status.req_id`, to quote to Clarifai support. Default `""`. */
  reqId?: string;
  /** Per-item statuses (kept for `MIXED_STATUS`). Default `[]`. */
  items?: readonly ItemStatus[];
  /** The request may have been processed: the connection was lost after it was sent. Default `false`. */
  outcomeUnknown?: boolean;
  /** How many attempts were made (1 + retries). Default 1. */
  attempts?: number;
  /** The failures of the earlier attempts, oldest first, when the call was retried. Default `[]`. */
  previousErrors?: readonly ClarifaiError[];
  /** The underlying error (a `ConnectError`, an abort reason, …). Default: none. */
  cause?: unknown;
}

/** Upper-snake names of the gRPC codes, as the gRPC spec spells them (connect's enum uses PascalCase). */
const grpcCodeNames: Record<Code, string> = {
  [Code.Canceled]: "CANCELED",
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

/** The gRPC spec name of a connect `Code` (`Code.Unavailable` → `"UNAVAILABLE"`). */
export function grpcCodeName(code: Code): string {
  return grpcCodeNames[code] ?? `GRPC_${code}`;
}

/** The name of a Clarifai status code (`11008` → `"CONN_KEY_INVALID"`); unknown numbers print as `STATUS_<n>`. */
export function statusCodeName(code: number): string {
  return (StatusCode as unknown as Record<number, string | undefined>)[code] ?? `STATUS_${code}`;
}

/**
 * The base of every error the client throws.
 *
 * - `code`/`codeName`: the Clarifai `StatusCode` when the API answered (`codeName` is the gRPC code name,
 *   e.g. `"UNAVAILABLE"`, when only the transport failed, and `code` is then `undefined`).
 * - `grpcCode`: the gRPC status of a transport failure (`undefined` when gRPC said OK but `status.code`
 *   was not SUCCESS).
 * - A caller's abort becomes `grpcCode === Code.Canceled`, an expired deadline
 *   `Code.DeadlineExceeded`; `cause` then holds the abort reason.
 *
 * The message reads `[CONN_KEY_INVALID 11008] PostTasks: Invalid API key (req_id abc)`.
 *
 * `instanceof` works across duplicate copies of this package (a global brand, not the prototype chain).
 */
export class ClarifaiError extends Error {
  /** Brand name used by `instanceof`; subclasses set their own. @internal */
  static readonly brandName: string = "ClarifaiError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A caller's own subclass has no brand of its own: fall back to the prototype chain for it.
    if (!Object.prototype.hasOwnProperty.call(this, "brandName")) {
      return Function.prototype[Symbol.hasInstance].call(this, value);
    }
    if (typeof value !== "object" || value === null) return false;
    const kinds = (value as { [brand]?: unknown })[brand];
    return Array.isArray(kinds) && kinds.includes((this as typeof ClarifaiError).brandName);
  }

  declare readonly [brand]: readonly string[];
  /** Clarifai status code when the API answered; `undefined` for pure transport failures. */
  readonly code: StatusCode | undefined;
  /** `StatusCode` name (`"CONN_KEY_INVALID"`), or the gRPC code name for transport failures. */
  readonly codeName: string;
  /** Human summary from the API (or the transport). */
  readonly description: string;
  /** Specifics from the API's `status.details`; `""` when none. */
  readonly details: string;
  /** Advice from the API's `status.developer_notes`; `""` when none. */
  readonly developerNotes: string;
  /** The request id (`status.req_id`) to quote to Clarifai; `""` when none. */
  readonly reqId: string;
  /** The RPC, e.g. `"PostTasks"`; `""` when not tied to one call. */
  readonly method: string;
  /** gRPC status of the failure; `undefined` when gRPC said OK but the Clarifai status did not. */
  readonly grpcCode: Code | undefined;
  /** Per-item statuses of a batch call (`MIXED_STATUS`); `[]` otherwise. */
  readonly items: readonly ItemStatus[];
  /**
   * `true` when the connection failed after the request was sent: the write may or may not have been
   * applied. Such a failure is never retried; check the resource before repeating a write.
   */
  readonly outcomeUnknown: boolean;
  /** Attempts made, 1 + retries. */
  readonly attempts: number;
  /** Failures of the earlier attempts, oldest first (the last attempt's failure is this error). */
  readonly previousErrors: readonly ClarifaiError[];

  constructor(init: ClarifaiErrorInit) {
    const code = init.code;
    const codeName =
      code !== undefined ? statusCodeName(code) : init.grpcCode !== undefined ? grpcCodeName(init.grpcCode) : "UNKNOWN";
    super(formatMessage(init, codeName), init.cause !== undefined ? { cause: init.cause } : undefined);
    this.code = code;
    this.codeName = codeName;
    this.description = init.description ?? "";
    this.details = init.details ?? "";
    this.developerNotes = init.developerNotes ?? "";
    this.reqId = init.reqId ?? "";
    this.method = init.method ?? "";
    this.grpcCode = init.grpcCode;
    this.items = init.items ?? [];
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.attempts = init.attempts ?? 1;
    this.previousErrors = init.previousErrors ?? [];
    // Collect the brand names of the whole class chain, so `instanceof Subclass` works on a copy.
    const kinds: string[] = [];
    for (let c = new.target as unknown; c && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.prototype.hasOwnProperty.call(c, "brandName")) kinds.push((c as typeof ClarifaiError).brandName);
    }
    Object.defineProperty(this, brand, { value: kinds, enumerable: false });
    Object.defineProperty(this, "name", { value: new.target.name || "ClarifaiError", enumerable: false, configurable: true, writable: true });
  }

  /** A plain object for logs: the fields above, `cause` reduced to its message. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      codeName: this.codeName,
      description: this.description,
      details: this.details,
      developerNotes: this.developerNotes,
      reqId: this.reqId,
      method: this.method,
      grpcCode: this.grpcCode,
      outcomeUnknown: this.outcomeUnknown,
      attempts: this.attempts,
      items: this.items.map((i) => ({ index: i.index, id: i.id, code: i.status.code, description: i.status.description })),
      cause: this.cause instanceof Error ? this.cause.message : this.cause === undefined ? undefined : String(this.cause),
    };
  }

  /** Makes a copy of this error recording the attempts of a retried call. @internal */
  withAttempts(attempts: number, previousErrors: readonly ClarifaiError[]): ClarifaiError {
    const copy = Object.create(Object.getPrototypeOf(this)) as ClarifaiError;
    for (const key of Reflect.ownKeys(this)) {
      Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(this, key)!);
    }
    Object.defineProperty(copy, "attempts", { value: attempts, enumerable: true });
    Object.defineProperty(copy, "previousErrors", { value: previousErrors, enumerable: true });
    if (attempts > 1 && !this.message.includes(" attempts)")) {
      const message = `${this.message} (after ${attempts} attempts)`;
      Object.defineProperty(copy, "message", { value: message, enumerable: false, writable: true, configurable: true });
      if (typeof this.stack === "string") {
        Object.defineProperty(copy, "stack", { value: this.stack.replace(this.message, message), enumerable: false, writable: true, configurable: true });
      }
    }
    return copy;
  }
}

function formatMessage(init: ClarifaiErrorInit, codeName: string): string {
  const head = init.code !== undefined ? `[${codeName} ${init.code}]` : `[${codeName}]`;
  let text = init.description || "request failed";
  if (init.details && init.details !== init.description) text += `: ${init.details}`;
  if (init.items && init.items.length > 0) {
    const failed = init.items.filter((i) => i.status.code !== StatusCode.SUCCESS);
    text += ` (${failed.length} of ${init.items.length} items failed: ${failed
      .slice(0, 3)
      .map((i) => `#${i.index}${i.id ? ` ${i.id}` : ""} ${statusCodeName(i.status.code)}`)
      .join(", ")}${failed.length > 3 ? ", …" : ""})`;
  }
  if (init.outcomeUnknown) text += " (outcome unknown: the request may have reached the server and been applied)";
  if (init.reqId) text += ` (req_id ${init.reqId})`;
  if (init.attempts !== undefined && init.attempts > 1) text += ` (after ${init.attempts} attempts)`;
  return `${head} ${init.method ? `${init.method}: ` : ""}${text}`;
}

/** The key or token was refused, or lacks the scopes/permissions for the call (`CONN_KEY_INVALID`, `UNAUTHENTICATED`, …). */
export class AuthenticationError extends ClarifaiError {
  static override readonly brandName: string = "AuthenticationError";
}
/** The resource does not exist (`*_DOES_NOT_EXIST`, `TASK_MISSING`, gRPC `NOT_FOUND`, …). */
export class NotFoundError extends ClarifaiError {
  static override readonly brandName: string = "NotFoundError";
}
/** The request was malformed or broke a rule (`*_INVALID_ARGUMENT`, `CONN_INVALID_REQUEST`, gRPC `INVALID_ARGUMENT`, …). */
export class InvalidArgumentError extends ClarifaiError {
  static override readonly brandName: string = "InvalidArgumentError";
}
/** Too many requests or a usage limit (`CONN_THROTTLED`, `CONN_EXCEED_HOURLY_LIMIT`, gRPC `RESOURCE_EXHAUSTED`, …). */
export class RateLimitError extends ClarifaiError {
  static override readonly brandName: string = "RateLimitError";
}
/** The service could not be reached or asked to try again (gRPC `UNAVAILABLE`, `TRY_AGAIN`, `RPC_SERVER_UNAVAILABLE`, …). */
export class UnavailableError extends ClarifaiError {
  static override readonly brandName: string = "UnavailableError";
}

/**
 * A task or collector broke a documented rule and was not sent. `issues` lists every problem, each with
 * the field path (`tasks[0].worker.partitionedStrategyInfo.weights`). `grpcCode` is `INVALID_ARGUMENT`,
 * `code` is `undefined` (the API never saw the request). Pass `{ validate: false }` to skip the check.
 */
export class ValidationError extends InvalidArgumentError {
  static override readonly brandName: string = "ValidationError";
  /** Every problem found, in field order. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], method?: string) {
    const list = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    super({
      method: method ?? "",
      grpcCode: Code.InvalidArgument,
      description: `${issues.length} validation issue${issues.length === 1 ? "" : "s"}`,
      details: list,
    });
    this.issues = issues;
  }
}

const authCodes = new Set<number>([
  StatusCode.CONN_ACCOUNT_ISSUES,
  StatusCode.CONN_TOKEN_INVALID,
  StatusCode.CONN_CREDENTIALS_INVALID,
  StatusCode.CONN_INSUFFICIENT_SCOPES,
  StatusCode.CONN_KEY_INVALID,
  StatusCode.CONN_KEY_NOT_FOUND,
  StatusCode.CONN_AUTH_METHOD_DISABLED,
]);
const rateLimitCodes = new Set<number>([
  StatusCode.CONN_EXCEED_HOURLY_LIMIT,
  StatusCode.CONN_EXCEED_MONTHLY_LIMIT,
  StatusCode.CONN_THROTTLED,
  StatusCode.CONN_EXCEEDS_LIMITS,
  StatusCode.RPC_REQUEST_QUEUE_FULL,
  StatusCode.INTERNAL_RESOURCE_EXHAUSTED,
]);
const unavailableCodes = new Set<number>([
  StatusCode.TRY_AGAIN,
  StatusCode.RPC_SERVER_UNAVAILABLE,
  StatusCode.INTERNAL_REDIS_UNAVAILABLE,
]);
const invalidCodes = new Set<number>([
  StatusCode.CONN_BAD_REQUEST_FORMAT,
  StatusCode.CONN_INVALID_REQUEST,
  StatusCode.CONN_INVALID_RANGE,
]);
const notFoundCodes = new Set<number>([StatusCode.CONN_DOES_NOT_EXIST]);

/** Which category class a failure belongs to; `ClarifaiError` itself is the catch-all. */
function categoryOf(init: ClarifaiErrorInit): new (init: ClarifaiErrorInit) => ClarifaiError {
  if (init.code !== undefined) {
    const c = init.code;
    const name = statusCodeName(c);
    if (authCodes.has(c) || name.endsWith("_PERMISSION_DENIED")) return AuthenticationError;
    if (rateLimitCodes.has(c)) return RateLimitError;
    if (unavailableCodes.has(c)) return UnavailableError;
    if (notFoundCodes.has(c) || name.endsWith("_DOES_NOT_EXIST") || name.endsWith("_NOT_FOUND") || /^(TASK|COLLECTOR|WORKER)_MISSING$/.test(name)) {
      return NotFoundError;
    }
    if (invalidCodes.has(c) || name.endsWith("_INVALID_ARGUMENT") || name.endsWith("_INVALID_REQUEST")) return InvalidArgumentError;
    // A Clarifai status decides; the gRPC code (if any) is only a fallback below.
    if (c !== StatusCode.ZERO) return ClarifaiError;
  }
  switch (init.grpcCode) {
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      return AuthenticationError;
    case Code.NotFound:
      return NotFoundError;
    case Code.InvalidArgument:
    case Code.OutOfRange:
      return InvalidArgumentError;
    case Code.ResourceExhausted:
      return RateLimitError;
    case Code.Unavailable:
      return UnavailableError;
    default:
      return ClarifaiError;
  }
}

/**
 * Builds the error of the right category for a failure: auth, not found, invalid argument, rate limited,
 * unavailable, or the `ClarifaiError` catch-all. The Clarifai status code decides when present,
 * otherwise the gRPC code.
 */
export function createClarifaiError(init: ClarifaiErrorInit): ClarifaiError {
  const Category = categoryOf(init);
  return new Category(init);
}

/** `true` for any `ClarifaiError` (from any copy of this package). */
export function isClarifaiError(value: unknown): value is ClarifaiError {
  return value instanceof ClarifaiError;
}
