// The Tasks RPCs: PostTasks, GetTask, ListTasks, PatchTasks, DeleteTasks and the two count calls.
// Each handler runs to completion without awaiting, so on Node's single thread every request sees and
// leaves the store consistent: that is what makes concurrent calls safe and batches atomic.
import { clone, create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  TaskSchema,
  TaskStatusCountPerUserSchema,
  TaskInputSource_TaskInputSourceType,
  WorkerSchema,
  type Task,
  type TaskStatusCountPerUser,
  type User,
  UserSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import type {
  DeleteTasksRequest,
  GetTaskCountRequest,
  GetTaskRequest,
  ListTasksRequest,
  PatchTasksRequest,
  PostTasksRequest,
} from "../../gen/clarifai/api/service_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { StatusSchema } from "../../gen/clarifai/api/status/status_pb.js";
import { PATCH_ACTION_OVERWRITE } from "../api-constants.js";
import type { ValidationIssue } from "../validation/issue.js";
import type { Scope } from "./auth.js";
import { pageOf, readPaging } from "./pagination.js";
import type { EmulatorState } from "./state.js";
import { EmulatorCodes, Refusal, invalid } from "./status.js";
import { normalizeTask, validateTasks } from "../validation/index.js";

// The real API still accepts deprecated fields on the wire (the docs' own examples send them), so the
// emulator reads them as their current equivalents instead of refusing them.
const WIRE_RULES = { deprecated: "accept" } as const;

/** PostTasks: all or nothing; ids generated where missing; server fields set. @internal */
export function postTasks(state: EmulatorState, scope: Scope, req: PostTasksRequest): Task[] {
  if (req.tasks.length === 0) throw invalid([{ path: "tasks", message: "at least one task is required" }]);
  const issues = validateTasks(req.tasks, "tasks", WIRE_RULES);
  if (issues.length > 0) throw invalid(issues);
  const app = state.store.app(scope.userId, scope.appId);
  // Decide every id before storing anything, so a conflict in the last task leaves the app untouched.
  const ids = req.tasks.map((t) => t.id || state.newId());
  ids.forEach((id, i) => {
    if (app.tasks.has(id) || ids.indexOf(id) !== i) {
      throw new Refusal(EmulatorCodes.taskConflict, `tasks[${i}].id: a task with id "${id}" already exists in the app`);
    }
  });
  const now = timestampFromDate(state.now());
  return req.tasks.map((sent, i) => {
    // A clone keeps every field that arrived, unknown ones included, so the echo is complete.
    const task = clone(TaskSchema, sent);
    task.id = ids[i]!;
    task.userId = scope.userId;
    task.appId = scope.appId;
    task.createdAt = now;
    task.modifiedAt = now;
    // A new task is in progress unless the caller said otherwise (the echo rule wins over defaults).
    if (!task.status || task.status.code === StatusCode.ZERO) {
      task.status = create(StatusSchema, { code: StatusCode.TASK_IN_PROGRESS, description: "Task in progress" });
    }
    app.tasks.set(task.id, task);
    return clone(TaskSchema, task);
  });
}

/**
 * GetTask. Of `additional_fields`, `worker.users` (or `all`) is honoured (see {@link answerTask}); the
 * metrics are not, as there are no inputs to compute them from. @internal
 */
export function getTask(state: EmulatorState, scope: Scope, req: GetTaskRequest): Task {
  return answerTask(findTask(state, scope, req.taskId, "taskId"), req.additionalFields);
}

/**
 * A stored task as GetTask and ListTasks answer it: a copy, in which `additional_fields` naming
 * `worker.users` (or `all`) fills the deprecated `worker.users` with the task's user workers, as
 * upstream does ("when the 'worker.users' field is additionally requested, then all user info is
 * filled"). So a task read that way and sent back carries both lists, as one read from the API does.
 */
function answerTask(stored: Task, additionalFields: readonly string[]): Task {
  const task = clone(TaskSchema, stored);
  if (task.worker !== undefined && (additionalFields.includes("worker.users") || additionalFields.includes("all"))) {
    // Copies, so that no message sits at two places of the answer (editing one would change the other).
    task.worker.users = workerUsersOf(task).map((u) => clone(UserSchema, u));
  }
  return task;
}

/**
 * ListTasks: filters combine with AND, values within a filter with OR. Tasks of label orders are left
 * out unless `including_label_order_tasks` or `label_order_ids` asks for them, as upstream documents.
 * @internal
 */
export function listTasks(state: EmulatorState, scope: Scope, req: ListTasksRequest): Task[] {
  const paging = readPaging(req.page, req.perPage);
  if ("path" in paging) throw invalid([paging]);
  const all = [...state.store.app(scope.userId, scope.appId).tasks.values()];
  const wanted = all.filter((t) => {
    if (req.ids.length > 0 && !req.ids.includes(t.id)) return false;
    if (req.workerUserIds.length > 0 && !workerUserIds(t).some((u) => req.workerUserIds.includes(u))) return false;
    if (req.reviewUserIds.length > 0 && !reviewUserIds(t).some((u) => req.reviewUserIds.includes(u))) return false;
    if (req.inputSourceType !== TaskInputSource_TaskInputSourceType.INPUT_SOURCE_TYPE_NOT_SET && t.inputSource?.type !== req.inputSourceType) return false;
    if (req.inputSourceIds.length > 0 && !req.inputSourceIds.includes(t.inputSource?.id ?? "")) return false;
    if (req.labelOrderIds.length > 0) return req.labelOrderIds.includes(t.labelOrderId);
    return req.includingLabelOrderTasks || t.labelOrderId === "";
  });
  return pageOf(wanted, paging).map((t) => answerTask(t, req.additionalFields));
}

/**
 * PatchTasks with action "overwrite": each task replaces the stored one whole (the docs' update sends
 * "all information at once"), keeping the server's id, owner, app and `created_at`; `modified_at`
 * moves on. A patch without a status keeps the stored status: the lifecycle is not reset by omission.
 * All or nothing, like PostTasks; an id twice in the batch is refused.
 * @internal
 */
export function patchTasks(state: EmulatorState, scope: Scope, req: PatchTasksRequest): Task[] {
  const issues: ValidationIssue[] = [];
  if (req.action !== PATCH_ACTION_OVERWRITE) issues.push({ path: "action", message: `must be "${PATCH_ACTION_OVERWRITE}" (got "${req.action}")` });
  if (req.tasks.length === 0) issues.push({ path: "tasks", message: "at least one task is required" });
  req.tasks.forEach((t, i) => {
    if (!t.id) issues.push({ path: `tasks[${i}].id`, message: "required: the id of the task to overwrite" });
  });
  // validateTasks refuses one task twice (it would be stored as whichever came last), as
  // Post/PatchCollectors do.
  issues.push(...validateTasks(req.tasks, "tasks", WIRE_RULES));
  if (issues.length > 0) throw invalid(issues);
  const app = state.store.app(scope.userId, scope.appId);
  req.tasks.forEach((t, i) => {
    if (!app.tasks.has(t.id)) throw new Refusal(EmulatorCodes.taskMissing, `tasks[${i}].id: no task "${t.id}" in app "${scope.appId}"`);
  });
  const now = timestampFromDate(state.now());
  return req.tasks.map((sent) => {
    const old = app.tasks.get(sent.id)!;
    const task = clone(TaskSchema, sent);
    task.userId = old.userId;
    task.appId = old.appId;
    task.createdAt = old.createdAt;
    task.modifiedAt = now;
    if (!task.status || task.status.code === StatusCode.ZERO) task.status = old.status;
    app.tasks.set(task.id, task);
    return clone(TaskSchema, task);
  });
}

/**
 * DeleteTasks by ids. Deleting is idempotent: ids the app does not hold are not an error (a retried
 * delete whose first answer was lost must not fail), but they are named in `status.details`.
 * Returns that note. @internal
 */
export function deleteTasks(state: EmulatorState, scope: Scope, req: DeleteTasksRequest): string {
  if (req.ids.length === 0) throw invalid([{ path: "ids", message: "at least one id is required" }]);
  const app = state.store.app(scope.userId, scope.appId);
  const missing = req.ids.filter((id) => !app.tasks.delete(id));
  return missing.length > 0 ? `not found, nothing to delete: ${[...new Set(missing)].join(", ")}` : "";
}

/**
 * GetTaskAnnotationCount / GetTaskInputCount: the emulator holds no inputs and no annotations, so the
 * honest answer is a zero row for each of the task's workers (filtered by the request's worker
 * filters, which combine with OR). `workflow_version_ids` is matched against workflow ids, since our
 * proto subset does not carry workflow versions.
 * @internal
 */
export function taskCounts(state: EmulatorState, scope: Scope, req: GetTaskCountRequest): TaskStatusCountPerUser[] {
  const task = findTask(state, scope, req.taskId, "taskId");
  const filtered = req.userIds.length + req.modelVersionIds.length + req.workflowVersionIds.length > 0;
  const rows: TaskStatusCountPerUser[] = [];
  for (const worker of workersOf(task)) {
    const w = worker.worker;
    const keep =
      !filtered ||
      (w.case === "user" && req.userIds.includes(w.value.id)) ||
      (w.case === "model" && req.modelVersionIds.includes(w.value.modelVersion?.id ?? "")) ||
      (w.case === "workflow" && req.workflowVersionIds.includes(w.value.id));
    if (!keep) continue;
    rows.push(
      create(TaskStatusCountPerUserSchema, {
        userId: w.case === "user" ? w.value.id : "",
        worker: clone(WorkerSchema, worker),
      }),
    );
  }
  return rows;
}

function findTask(state: EmulatorState, scope: Scope, id: string, path: string): Task {
  if (!id) throw invalid([{ path, message: "required" }]);
  const task = state.store.app(scope.userId, scope.appId).tasks.get(id);
  if (!task) throw new Refusal(EmulatorCodes.taskMissing, `${path}: no task "${id}" in app "${scope.appId}"`);
  return task;
}

// The task's workers and reviewers as validation reads them: normalizeTask merges the deprecated
// `worker.users` / `worker.userIds` / `review.userIds` (the docs' update example sends `users`) into the
// current lists, so a task is found by every user it names, however it named them.
function workersOf(task: Task) {
  return normalizeTask(task).worker?.workers ?? [];
}

// The user workers' users, however the task named them.
function workerUsersOf(task: Task): User[] {
  return workersOf(task).flatMap((w) => (w.worker.case === "user" ? [w.worker.value] : []));
}

function workerUserIds(task: Task): string[] {
  return workerUsersOf(task).map((u) => u.id);
}

function reviewUserIds(task: Task): string[] {
  return normalizeTask(task).review?.users.map((u) => u.id) ?? [];
}
