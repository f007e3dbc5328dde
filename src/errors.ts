// The error types every facade call throws. One base class, category subclasses picked by one factory
// (`createClarifaiError`), as Stripe does; `src/status.ts` is the only place that builds them from
// transport failures and non-SUCCESS statuses.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Metadata as GrpcJsMetadata } from "@grpc/grpc-js";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { fromBinary } from "@bufbuild/protobuf";
import { StatusCode } from "../gen/clarifai/api/status/status_code_pb.js";
import type { Status } from "../gen/clarifai/api/status/status_pb.js";
import { grpcCodeForStatus, grpcCodeName, statusCodeName } from "./grpc-codes.js";
import { loadOptional } from "./optional.js";
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
  /**
   * The gRPC status code. Default: for a Clarifai status, the code the table of
   * {@link grpcCodeForStatus} gives it (`TASK_MISSING` → `NOT_FOUND`); otherwise `UNKNOWN`.
   */
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
  /** Rich gRPC error details (`grpc-status-details-bin`), as the server sent them. Default `[]`. */
  statusDetails?: readonly StatusDetail[];
  /**
   * What to check or do, from the client (which source the PAT came from, the `http://` form of a URL
   * whose server does not speak TLS, …); ends the message. Default `""`.
   */
  hint?: string;
  /** The underlying error (a `ConnectError`, an abort reason, …). Default: none. */
  cause?: unknown;
}

export { grpcCodeName, statusCodeName } from "./grpc-codes.js";

/**
 * One entry of a gRPC error's rich details (`grpc-status-details-bin`, a `google.rpc.Status`): the
 * fully-qualified type name of the detail message and its encoded bytes. Decode with
 * {@link ClarifaiError.findDetails} and the detail's schema.
 */
export interface StatusDetail {
  /** Fully-qualified message name, e.g. `google.rpc.ErrorInfo`. */
  readonly type: string;
  /** The encoded message. */
  readonly value: Uint8Array;
}

/** A grpc-js `Metadata` constructor (the `Metadata` export of `@grpc/grpc-js`). */
export type GrpcMetadataConstructor = new () => { set(key: string, value: string | Buffer): void };

/** What a grpc-js handler passes to its callback to fail the call: see {@link ClarifaiError.toGrpcStatus}. */
export interface GrpcStatusObject<M> {
  /** The gRPC status code (a number, as grpc-js' `status` enum). */
  readonly code: number;
  /** The status message: this error's message. */
  readonly details: string;
  /** Trailers: `clarifai-status-code`, `clarifai-status-name`, `clarifai-req-id` where known. */
  readonly metadata: M;
}

