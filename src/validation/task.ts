// The documented rules for a Task, shared by the client (before sending) and the emulator (on arrival),
// so the two can never disagree. Deprecated upstream fields are read as their current equivalents
// (see normalize.ts for the mapping and the reasons).

import { create, type JsonValue, type MessageInitShape } from "@bufbuild/protobuf";
import { StatusCodeSchema } from "../../gen/clarifai/api/status/status_code_pb.js";
import {
  AnnotationDataTypeSchema,
  type Task,
  type TaskReview,
  type TaskWorker,
  Task_TaskPrioritySchema,
  Task_TaskType,
  Task_TaskTypeSchema,
  TaskInputSource_TaskInputSourceType,
  TaskInputSource_TaskInputSourceTypeSchema,
  TaskReview_TaskReviewStrategy,
  TaskReview_TaskReviewStrategySchema,
  TaskWorker_TaskWorkerStrategy,
  TaskWorker_TaskWorkerStrategySchema,
  TaskWorker_WorkerType,
  TaskWorker_WorkerTypeSchema,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema,
  TaskSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import { enumLabel, isKnownEnumValue, unknownEnumMessage } from "./enums.js";
import { duplicateIds } from "./ids.js";
import type { ValidationIssue } from "./issue.js";
import { deprecatedTaskFields } from "./normalize.js";
import { keyPath } from "./path.js";
import { withShape } from "./shape.js";

/**
 * Options of {@link validateTask} and {@link validateTasks}.
 */
export interface TaskValidationOptions {
  /**
   * What to do with deprecated upstream fields (`worker.users`, `worker.userIds`, `conceptIds`,
   * `review.userIds`, consensus `approvalThreshold`, `aiAssistant.workflowId`).
   *
   * - `"reject"` (default): each one is an issue whose message names the field to use instead, so a
   *   caller who validates a message learns what to write now.
   * - `"accept"`: they are read as their current equivalents and are not issues. Next to its
   *   replacement a deprecated field may only repeat it, as the API's own answers do (`worker.users`
   *   listing the users of `worker.workers`): one that says something else is still an issue. The emulator does this, as the real API accepts them on the wire; the
   *   client does it too on the caller's message, then rewrites them with {@link normalizeTask} before
   *   sending, so it never sends a deprecated field.
   *
   * @defaultValue "reject"
   */
  readonly deprecated?: "accept" | "reject";
}

/** Every bit that some AnnotationDataType value sets (TAG | BOUNDING_BOX | … | MASK = 63). @internal */
export const KNOWN_ANNOTATION_DATA_TYPE_BITS: number = AnnotationDataTypeSchema.values.reduce(
  (bits, v) => bits | v.number,
  0,
);

// Slack for comparing weight shares, which are quotients of doubles (1/3 + 1/3 + 1/3 is not exactly 1).
const EPSILON = 1e-6;

// Up to this many workers, the worker rules compare each with the ones before it rather
// than building a Map or Set per task; past it, the map keeps a long list linear.
const SCAN_LIMIT = 16;

// A worker the task names. Every task a client sends goes through these rules and nearly all are
// valid, so its paths are built only when a message names them.
class WorkerRef {
  constructor(
    /** The path of the task's worker, e.g. `tasks[0].worker`. */
    readonly worker: string,
    /** The list it is in and its place there. */
    readonly list: "workers" | "users" | "userIds",
    readonly index: number,
    /** The case's step below the item (`.user`), or "". */
    readonly leaf: string,
    /** The id's step below `path` (`.id`), or "" where the path is the id itself. */
    readonly idLeaf: string,
    readonly kind: "user" | "model" | "workflow" | undefined,
    readonly id: string,
    /** Model version id, so that two versions of one model are different workers. */
    readonly version: string,
  ) {}

  get path(): string {
    return `${this.worker}.${this.list}[${this.index}]${this.leaf}`;
  }

  /** Where the id is: `….user.id`, `….users[1].id` or `….userIds[2]`. */
  get idPath(): string {
    return `${this.path}${this.idLeaf}`;
  }
}

/**
 * A task as `validateTask` takes it: a `Task` message (`create(TaskSchema, …)`, `fromJson(TaskSchema,
 * …)`, a builder's result) or the plain init object that `create` would take.
 */
export type TaskLike = Task | MessageInitShape<typeof TaskSchema>;

// Said wherever an enum value is written by name: the builders are the place that takes names.
const TASK_HINTS = { enumNames: "or build the task with labelingTask() or autoAnnotationTask(), which take names" };

/**
 * Checks one task against the documented rules and returns every issue found (empty when valid).
 *
 * The task is a protobuf-es message or a plain init object. A plain object is checked as written
 * first, since `create` would silently drop what it does not know: a key that is not a field (say
 * `input_source`) is named with the field most likely meant, a oneof written flat as the REST JSON
 * writes it (`{ user: { id } }`) is shown in its protobuf-es form (`{ worker: { case: "user", value:
 * { id } } }`), an enum given by name points to the enum constant. Numbers outside their field's type
 * (a negative `sampleMs`) are issues on messages too. Paths start at `path`:
 * `task.review.consensusStrategyInfo.approvalThresholdLabelers`.
 *
 * @param path - the name of the task in the paths. Defaults to `"task"`.
 * @param options - see {@link TaskValidationOptions}; by default deprecated fields are issues.
 */
export function validateTask(
  task: TaskLike,
  path = "task",
  options: TaskValidationOptions = {},
): ValidationIssue[] {
  return withShape(TaskSchema, task, path, TASK_HINTS, (message) => taskRules(message, path, options));
}

/**
 * {@link validateTasks} of `tasks` as written, given the messages `create` made of them (`messages[i]`
 * of `tasks[i]`): the client validates what the caller wrote and sends those messages.
 * @internal
 */
export function validateTaskMessages(
  tasks: readonly TaskLike[],
  messages: readonly Task[],
  path: string,
  options: TaskValidationOptions,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const p = `${path}[${i}]`;
    issues.push(...withShape(TaskSchema, tasks[i]!, p, TASK_HINTS, (message) => taskRules(message, p, options), messages[i]));
  }
  // One task twice in a batch would be stored (or overwritten) as whichever came last. A single task
  // (most calls) needs no comparison.
  if (tasks.length > 1) issues.push(...duplicateIds(messages, path, "task"));
  return issues;
}

