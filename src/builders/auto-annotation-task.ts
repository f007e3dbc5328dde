// Tasks in which one model or workflow labels the inputs (auto-annotation): type TYPE_NOT_SET and a
// single machine worker. The spec has no place for users, so a human worker here does not compile.

import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type AnnotationDataType,
  type Task,
  Task_TaskType,
  type TaskConceptAutoAnnotationConfig,
  type TaskConceptAutoAnnotationConfigSchema,
  type TaskConceptSchema,
  type TaskSchema,
  type TaskWorker_TaskWorkerStrategy,
  TaskWorker_TaskWorkerStrategySchema,
  type WorkerSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import { type StatusCode, StatusCodeSchema } from "../../gen/clarifai/api/status/status_code_pb.js";
import type { ValidationIssue } from "../validation/issue.js";
import { annotationDataTypesField } from "./annotation-data-types.js";
import { commonTaskInit, finishTask, type TaskCommonSpec } from "./labeling-task.js";
import { enumFromSpec, type AnnotationDataTypeName, type NameOrValue, type StatusCodeName } from "./names.js";
import { type ManualReviewSpec, type NoReviewSpec, reviewInit } from "./review.js";
import { listAt, objectAt, requireSpec } from "./spec-issues.js";

/** A model as an auto-annotation worker. */
export interface ModelWorkerSpec {
  readonly model: {
    /** The model id. */
    readonly id: string;
    /** The model version id. Default: none (the latest version). */
    readonly versionId?: string;
    /** The model's owner, for a model outside the task's app (e.g. `"clarifai"`). Default: none. */
    readonly userId?: string;
    /** The app that holds the model, for a model outside the task's app (e.g. `"main"`). Default: none. */
    readonly appId?: string;
  };
  readonly workflow?: never;
}

/** A workflow as an auto-annotation worker. */
export interface WorkflowWorkerSpec {
  readonly workflow: {
    /** The workflow id. */
    readonly id: string;
    /** The workflow's owner, for a workflow outside the task's app. Default: none. */
    readonly userId?: string;
    /** The app that holds the workflow, for a workflow outside the task's app. Default: none. */
    readonly appId?: string;
  };
  readonly model?: never;
}

/** The range of prediction values that become annotations. */
export interface ThresholdSpec {
  /** The lower bound, within [0, 1]. */
  readonly lower: number;
  /** The upper bound, within [lower, 1]. */
  readonly upper: number;
  /** Whether `lower` itself is in the range. Default: `true`. */
  readonly lowerInclusive?: boolean;
  /** Whether `upper` itself is in the range. Default: `true`. */
  readonly upperInclusive?: boolean;
}

/** A concept of an auto-annotation task and how its predictions become annotations. */
export interface AutoAnnotationConceptSpec {
  /** The concept id. */
  readonly id: string;
  /**
   * The kinds of annotation to create, by name (`["TAG"]`, `["MASK", "BOUNDING_BOX"]`) or as the bit set
   * ({@link annotationDataTypes}). Default: not set.
   */
  readonly annotationDataTypes?: readonly NameOrValue<typeof AnnotationDataType, AnnotationDataTypeName>[] | number;
  /** Only predictions within this range become annotations. Default: none. */
  readonly threshold?: ThresholdSpec;
  /**
   * The status of the created annotations, e.g. `"ANNOTATION_SUCCESS"` (24150) or
   * `"ANNOTATION_AWAITING_REVIEW"`. Default: not set.
   */
  readonly statusCode?: NameOrValue<typeof StatusCode, StatusCodeName>;
}

/** What {@link autoAnnotationTask} takes. */
export interface AutoAnnotationTaskSpec extends TaskCommonSpec {
  /** The one model or workflow that labels the inputs. */
  readonly worker: ModelWorkerSpec | WorkflowWorkerSpec;
  /** How the worker is given the inputs. Default: `"FULL"` (it labels every input). */
  readonly strategy?: NameOrValue<typeof TaskWorker_TaskWorkerStrategy, "FULL" | "DYNAMIC">;
  /** The concepts to annotate, each with its settings. */
  readonly concepts: readonly AutoAnnotationConceptSpec[];
  /** How the created annotations are reviewed. Default: `{ strategy: "NONE" }`. */
  readonly review?: NoReviewSpec | ManualReviewSpec;
}