/**
 * The base of every error the client throws.
 *
 * - `code`/`codeName`: the Clarifai `StatusCode` when the API answered (`codeName` is the gRPC code name,
 *   e.g. `"UNAVAILABLE"`, when only the transport failed, and `code` is then `undefined`).
 * - `grpcCode`: always set. The gRPC status of a transport failure, or, when gRPC said OK but the
 *   Clarifai `status.code` was not SUCCESS, the gRPC code that status means ({@link grpcCodeForStatus}:
 *   `TASK_MISSING` → `NOT_FOUND`). The category subclass follows from it.
 * - A caller's abort becomes `grpcCode === Code.Canceled`, an expired deadline
 *   `Code.DeadlineExceeded`; `cause` then holds the abort reason.
 * - Inside a gRPC service, {@link ClarifaiError.toGrpcStatus} and {@link ClarifaiError.toConnectError}
 *   turn it into the failure of your own handler.
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
  /** gRPC status of the failure: the transport's, or the one the Clarifai status means (see above). */
  readonly grpcCode: Code;
  /** Rich gRPC error details the server sent (`grpc-status-details-bin`); `[]` when none. Decode with {@link ClarifaiError.findDetails}. */
  readonly statusDetails: readonly StatusDetail[];
  /** What the client suggests to check (the PAT's source, the `http://` form of a URL, …); `""` when none. Part of the message. */
  readonly hint: string;
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
      code !== undefined ? statusCodeName(code) : grpcCodeName(init.grpcCode ?? Code.Unknown);
    super(formatMessage(init, codeName), init.cause !== undefined ? { cause: init.cause } : undefined);
    this.code = code;
    this.codeName = codeName;
    this.description = init.description ?? "";
    this.details = init.details ?? "";
    this.developerNotes = init.developerNotes ?? "";
    this.reqId = init.reqId ?? "";
    this.method = init.method ?? "";
    this.grpcCode = init.grpcCode ?? defaultGrpcCode(init);
    this.statusDetails = init.statusDetails ?? [];
    this.hint = init.hint ?? "";
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
      hint: this.hint || undefined,
      items: this.items.map((i) => ({ index: i.index, id: i.id, code: i.status.code, description: i.status.description })),
      cause: this.cause instanceof Error ? this.cause.message : this.cause === undefined ? undefined : String(this.cause),
    };
  }

  /**
   * Decodes the rich error details of one type (`grpc-status-details-bin`), e.g.
   * `error.findDetails(ErrorInfoSchema)`. Details of other types are skipped. Default: none found → `[]`.
   */
  findDetails<Desc extends DescMessage>(schema: Desc): MessageShape<Desc>[] {
    return this.statusDetails.filter((d) => d.type === schema.typeName).map((d) => fromBinary(schema, d.value));
  }

  /**
   * This failure as a grpc-js handler reports it to its own caller:
   * `callback(error.toGrpcStatus())` (or `call.emit("error", …)`). `code` is {@link ClarifaiError.grpcCode},
   * `details` the message, and `metadata` carries `clarifai-status-code`, `clarifai-status-name` and
   * `clarifai-req-id` where known (never the PAT, which no error carries). `Metadata` is the grpc-js
   * `Metadata` class to build it with; default: `@grpc/grpc-js` as this package resolves it (pass your
   * own when your service uses another copy).
   */
  toGrpcStatus<M extends InstanceType<GrpcMetadataConstructor> = GrpcJsMetadata>(Metadata?: new () => M): GrpcStatusObject<M> {
    const Ctor = (Metadata ?? loadGrpcJsMetadata()) as new () => M;
    const metadata = new Ctor();
    for (const [key, value] of Object.entries(this.#trailers())) metadata.set(key, value);
    return { code: this.grpcCode, details: this.message, metadata };
  }

  /**
   * This failure as a connect handler throws it to its own caller: a `ConnectError` with
   * {@link ClarifaiError.grpcCode}, this message, the `clarifai-status-*` / `clarifai-req-id` metadata
   * of {@link ClarifaiError.toGrpcStatus}, the server's rich details, and this error as `cause`.
   */
  toConnectError(): ConnectError {
    const error = new ConnectError(this.message, this.grpcCode, this.#trailers(), undefined, this);
    // Incoming details (type + bytes) are passed on as they came: connect encodes them back as they are.
    for (const d of this.statusDetails) error.details.push({ type: d.type, value: d.value });
    return error;
  }

  #trailers(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.code !== undefined) {
      out["clarifai-status-code"] = String(this.code);
      out["clarifai-status-name"] = this.codeName;
    }
    if (this.reqId) out["clarifai-req-id"] = this.reqId;
    return out;
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
  if (init.hint) text += `; ${init.hint}`;
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

/** The gRPC code of an error built without one: what its Clarifai status means, else UNKNOWN. */
function defaultGrpcCode(init: ClarifaiErrorInit): Code {
  if (init.code === undefined) return Code.Unknown;
  const code = grpcCodeForStatus(init.code, (init.items ?? []).map((i) => i.status.code));
  return code === 0 ? Code.Unknown : code;
}

/** Which category class a failure belongs to, from its gRPC code; `ClarifaiError` itself is the catch-all. */
function categoryOf(init: ClarifaiErrorInit): new (init: ClarifaiErrorInit) => ClarifaiError {
  switch (init.grpcCode ?? defaultGrpcCode(init)) {
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

/** `@grpc/grpc-js`' Metadata, loaded only when a service asks for a grpc-js status. */
function loadGrpcJsMetadata(): GrpcMetadataConstructor {
  const grpc = loadOptional<{ Metadata: GrpcMetadataConstructor }>("@grpc/grpc-js");
  if (!grpc) throw new TypeError("toGrpcStatus(): @grpc/grpc-js could not be loaded; pass its Metadata class: error.toGrpcStatus(grpc.Metadata)");
  return grpc.Metadata;
}

/**
 * Builds the error of the right category for a failure: auth, not found, invalid argument, rate limited,
 * unavailable, or the `ClarifaiError` catch-all, from its gRPC code (given, or the one its Clarifai
 * status means: see {@link grpcCodeForStatus}).
 */
export function createClarifaiError(init: ClarifaiErrorInit): ClarifaiError {
  const Category = categoryOf(init);
  return new Category(init);
}

/** `true` for any `ClarifaiError` (from any copy of this package). */
export function isClarifaiError(value: unknown): value is ClarifaiError {
  return value instanceof ClarifaiError;
}