// The documented rules, on a message.
function taskRules(task: Task, path: string, options: TaskValidationOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (p: string, message: string) => issues.push({ path: p, message });

  if (options.deprecated !== "accept") issues.push(...deprecatedTaskFields(task, path));

  if (!isKnownEnumValue(Task_TaskTypeSchema, task.type)) {
    add(`${path}.type`, unknownEnumMessage("type", task.type, Task_TaskTypeSchema));
  }
  if (!isKnownEnumValue(Task_TaskPrioritySchema, task.priority)) {
    add(`${path}.priority`, unknownEnumMessage("priority", task.priority, Task_TaskPrioritySchema));
  }
  // StatusCode has hundreds of values: the message gives examples rather than the list.
  const code = task.status?.code ?? 0;
  if (!isKnownEnumValue(StatusCodeSchema, code)) {
    add(`${path}.status.code`, `status code ${code} is not a StatusCode value (e.g. TASK_IN_PROGRESS = 54001, TASK_DONE = 54002)`);
  }

  const wp = `${path}.worker`;
  const workers = collectWorkers(task.worker, wp, add);
  checkWorkers(task, workers, wp, add);
  checkConcepts(task, path, add);
  checkInputSource(task, path, add);
  checkReview(task.review, workers, labelersPerInput(task.worker, workers.length), `${path}.review`, add);
  checkAiAssistant(task, path, add);
  checkAiAssistParams(task, path, add);
  return issues;
}

/**
 * Checks a batch of tasks (as sent in PostTasks / PatchTasks); items are named `tasks[0]`, `tasks[1]` ….
 * Besides each task's issues, an id that an earlier task of the batch has is one (`duplicate task id`).
 *
 * @param path - the name of the list in the paths. Defaults to `"tasks"`.
 */
export function validateTasks(
  tasks: readonly TaskLike[],
  path = "tasks",
  options: TaskValidationOptions = {},
): ValidationIssue[] {
  return validateTaskMessages(
    tasks,
    tasks.map((t) => create(TaskSchema, t)),
    path,
    options,
  );
}

type Add = (path: string, message: string) => void;