/**
 * Builds an auto-annotation task (type `TYPE_NOT_SET`, one model or workflow worker, strategy `FULL`
 * and review `NONE` unless given), checked against the documented rules.
 *
 * @example
 * autoAnnotationTask({
 *   name: "Auto-annotate water",
 *   worker: { model: { id: "general", versionId: "v1" } },
 *   concepts: [{ id: "water", annotationDataTypes: ["TAG"], statusCode: "ANNOTATION_SUCCESS",
 *     threshold: { lower: 0.7, upper: 0.999 } }],
 *   inputSource: { type: "DATASET", id: "ds-1" }, sampleMs: 1000,
 * });
 * @throws ValidationError listing every problem.
 */
export function autoAnnotationTask(spec: AutoAnnotationTaskSpec): Task {
  requireSpec(spec, "task", "autoAnnotationTask");
  const issues: ValidationIssue[] = [];
  const init: Exclude<MessageInitShape<typeof TaskSchema>, Task> = {
    ...commonTaskInit(spec, issues),
    type: Task_TaskType.TYPE_NOT_SET,
    worker: {
      strategy: enumFromSpec(TaskWorker_TaskWorkerStrategySchema, spec.strategy ?? "FULL", "task.worker.strategy", issues),
      workers: [machineWorker(spec.worker, issues)],
    },
    concepts: listAt(spec.concepts, "task.concepts", "concepts", '[{ id: "water" }]', issues).map((c, i) => conceptInit(c, i, issues)),
    review: reviewInit(spec.review ?? { strategy: "NONE" }, "task.review", issues),
  };
  return finishTask(init, issues);
}

// A worker the spec does not give is an empty one (and a model or workflow it does not give, an empty
// model or workflow): the task still has its one worker, and what the rules say of the empty one is an
// echo of the builder's issue.
function machineWorker(given: ModelWorkerSpec | WorkflowWorkerSpec, issues: ValidationIssue[]): MessageInitShape<typeof WorkerSchema> {
  const path = "task.worker.workers[0]";
  const either = '{ model: { id: "general" } } or { workflow: { id: "wf" } }';
  const spec = objectAt(given, path, "worker", either, issues);
  if (spec === undefined) return {};
  if (spec.model !== undefined) {
    const m = objectAt(spec.model, `${path}.model`, "worker.model", '{ id: "general" }', issues);
    if (m === undefined) return { worker: { case: "model", value: {} } };
    return {
      worker: {
        case: "model",
        value: {
          id: m.id,
          // Unlike the ids (`create` leaves `undefined` unset), a modelVersion message would be sent even empty.
          ...(m.versionId !== undefined ? { modelVersion: { id: m.versionId } } : {}),
          userId: m.userId,
          appId: m.appId,
        },
      },
    };
  }
  if (spec.workflow === undefined) {
    issues.push({ path, message: `worker must be an object such as ${either}; it is an object with neither` });
    return {};
  }
  const w = objectAt(spec.workflow, `${path}.workflow`, "worker.workflow", '{ id: "wf" }', issues);
  if (w === undefined) return { worker: { case: "workflow", value: {} } };
  return {
    worker: {
      case: "workflow",
      value: { id: w.id, userId: w.userId, appId: w.appId },
    },
  };
}

function conceptInit(
  given: AutoAnnotationConceptSpec,
  index: number,
  issues: ValidationIssue[],
): MessageInitShape<typeof TaskConceptSchema> {
  // An empty task concept: the rules' "needs a concept with an id" inside it echoes this issue.
  const spec = objectAt(given, `task.concepts[${index}]`, `concepts[${index}]`, '{ id: "water" }', issues);
  if (spec === undefined) return {};
  const path = `task.concepts[${index}].autoAnnotationConfig`;
  const concept = { id: spec.id };
  // null is "not given", as in protobuf JSON.
  if (spec.annotationDataTypes == null && spec.threshold == null && spec.statusCode == null) {
    return { concept };
  }
  const config: Exclude<MessageInitShape<typeof TaskConceptAutoAnnotationConfigSchema>, TaskConceptAutoAnnotationConfig> = {};
  if (spec.annotationDataTypes != null) {
    config.annotationDataTypes = annotationDataTypesField(spec.annotationDataTypes, `${path}.annotationDataTypes`, issues);
  }
  const t = spec.threshold == null ? undefined : objectAt(spec.threshold, `${path}.thresholdRange`, `concepts[${index}].threshold`, "{ lower: 0.7, upper: 1 }", issues);
  if (t !== undefined) {
    config.thresholdRange = {
      lower: t.lower,
      upper: t.upper,
      isLowerInclusive: t.lowerInclusive ?? true,
      isUpperInclusive: t.upperInclusive ?? true,
    };
  }
  if (spec.statusCode != null) config.statusCode = enumFromSpec(StatusCodeSchema, spec.statusCode, `${path}.statusCode`, issues);
  return { concept, autoAnnotationConfig: config };
}
