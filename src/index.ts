// clarifai-grpc-es: the public entry point. End-user API first, then the generated messages.

// The client and its errors (end-user API).
export { ClarifaiClient } from "./client.js";
export {
  ClarifaiError,
  AuthenticationError,
  NotFoundError,
  InvalidArgumentError,
  RateLimitError,
  UnavailableError,
  ValidationError,
  createClarifaiError,
  isClarifaiError,
  grpcCodeName,
  statusCodeName,
  type ClarifaiErrorInit,
  type ItemStatus,
  type StatusDetail,
  type GrpcStatusObject,
  type GrpcMetadataConstructor,
} from "./errors.js";
export { grpcCodeForStatus } from "./grpc-codes.js";
// Inside a gRPC service: the incoming call's deadline, cancellation and trace context, in one spread.
export {
  fromGrpcJsCall,
  fromConnectContext,
  IncomingCallCancelledError,
  type PropagationOptions,
  type PropagatedCallOptions,
  type GrpcJsServerCallLike,
  type ConnectContextLike,
} from "./propagation.js";
export {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_BASE_URL,
  DEFAULT_COMPRESSION,
  DEFAULT_MAX_RECEIVE_BYTES,
  type Compression,
  type ClarifaiClientOptions,
  type CallOptions,
  type WriteOptions,
  type TlsOptions,
  type GrpcJsOptions,
  type UserAppId,
} from "./options.js";
export { toJson, toJsonString, type Loggable, type ToJsonOptions, type ToJsonStringOptions } from "./json.js";
export type { Tasks, TaskInput, ListTasksParams, ListAllTasksParams, GetTaskOptions, TaskCountFilters } from "./resources/tasks.js";
export type { Collectors, CollectorInput, ListCollectorsParams, ListAllCollectorsParams } from "./resources/collectors.js";
/**
 * connect's gRPC status codes (`Code.Unavailable`, `Code.Canceled`, …), re-exported so that
 * `error.grpcCode` can be compared without a direct dependency on `@connectrpc/connect`. Numbers are
 * the gRPC spec's; `grpcCodeName(code)` gives the spec's upper-snake name (`CANCELLED`, …).
 */
export { Code } from "@connectrpc/connect";
// Building and checking tasks and collectors (end-user API).
export type { ValidationIssue } from "./validation/issue.js";
export * from "./builders/index.js";
export {
  validateTask,
  validateTasks,
  validateCollector,
  validateCollectors,
  validateCollectorPatch,
  validateCollectorPatches,
  deprecatedTaskFields,
  normalizeTask,
  describeEnum,
  enumValue,
  enumValueName,
  isKnownEnumValue,
  type EnumName,
  type TaskValidationOptions,
} from "./validation/index.js";
export { validateListParams, type TaskLike, type CollectorLike } from "./validation/index.js";
// Extension points: retry policy as data, pagination.
export {
  defaultRetryPolicy,
  defaultRetryRules,
  defaultMethodKinds,
  backoffDelay,
  type RetryPolicy,
  type RetryOptions,
  type RetryRule,
  type RetryEvent,
  type MethodKind,
} from "./retry.js";
export { abortableSleep } from "./deadline.js";
export { paginate, DEFAULT_PAGE_SIZE, DEFAULT_MAX_PAGES, MAX_PAGE_SIZE, type PaginateOptions, type PageFetcher, type ItemKey } from "./pagination.js";
// Generated messages, schemas and enums.
export * from "../gen/clarifai/api/status/status_code_pb.js";
export * from "../gen/clarifai/api/status/status_pb.js";
export * from "../gen/clarifai/api/resources_pb.js";
export * from "../gen/clarifai/api/service_pb.js";