// The workers a task names, current and deprecated forms together, each with the path it came from.
function collectWorkers(worker: TaskWorker | undefined, path: string, add: Add): WorkerRef[] {
  if (worker === undefined) return [];
  const refs: WorkerRef[] = [];
  for (let i = 0; i < worker.workers.length; i++) {
    const w = worker.workers[i]!.worker;
    switch (w.case) {
      case "user":
        refs.push(new WorkerRef(path, "workers", i, ".user", ".id", "user", w.value.id, ""));
        break;
      case "model":
        refs.push(new WorkerRef(path, "workers", i, ".model", ".id", "model", w.value.id, w.value.modelVersion?.id ?? ""));
        break;
      case "workflow":
        refs.push(new WorkerRef(path, "workers", i, ".workflow", ".id", "workflow", w.value.id, ""));
        break;
      default:
        add(`${path}.workers[${i}]`, "a worker must be a user, a model or a workflow; this one is empty");
        refs.push(new WorkerRef(path, "workers", i, "", "", undefined, "", ""));
    }
  }
  for (const r of refs) {
    if (r.kind !== undefined && r.id === "") add(r.idPath, `a ${r.kind} worker needs an id`);
  }
  if (worker.users.length + worker.userIds.length === 0) return refs;
  const needsId = "a user worker needs an id";
  if (worker.workers.length > 0) {
    // Next to worker.workers the deprecated lists may only repeat its users: they name no worker of
    // their own (see checkRepeats).
    const users = new Set<string>();
    for (const r of refs) if (r.kind === "user") users.add(r.id);
    const usersPath = (i: number) => `${path}.users[${i}].id`;
    const userIdsPath = (i: number) => `${path}.userIds[${i}]`;
    checkRepeats(users, worker.users.map((u) => u.id), "worker.users", "worker.workers", "user", `${path}.users`, usersPath, needsId, add);
    checkRepeats(users, worker.userIds, "worker.userIds", "worker.workers", "user", `${path}.userIds`, userIdsPath, needsId, add);
    return refs;
  }
  worker.users.forEach((u, i) => refs.push(new WorkerRef(path, "users", i, "", ".id", "user", u.id, "")));
  worker.userIds.forEach((id, i) => refs.push(new WorkerRef(path, "userIds", i, "", "", "user", id, "")));
  for (const r of refs) {
    if (r.id === "") add(r.idPath, needsId);
  }
  return refs;
}

/**
 * A deprecated list next to the current one that replaced it (`worker.users` next to `worker.workers`,
 * `conceptIds` next to `concepts`, `review.userIds` next to `review.users`). The API's answers fill the
 * deprecated list with the same ids (GetTask and ListTasks fill `worker.users`, in full when
 * `additional_fields` asks for it), so a task read and sent back as it is carries both: a repeat says
 * nothing new, is not a duplicate, and `normalizeTask` drops it. An id that the current list lacks
 * contradicts it (which of the two upstream would read is not documented), so it is refused, once
 * per list, with every such id named.
 */
function checkRepeats(
  listed: { has(id: string): boolean },
  ids: readonly string[],
  field: string,
  current: string,
  noun: string,
  listPath: string,
  idPath: (i: number) => string,
  needsId: string,
  add: Add,
): void {
  let strangers: string[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === "") add(idPath(i), needsId);
    else if (!listed.has(id)) {
      strangers ??= [];
      if (!strangers.includes(id)) strangers.push(id);
    }
  }
  if (strangers === undefined) return;
  add(
    listPath,
    `${field} names ${strangers.length === 1 ? `a ${noun}` : `${noun}s`} that ${current} does not list (${strangers.map((s) => JSON.stringify(s)).join(", ")}); ` +
      `set them in ${current} only: next to it, the deprecated ${field} may only repeat its ${noun}s, as the API's answers do`,
  );
}

