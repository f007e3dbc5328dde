// clarifai-grpc-es: the public entry point. End-user API first, then the generated messages.

export * from "../gen/clarifai/api/status/status_code_pb.js";
export * from "../gen/clarifai/api/status/status_pb.js";
export * from "../gen/clarifai/api/resources_pb.js";
export * from "../gen/clarifai/api/service_pb.js";
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
