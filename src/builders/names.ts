// The value names of the generated enums as string literal types, so that builders take `"DYNAMIC"`
// (checked by the compiler) as well as `TaskWorker_TaskWorkerStrategy.DYNAMIC`.

import type { GenEnum } from "@bufbuild/protobuf/codegenv2";
import type {
  AnnotationDataType,
  Task_TaskPriority,
  Task_TaskType,
  TaskInputSource_TaskInputSourceType,
  TaskReview_TaskReviewStrategy,
  TaskWorker_TaskWorkerStrategy,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy,
} from "../../gen/clarifai/api/resources_pb.js";
import type { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { type EnumName, type EnumSubset, enumValueName, findEnumValue, notAValueMessage } from "../validation/enums.js";
import type { ValidationIssue } from "../validation/issue.js";
import { describe } from "../validation/shape.js";

/**
 * Some values of a generated enum, by name or by value:
 * `NameOrValue<typeof TaskWorker_TaskWorkerStrategy, "FULL">` is `"FULL" | TaskWorker_TaskWorkerStrategy.FULL`.
 */
export type NameOrValue<
  E extends Record<string, string | number>,
  K extends EnumName<E> = EnumName<E>,
> = K | E[K];

/** `"TYPE_NOT_SET" | "CONCEPTS_CLASSIFICATION" | "BOUNDING_BOX_DETECTION" | "POLYGON_DETECTION"`. */
export type TaskTypeName = EnumName<typeof Task_TaskType>;
/** `"WORKER_STRATEGY_NOT_SET" | "PARTITIONED" | "FULL" | "DYNAMIC"`. */
export type WorkerStrategyName = EnumName<typeof TaskWorker_TaskWorkerStrategy>;
/** `"PARTITIONED_WORKER_STRATEGY_NOT_SET" | "EVENLY" | "WEIGHTED"`. */
export type PartitionTypeName = EnumName<typeof TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy>;
/** `"INPUT_SOURCE_TYPE_NOT_SET" | "ALL_INPUTS" | "SAVED_SEARCH" | "DATASET"`. */
export type InputSourceTypeName = EnumName<typeof TaskInputSource_TaskInputSourceType>;
/** `"TASK_REVIEW_STRATEGY_NOT_SET" | "NONE" | "MANUAL" | "CONSENSUS"`. */
export type ReviewStrategyName = EnumName<typeof TaskReview_TaskReviewStrategy>;
/** `"TAG" | "BOUNDING_BOX" | "POLYGON" | "POINT" | "SPAN" | "MASK"` (and the unset value). */
export type AnnotationDataTypeName = EnumName<typeof AnnotationDataType>;
/** `"LOW" | "MEDIUM" | "HIGH"` (and the unset value). */
export type TaskPriorityName = EnumName<typeof Task_TaskPriority>;
/** Any Clarifai status code name, e.g. `"ANNOTATION_SUCCESS"`, `"TASK_DONE"`. */
export type StatusCodeName = EnumName<typeof StatusCode>;

/**
 * Reads an enum value given by name or number. A name that is not a value, or (with `subset`) a value
 * the field does not take there, becomes an issue at `path`, so a JavaScript caller's typo is reported
 * with the other problems instead of being sent as "not set".
 *
 * The value returned for it is outside the enum: the rules report such a value at `path` only (an echo
 * the builders drop, see spec-issues.ts), where 0 would have them judge a task of the unset kind (a misspelled
 * task type read as TYPE_NOT_SET had user workers refused as an auto-annotation task's).
 *
 * @internal
 */
export function enumFromSpec<E extends number>(
  schema: GenEnum<E>,
  value: string | number,
  path: string,
  issues: ValidationIssue[],
  subset?: EnumSubset,
): E {
  const found = findEnumValue(schema, value);
  // A number outside the enum passes through: the rules report it with the field's name.
  if (found === undefined && typeof value === "number") return value as E;
  const name = found === undefined ? undefined : enumValueName(schema, found);
  if (name !== undefined && (subset === undefined || subset.names.includes(name))) return found as E;
  const subject = typeof value === "number" ? `${value} (${name})` : givenValueText(value);
  issues.push({ path, message: notAValueMessage(subject, schema, typeof value === "string" ? value : undefined, subset) });
  return (Math.min(...schema.values.map((v) => v.number)) - 1) as E;
}

/**
 * What a builder's issue calls a value it could not read as an enum value: a name in quotes, a number as
 * it is, anything else described ("the bigint 1n", "a symbol"). Not `JSON.stringify` alone: it throws on
 * a bigint (a TypeError instead of the issue) and writes `undefined` for a symbol or function and `null`
 * for NaN. @internal
 */
export function givenValueText(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "number" ? String(value) : describe(value);
}