function checkWorkers(task: Task, workers: WorkerRef[], wp: string, add: Add): void {
  const worker = task.worker;
  const strategy = worker?.strategy ?? TaskWorker_TaskWorkerStrategy.WORKER_STRATEGY_NOT_SET;
  if (!isKnownEnumValue(TaskWorker_TaskWorkerStrategySchema, strategy)) {
    add(`${wp}.strategy`, unknownEnumMessage("strategy", strategy, TaskWorker_TaskWorkerStrategySchema));
  }
  const workerType = worker?.type ?? TaskWorker_WorkerType.WORKER_TYPE_NOT_SET;
  if (!isKnownEnumValue(TaskWorker_WorkerTypeSchema, workerType)) {
    add(`${wp}.type`, unknownEnumMessage("type", workerType, TaskWorker_WorkerTypeSchema));
  } else if (workerType !== TaskWorker_WorkerType.WORKER_TYPE_NOT_SET) {
    // Upstream: "If set, worker must have be set accordingly": WORKER_HUMAN takes user workers only,
    // WORKER_AUTO a model or workflow.
    const human = workerType === TaskWorker_WorkerType.WORKER_HUMAN;
    for (const w of workers) {
      if (w.kind === undefined || (w.kind === "user") === human) continue;
      add(w.path, `worker.type ${enumLabel(TaskWorker_WorkerTypeSchema, workerType)} takes ${human ? "user workers only" : "a model or workflow worker, not a user"}; this one is a ${w.kind}`);
    }
  }

  if (task.type === Task_TaskType.TYPE_NOT_SET) {
    // No labeling type means auto-annotation: one model or workflow labels every input.
    if (workers.length !== 1) {
      add(
        `${wp}.workers`,
        `an auto-annotation task (type TYPE_NOT_SET) needs exactly one worker, a model or a workflow; it has ${workers.length}` +
          (workers.some((w) => w.kind === "user") ? " (for user workers, set a task type such as CONCEPTS_CLASSIFICATION)" : ""),
      );
    }
    for (const w of workers) {
      if (w.kind === "user") {
        add(
          w.path,
          "an auto-annotation task (type TYPE_NOT_SET) takes a model or workflow worker, not a user; set a task type such as CONCEPTS_CLASSIFICATION for human labeling",
        );
      }
    }
  } else if (isKnownEnumValue(Task_TaskTypeSchema, task.type)) {
    const typeName = enumLabel(Task_TaskTypeSchema, task.type);
    if (workers.length === 0) {
      add(`${wp}.workers`, `a ${typeName} task needs at least one user worker`);
    }
    for (const w of workers) {
      if (w.kind === "model" || w.kind === "workflow") {
        add(
          w.path,
          `a ${typeName} task takes user workers only; a ${w.kind} worker makes an auto-annotation task, which has type TYPE_NOT_SET`,
        );
      }
    }
  }

  // Duplicates: the same user (or model version, or workflow) listed twice. These rules run on every
  // task sent, and a task names a few workers: each is compared with the ones before it, which
  // allocates nothing (a Map per task was 200 bytes of garbage per PostTasks, and garbage is what a
  // busy client's CPU goes to: see bench/HISTORY.md). A long list gets a map by id alone (a key joining
  // kind, id and version was a new string to hash per worker); an id seen before is rare, and only
  // then are the workers from its first place on compared.
  const firstWithId = workers.length > SCAN_LIMIT ? new Map<string, number>() : undefined;
  for (let i = 0; i < workers.length; i++) {
    const w = workers[i]!;
    if (w.kind === undefined || w.id === "") continue;
    let from = 0;
    if (firstWithId !== undefined) {
      const first = firstWithId.get(w.id);
      if (first === undefined) {
        firstWithId.set(w.id, i);
        continue;
      }
      from = first;
    }
    for (let j = from; j < i; j++) {
      const first = workers[j]!;
      if (first.kind === w.kind && first.id === w.id && first.version === w.version) {
        add(w.path, `duplicate worker: ${w.kind} "${w.id}" is already listed at ${first.path}`);
        break;
      }
    }
  }

  const info = worker?.strategyInfo.case === "partitionedStrategyInfo" ? worker.strategyInfo.value : undefined;
  // The paths below are built only for an issue: a valid task (nearly every one sent) builds none.
  if (strategy === TaskWorker_TaskWorkerStrategy.PARTITIONED && info === undefined) {
    add(`${wp}.partitionedStrategyInfo`, "a PARTITIONED worker strategy needs partitionedStrategyInfo (type EVENLY or WEIGHTED, and workersPerInput)");
  }
  if (info === undefined) return;
  if (strategy !== TaskWorker_TaskWorkerStrategy.PARTITIONED && isKnownEnumValue(TaskWorker_TaskWorkerStrategySchema, strategy)) {
    add(`${wp}.partitionedStrategyInfo`, `partitionedStrategyInfo belongs to the PARTITIONED strategy, not ${enumLabel(TaskWorker_TaskWorkerStrategySchema, strategy)}`);
  }
  const ptSchema = TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema;
  const PT = TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy;
  if (!isKnownEnumValue(ptSchema, info.type)) {
    add(`${wp}.partitionedStrategyInfo.type`, unknownEnumMessage("type", info.type, ptSchema));
  } else if (info.type === PT.PARTITIONED_WORKER_STRATEGY_NOT_SET) {
    add(`${wp}.partitionedStrategyInfo.type`, "partitioned strategy type must be EVENLY or WEIGHTED");
  }

  const perInputValid = isWorkersPerInputWithin(info.workersPerInput, workers.length);
  if (info.workersPerInput < 1) {
    add(`${wp}.partitionedStrategyInfo.workersPerInput`, `workersPerInput must be at least 1; it is ${info.workersPerInput}`);
  } else if (info.workersPerInput > workers.length) {
    add(
      `${wp}.partitionedStrategyInfo.workersPerInput`,
      `workersPerInput ${info.workersPerInput} is more than the ${workers.length} worker(s) of the task`,
    );
  }

  const weights = info.weights;
  if (info.type === PT.WEIGHTED) {
    if (weights === undefined || isEmpty(weights)) {
      add(weightPath(wp), "WEIGHTED partitioning needs weights: a map from each worker's user id to a number > 0");
      return;
    }
    let sum = 0;
    let allValid = true;
    // The user workers by id: a scan of the few a task has, a Set for a long list (see the duplicates above).
    const userIds = workers.length > SCAN_LIMIT ? new Set(workers.filter((w) => w.kind === "user" && w.id !== "").map((w) => w.id)) : undefined;
    for (const id in weights) {
      if (!Object.hasOwn(weights, id)) continue;
      const value = weights[id];
      // A user without an id is an issue of its own and takes no weight.
      if (id === "" || !(userIds?.has(id) ?? hasUserWorker(workers, id, workers.length))) {
        add(weightPath(wp, id), `a weight is given for "${id}", who is not a worker of the task`);
        allValid = false;
      }
      if (!isPositiveNumber(value)) {
        add(weightPath(wp, id), `a weight must be a number > 0; it is ${shownWeight(value)}`);
        allValid = false;
      } else {
        sum += value;
      }
    }
    // Each user once, where it is first listed: a repeat is found by a scan of the workers before it,
    // or, in a long list, in a Set of the users named so far (made only once a weight is missing).
    let named: Set<string> | undefined;
    for (let i = 0; i < workers.length; i++) {
      const { kind, id } = workers[i]!;
      if (kind !== "user" || id === "" || Object.hasOwn(weights, id)) continue;
      if (userIds === undefined ? hasUserWorker(workers, id, i) : (named ??= new Set()).has(id)) continue;
      named?.add(id);
      add(weightPath(wp, id), `worker "${id}" has no weight; WEIGHTED partitioning needs one for every worker`);
      allValid = false;
    }
    // A worker can label an input at most once, so with k workers per input nobody may carry more than
    // 1/k of the load; upstream refuses such weights. (With k itself invalid the shares say nothing new.)
    if (allValid && perInputValid && sum > 0) {
      const limit = 1 / info.workersPerInput;
      for (const id in weights) {
        if (!Object.hasOwn(weights, id)) continue;
        const share = (weights[id] as number) / sum;
        if (share > limit + EPSILON) {
          add(
            weightPath(wp, id),
            `worker "${id}" would get ${formatShare(share)} of the inputs, more than 1/workersPerInput = ${formatShare(limit)}`,
          );
        }
      }
    }
  } else if (weights !== undefined && !isEmpty(weights) && info.type === PT.EVENLY) {
    add(weightPath(wp), "weights only apply to WEIGHTED partitioning; EVENLY shares the inputs equally");
  }
}

