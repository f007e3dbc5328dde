// The rules every task and collector must follow, in one place for the client (checked before a request
// is sent) and the emulator (checked when a request arrives).

export type { ValidationIssue } from "./issue.js";
export { validateTask, validateTasks, type TaskLike, type TaskValidationOptions } from "./task.js";
export { validateListParams } from "./list.js";
export {
  type CollectorLike,
  validateCollector,
  validateCollectors,
  validateCollectorPatch,
  validateCollectorPatches,
} from "./collector.js";
export { deprecatedTaskFields, normalizeTask } from "./normalize.js";
export {
  describeEnum,
  enumValue,
  enumValueName,
  isKnownEnumValue,
  type EnumName,
} from "./enums.js";
export { throwIfInvalid } from "./assert.js";
