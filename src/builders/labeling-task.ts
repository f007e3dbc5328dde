// Tasks in which people label inputs: the assigned task with manual review and the consensus task with
// weighted partitioning of the documentation.

import { create, type JsonObject, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type Task,
  type Task_TaskPriority,
  Task_TaskPrioritySchema,
  type Task_TaskType,
  Task_TaskTypeSchema,
  TaskSchema,
  type TaskWorker_TaskWorkerStrategy,
  TaskWorker_TaskWorkerStrategySchema,
  type TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema,
  type TaskWorkerSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import { type StatusCode, StatusCodeSchema } from "../../gen/clarifai/api/status/status_code_pb.js";
import { throwIfInvalid } from "../validation/assert.js";
import type { ValidationIssue } from "../validation/issue.js";
import { describe } from "../validation/shape.js";
import { validateTask } from "../validation/task.js";
import { type InputSourceSpec, inputSourceInit } from "./input-source.js";
import {
  enumFromSpec,
  type NameOrValue,
  type PartitionTypeName,
  type StatusCodeName,
  type TaskPriorityName,
  type TaskTypeName,
} from "./names.js";
import { type ReviewSpec, reviewInit } from "./review.js";
import { listAt, objectAt, requireSpec, withoutEchoes } from "./spec-issues.js";

// The plain-object half of protobuf-es's init shape (the other half is a ready message), so it can be spread.
type TaskInit = Exclude<MessageInitShape<typeof TaskSchema>, Task>;

type Strategy<K extends "DYNAMIC" | "FULL" | "PARTITIONED"> = NameOrValue<typeof TaskWorker_TaskWorkerStrategy, K>;
// The values a labeling task takes, by name: the spec types below and the builder's check read them.
// TYPE_NOT_SET is the auto-annotation task's type, and a partition without a type is refused.
const LABELING_TASK_TYPES = ["CONCEPTS_CLASSIFICATION", "BOUNDING_BOX_DETECTION", "POLYGON_DETECTION"] as const satisfies readonly TaskTypeName[];
const PARTITION_TYPES = ["EVENLY", "WEIGHTED"] as const satisfies readonly PartitionTypeName[];

type Partition<K extends (typeof PARTITION_TYPES)[number]> = NameOrValue<
  typeof TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy,
  K
>;

/** Every worker gets an equal share of the inputs. */
export interface EvenPartitionSpec {
  readonly type: Partition<"EVENLY">;
  /** How many workers label each input, from 1 to the number of workers. */
  readonly workersPerInput: number;
  readonly weights?: never;
}

/** Each worker's share of the inputs is its weight over the sum of the weights. */
export interface WeightedPartitionSpec {
  readonly type: Partition<"WEIGHTED">;
  /** How many workers label each input, from 1 to the number of workers. */
  readonly workersPerInput: number;
  /**
   * A weight > 0 for every worker, by user id, e.g. `{ u1: 1, u2: 1, u3: 2 }`. No share may exceed
   * 1 / workersPerInput, since a worker labels an input at most once.
   */
  readonly weights: Readonly<Record<string, number>>;
}

/** Workers who share one queue (`DYNAMIC`) or who each label every input (`FULL`). */
export interface SharedWorkersSpec {
  readonly strategy: Strategy<"DYNAMIC" | "FULL">;
  /** The labelers' user ids; at least one. */
  readonly users: readonly string[];
  readonly partition?: never;
}

/** Workers among whom the inputs are split (`PARTITIONED`), evenly or by weight. */
export interface PartitionedWorkersSpec {
  readonly strategy: Strategy<"PARTITIONED">;
  /** The labelers' user ids; at least one. */
  readonly users: readonly string[];
  /** How the inputs are split. */
  readonly partition: EvenPartitionSpec | WeightedPartitionSpec;
}

/** The human labelers of a task and how the inputs are assigned to them. */
export type LabelingWorkersSpec = SharedWorkersSpec | PartitionedWorkersSpec;

/** The fields every task builder shares. */
export interface TaskCommonSpec {
  /** The task id, for updates (PatchTasks sends the whole task). Default: empty, the server generates one. */
  readonly id?: string;
  /**
   * A short title that tells the task apart in a list, e.g. `"Annotate water"`. Required, not blank:
   * every task of the documentation has one.
   */
  readonly name: string;
  /** Free text shown to workers. Default: empty. */
  readonly description?: string;
  /** Which inputs are labeled. */
  readonly inputSource: InputSourceSpec;
  /** For video inputs: label one frame every `sampleMs` milliseconds. Default: 0 (not set). */
  readonly sampleMs?: number;
  /** How urgently workers should pick the task up. Default: not set. */
  readonly priority?: NameOrValue<typeof Task_TaskPriority, TaskPriorityName>;
  /** Remove annotations made before the task on the same inputs. Default: `false`. */
  readonly deletePreviousAnnotations?: boolean;
  /** Free-form data for the caller's own use (a `google.protobuf.Struct`). Default: none. */
  readonly metadata?: JsonObject;
  /**
   * The task's status code, for updates such as marking a task `"TASK_DONE"`. Default: none (the server
   * sets the status of a new task).
   */
  readonly status?: NameOrValue<typeof StatusCode, StatusCodeName>;
}

/** What {@link labelingTask} takes. */
export interface LabelingTaskSpec extends TaskCommonSpec {
  /**
   * What the labelers produce: `"CONCEPTS_CLASSIFICATION"`, `"BOUNDING_BOX_DETECTION"` or
   * `"POLYGON_DETECTION"`. `TYPE_NOT_SET` is for auto-annotation tasks and not allowed here.
   */
  readonly type: NameOrValue<typeof Task_TaskType, (typeof LABELING_TASK_TYPES)[number]>;
  /** The ids of the concepts to label, e.g. `["water"]`. */
  readonly concepts: readonly string[];
  /** The labelers and the assignment strategy. */
  readonly workers: LabelingWorkersSpec;
  /** How the labels are reviewed. Default: `{ strategy: "NONE" }`. */
  readonly review?: ReviewSpec;
}

/**
 * Builds a task in which people label inputs, checked against the documented rules.
 *
 * The result is a full `Task` message with current fields only (`worker.workers`, `concepts`,
 * `approvalThresholdLabelers`), ready for `client.tasks.create` or PostTasks.
 *
 * @example
 * labelingTask({
 *   name: "Annotate water", type: "CONCEPTS_CLASSIFICATION", concepts: ["water"],
 *   workers: { strategy: "DYNAMIC", users: ["worker-1"] },
 *   inputSource: { type: "DATASET", id: "ds-1" }, sampleMs: 1000,
 *   review: { strategy: "MANUAL", samplePercentage: 0.5, reviewers: ["reviewer-1"] },
 * });
 * @throws ValidationError listing every problem (paths like `task.worker.partitionedStrategyInfo.weights.u1`).
 */
export function labelingTask(spec: LabelingTaskSpec): Task {
  requireSpec(spec, "task", "labelingTask");
  const issues: ValidationIssue[] = [];
  const init: TaskInit = {
    ...commonTaskInit(spec, issues),
    type: enumFromSpec(Task_TaskTypeSchema, spec.type, "task.type", issues, { names: LABELING_TASK_TYPES, of: "a labeling task" }),
    concepts: listAt(spec.concepts, "task.concepts", "concepts", '["water"]', issues).map((id) => ({ concept: { id } })),
    worker: workersInit(spec.workers, issues),
    review: reviewInit(spec.review ?? { strategy: "NONE" }, "task.review", issues),
  };
  return finishTask(init, issues);
}

function workersInit(given: LabelingWorkersSpec, issues: ValidationIssue[]): MessageInitShape<typeof TaskWorkerSchema> | undefined {
  const spec = objectAt(given, "task.worker", "workers", '{ strategy: "DYNAMIC", users: ["u1"] }', issues);
  if (spec === undefined) return undefined;
  const strategy = enumFromSpec(TaskWorker_TaskWorkerStrategySchema, spec.strategy, "task.worker.strategy", issues);
  const users = listAt(spec.users, "task.worker.workers", "workers.users", '["u1"]', issues);
  const workers = users.map((id) => ({ worker: { case: "user" as const, value: { id } } }));
  // null is "not given", as in protobuf JSON; the rules say when PARTITIONED needs a partition.
  if (spec.partition == null) return { strategy, workers };
  const ip = "task.worker.partitionedStrategyInfo";
  const p = objectAt(spec.partition, ip, "workers.partition", '{ type: "EVENLY", workersPerInput: 1 }', issues);
  if (p === undefined) return { strategy, workers };
  const info: MessageInitShape<typeof TaskWorkerSchema>["strategyInfo"] = {
    case: "partitionedStrategyInfo",
    value: {
      type: enumFromSpec(
        TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema,
        p.type,
        `${ip}.type`,
        issues,
        { names: PARTITION_TYPES, of: "a partitioned worker" },
      ),
      workersPerInput: p.workersPerInput,
      // Copied so that the task does not share (and later see changes to) the caller's object.
      ...(p.weights !== undefined ? { weights: { ...p.weights } } : {}),
    },
  };
  return { strategy, workers, strategyInfo: info };
}

/**
 * The fields shared by every task builder, left out when not given so that results equal `fromJson`
 * (`create` leaves a field given as `undefined` unset, as if left out). @internal
 */
export function commonTaskInit(spec: TaskCommonSpec, issues: ValidationIssue[]): TaskInit {
  const init: TaskInit = {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    inputSource: inputSourceInit(spec.inputSource, "task.inputSource", issues),
    sampleMs: spec.sampleMs,
    deletePreviousAnnotations: spec.deletePreviousAnnotations,
    metadata: structuredClone(spec.metadata),
  };
  // The API's own rules on a name are not documented; every example names its task, and a task listed
  // without one cannot be told apart.
  if (typeof spec.name !== "string" || spec.name.trim() === "") {
    issues.push({ path: "task.name", message: `name is required: a title that tells the task apart in a list, such as "Annotate water"; it is ${describe(spec.name)}` });
  }
  if (spec.priority !== undefined) init.priority = enumFromSpec(Task_TaskPrioritySchema, spec.priority, "task.priority", issues);
  if (spec.status !== undefined) init.status = { code: enumFromSpec(StatusCodeSchema, spec.status, "task.status.code", issues) };
  return init;
}

/** Creates the message, validates it, and throws when the spec or the message has issues. @internal */
export function finishTask(init: TaskInit, issues: ValidationIssue[]): Task {
  const task = create(TaskSchema, init);
  throwIfInvalid(withoutEchoes(issues, validateTask(task, "task")));
  return task;
}