function checkConcepts(task: Task, path: string, add: Add): void {
  const { concepts, conceptIds } = task;
  // Concepts and the deprecated conceptIds by their place in the two lists read as one: a path is
  // built only for a message (conceptPath), and no closure for a valid task.
  const seen = concepts.length + conceptIds.length > 1 ? new Map<string, number>() : undefined;
  for (let i = 0; i < concepts.length; i++) {
    const c = concepts[i]!;
    if (c.concept === undefined) {
      add(`${path}.concepts[${i}].concept`, "a task concept needs a concept with an id");
    } else if (c.concept.id === "") {
      add(conceptPath(task, path, i), "a concept id must not be empty");
    } else {
      noteConcept(task, path, seen, c.concept.id, i, add);
    }
    const cfg = c.autoAnnotationConfig;
    if (cfg === undefined) continue;
    const ap = `${path}.concepts[${i}].autoAnnotationConfig`;
    const unknownBits = cfg.annotationDataTypes & ~KNOWN_ANNOTATION_DATA_TYPE_BITS;
    if (unknownBits !== 0 || cfg.annotationDataTypes < 0) {
      add(
        `${ap}.annotationDataTypes`,
        `annotationDataTypes ${cfg.annotationDataTypes} has bits that are not AnnotationDataType values (${AnnotationDataTypeSchema.values
          .filter((v) => v.number !== 0)
          .map((v) => `${v.name}=${v.number}`)
          .join(", ")})`,
      );
    }
    const r = cfg.thresholdRange;
    if (r !== undefined) {
      const rp = `${ap}.thresholdRange`;
      if (!inUnitInterval(r.lower)) add(`${rp}.lower`, `lower must be within [0, 1]; it is ${r.lower}`);
      if (!inUnitInterval(r.upper)) add(`${rp}.upper`, `upper must be within [0, 1]; it is ${r.upper}`);
      if (r.lower > r.upper) add(rp, `lower (${r.lower}) must not be greater than upper (${r.upper})`);
    }
    if (cfg.statusCode !== 0 && !isKnownEnumValue(StatusCodeSchema, cfg.statusCode)) {
      add(`${ap}.statusCode`, `statusCode ${cfg.statusCode} is not a StatusCode value (e.g. ANNOTATION_SUCCESS = 24150)`);
    }
  }
  // Deprecated `conceptIds` name concepts too; they are read as `concepts` (see normalize.ts). Next to
  // `concepts` they may only repeat its ids, which `seen` holds by now.
  if (conceptIds.length > 0 && concepts.length > 0) {
    const empty = "a concept id must not be empty";
    checkRepeats(seen!, conceptIds, "conceptIds", "concepts", "concept", `${path}.conceptIds`, (i) => `${path}.conceptIds[${i}]`, empty, add);
    return;
  }
  for (let i = 0; i < conceptIds.length; i++) {
    const id = conceptIds[i]!;
    const at = concepts.length + i;
    if (id === "") add(conceptPath(task, path, at), "a concept id must not be empty");
    else noteConcept(task, path, seen, id, at, add);
  }
}

// The path of the concept id at place `i` of concepts and conceptIds read as one list.
function conceptPath(task: Task, path: string, i: number): string {
  const n = task.concepts.length;
  return i < n ? `${path}.concepts[${i}].concept.id` : `${path}.conceptIds[${i - n}]`;
}

// Records concept id `id` at place `i` in `seen` (absent for a single concept), or its duplicate.
function noteConcept(task: Task, path: string, seen: Map<string, number> | undefined, id: string, i: number, add: Add): void {
  if (id === "" || seen === undefined) return;
  const first = seen.get(id);
  if (first === undefined) seen.set(id, i);
  else add(conceptPath(task, path, i), `duplicate concept "${id}": already listed at ${conceptPath(task, path, first)}`);
}

// The deprecated aiAssistant.workflowId may stand alone; next to a different workflow.id one of them
// would be silently lost when normalizing, so the mix is refused like the other deprecated pairs.
function checkAiAssistant(task: Task, path: string, add: Add): void {
  const a = task.aiAssistant;
  if (a !== undefined && a.workflowId !== "" && a.workflow !== undefined && a.workflow.id !== a.workflowId) {
    add(
      `${path}.aiAssistant.workflowId`,
      `the deprecated aiAssistant.workflowId ("${a.workflowId}") contradicts aiAssistant.workflow.id ("${a.workflow.id}"); set aiAssistant.workflow only`,
    );
  }
}

// Suggestions are shown between two prediction scores, each within [0, 1] (upstream: "min and max
// threshold values for approving annotations by default based on prediction score").
function checkAiAssistParams(task: Task, path: string, add: Add): void {
  const params = task.aiAssistParams;
  if (params === undefined) return;
  const pp = `${path}.aiAssistParams`;
  const { minThreshold: min, maxThreshold: max } = params;
  if (!inUnitInterval(min)) add(`${pp}.minThreshold`, `minThreshold is a prediction score within [0, 1]; it is ${min}`);
  if (!inUnitInterval(max)) add(`${pp}.maxThreshold`, `maxThreshold is a prediction score within [0, 1]; it is ${max}`);
  // 0 is proto3's "not set" for the upper bound, so only a set maximum can be below the minimum.
  if (max !== 0 && min > max) add(pp, `minThreshold (${min}) must not be greater than maxThreshold (${max})`);
}

function checkInputSource(task: Task, path: string, add: Add): void {
  const src = task.inputSource;
  if (src === undefined) return;
  const T = TaskInputSource_TaskInputSourceType;
  if (!isKnownEnumValue(TaskInputSource_TaskInputSourceTypeSchema, src.type)) {
    add(`${path}.inputSource.type`, unknownEnumMessage("type", src.type, TaskInputSource_TaskInputSourceTypeSchema));
  } else if ((src.type === T.DATASET || src.type === T.SAVED_SEARCH) && src.id === "") {
    const what = src.type === T.DATASET ? "dataset" : "saved search";
    add(`${path}.inputSource.id`, `a ${enumLabel(TaskInputSource_TaskInputSourceTypeSchema, src.type)} input source needs the ${what} id`);
  }
}

// How many workers label each input, when a PARTITIONED worker says so within its workers (a
// workersPerInput outside them is an issue of its own, and no bound on a review); else undefined.
// `workerCount` counts them as checkWorkers does, the deprecated lists' users included when
// worker.workers is empty: counted from worker.workers alone, a task naming its users the old way
// had no bound.
function labelersPerInput(worker: TaskWorker | undefined, workerCount: number): number | undefined {
  if (worker?.strategy !== TaskWorker_TaskWorkerStrategy.PARTITIONED || worker.strategyInfo.case !== "partitionedStrategyInfo") return undefined;
  const perInput = worker.strategyInfo.value.workersPerInput;
  return isWorkersPerInputWithin(perInput, workerCount) ? perInput : undefined;
}

// Whether a PARTITIONED worker's workersPerInput is one its workers can meet: 1 up to their count. One
// predicate for checkWorkers and labelersPerInput, so that a value it refuses is an issue of its own and
// bounds neither the weights' shares nor a review's threshold.
function isWorkersPerInputWithin(perInput: number, workerCount: number): boolean {
  return perInput >= 1 && perInput <= workerCount;
}

function checkReview(review: TaskReview | undefined, workers: WorkerRef[], perInput: number | undefined, rp: string, add: Add): void {
  if (review === undefined) return;
  const S = TaskReview_TaskReviewStrategy;
  const schema = TaskReview_TaskReviewStrategySchema;
  if (!isKnownEnumValue(schema, review.strategy)) {
    add(`${rp}.strategy`, unknownEnumMessage("strategy", review.strategy, schema));
  }
  const info = review.strategyInfo;
  const known = isKnownEnumValue(schema, review.strategy);
  if (info.case === "manualStrategyInfo" && known && review.strategy !== S.MANUAL) {
    add(`${rp}.manualStrategyInfo`, `manualStrategyInfo belongs to the MANUAL review strategy, not ${enumLabel(schema, review.strategy)}`);
  }
  if (info.case === "consensusStrategyInfo" && known && review.strategy !== S.CONSENSUS) {
    add(
      `${rp}.consensusStrategyInfo`,
      `consensusStrategyInfo belongs to the CONSENSUS review strategy, not ${enumLabel(schema, review.strategy)}`,
    );
  }

  if (review.strategy === S.MANUAL && info.case === "manualStrategyInfo") {
    const sp = info.value.samplePercentage;
    if (!inUnitInterval(sp)) {
      add(`${rp}.manualStrategyInfo.samplePercentage`, `samplePercentage is a fraction within [0, 1] (0.5 = half); it is ${sp}`);
    }
  }

  if (review.strategy === S.CONSENSUS) {
    const c = info.case === "consensusStrategyInfo" ? info.value : undefined;
    // The deprecated approvalThreshold means the same as approvalThresholdLabelers (the docs' own
    // examples send it), so either one satisfies the rule.
    const labelers = c?.approvalThresholdLabelers ?? 0;
    const legacy = c?.approvalThreshold ?? 0;
    const threshold = labelers > 0 ? labelers : legacy;
    // Upstream allows only these: 0 (not set, read as 1), 1 (one reviewer approves) or -1 (every reviewer).
    const reviewers = c?.approvalThresholdReviewers ?? 0;
    if (reviewers !== 0 && reviewers !== 1 && reviewers !== -1) {
      add(
        `${rp}.consensusStrategyInfo.approvalThresholdReviewers`,
        `approvalThresholdReviewers must be 1 (one reviewer approves), -1 (every reviewer) or 0 (not set, read as 1); it is ${reviewers}`,
      );
    }
    if (threshold === 0) {
      add(
        `${rp}.consensusStrategyInfo.approvalThresholdLabelers`,
        "a CONSENSUS review needs approvalThresholdLabelers > 0: how many labelers must agree before a label is accepted",
      );
    } else {
      if (labelers > 0 && legacy > 0 && labelers !== legacy) {
        add(
          `${rp}.consensusStrategyInfo.approvalThreshold`,
          `the deprecated approvalThreshold (${legacy}) contradicts approvalThresholdLabelers (${labelers}); set approvalThresholdLabelers only`,
        );
      }
      let humans = 0;
      for (const w of workers) if (w.kind === "user") humans++;
      if (humans > 0 && threshold > humans) {
        add(thresholdPath(rp, labelers), `an approval threshold of ${threshold} labelers can never be reached with ${humans} worker(s)`);
      } else if (perInput !== undefined && threshold > perInput) {
        // The docs: the threshold is "the number of labelers that need to agree" on an input, and a
        // PARTITIONED task gives each input to workersPerInput of its workers only.
        add(thresholdPath(rp, labelers), `an approval threshold of ${threshold} labelers can never be reached when each input goes to ${perInput} worker(s) (worker.partitionedStrategyInfo.workersPerInput)`);
      }
    }
  }

  // Reviewers: ids present, none listed twice (current and deprecated lists together, by their place
  // in the two read as one: a path is built only for a message).
  const { users, userIds } = review;
  const needsId = "a reviewer needs a user id";
  // Next to `users` the deprecated `userIds` may only repeat its ids (see checkRepeats).
  const repeats = users.length > 0 && userIds.length > 0;
  const count = repeats ? users.length : users.length + userIds.length;
  const seen = count > 1 ? new Map<string, number>() : undefined;
  for (let i = 0; i < count; i++) {
    const id = i < users.length ? users[i]!.id : userIds[i - users.length]!;
    if (id === "") {
      add(reviewerPath(review, rp, i), needsId);
      continue;
    }
    if (seen === undefined) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else add(reviewerPath(review, rp, i), `duplicate reviewer "${id}": already listed at ${reviewerPath(review, rp, first)}`);
  }
  if (repeats) {
    const listed = seen ?? new Set(users.map((u) => u.id));
    checkRepeats(listed, userIds, "review.userIds", "review.users", "reviewer", `${rp}.userIds`, (i) => `${rp}.userIds[${i}]`, needsId, add);
  }
}

// The path of the reviewer id at place `i` of review.users and review.userIds read as one list.
function reviewerPath(review: TaskReview, rp: string, i: number): string {
  const n = review.users.length;
  return i < n ? `${rp}.users[${i}].id` : `${rp}.userIds[${i - n}]`;
}

// The path of the worker's weights, or of the weight of `id`.
function weightPath(wp: string, id?: string): string {
  const weights = `${wp}.partitionedStrategyInfo.weights`;
  return id === undefined ? weights : keyPath(weights, id);
}

// The consensus threshold the caller set: approvalThresholdLabelers, else the deprecated approvalThreshold.
function thresholdPath(rp: string, labelers: number): string {
  return `${rp}.consensusStrategyInfo.${labelers > 0 ? "approvalThresholdLabelers" : "approvalThreshold"}`;
}

// Whether one of the first `before` workers is a user with this id.
function hasUserWorker(workers: readonly WorkerRef[], id: string, before: number): boolean {
  for (let j = 0; j < before; j++) if (workers[j]!.kind === "user" && workers[j]!.id === id) return true;
  return false;
}

// A map field without entries, found without listing its keys.
function isEmpty(map: object): boolean {
  for (const key in map) if (Object.hasOwn(map, key)) return false;
  return true;
}

function isPositiveNumber(v: JsonValue | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v) && v > 0;
}

// Exact bounds: float32 rounding of a value in [0, 1] stays in [0, 1]; NaN fails both comparisons.
function inUnitInterval(n: number): boolean {
  return n >= 0 && n <= 1;
}

function formatShare(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

// A weight as the caller wrote it. Not JSON alone: it has no bigint (JSON.stringify throws) and writes
// Infinity and NaN as null.
function shownWeight(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  return JSON.stringify(value);
}
