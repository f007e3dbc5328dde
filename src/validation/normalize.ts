// Deprecated upstream fields: which ones a task carries, and the same task written with current fields.
//
// Decision: deprecated fields are ACCEPTED and NORMALIZED, never produced.
// - The API documentation's own examples send some of them (the task update uses `worker.users` and
//   `concept_ids`, the consensus examples use `approval_threshold`), and DESIGN.md asks that those
//   examples work. Each deprecated field has a lossless current equivalent, so all of them are treated
//   alike: validation reads them as their equivalents, `normalizeTask` rewrites them, the builders never
//   write them.
// - "Say so in validation": `deprecatedTaskFields` returns one issue per deprecated field with the field
//   to use instead; `validateTask` reports them by default; `{ deprecated: "accept" }` reads them silently.
// - Next to its replacement a deprecated field may only repeat it: the API's answers do exactly that
//   (GetTask fills `worker.users` with the users of `worker.workers`), so a task read and sent back must
//   pass, and the repeat is dropped here. One that says something else (a user that `worker.workers`
//   lacks, a different approval threshold) is an error: which one wins upstream is not documented.

import { create } from "@bufbuild/protobuf";
import {
  ConceptSchema,
  type Task,
  TaskConceptSchema,
  UserSchema,
  WorkerSchema,
  WorkflowSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import type { ValidationIssue } from "./issue.js";

// Each deprecated field: whether a task carries it, where (below the task) and what to use instead.
const DEPRECATED: readonly { readonly carried: (task: Task) => boolean; readonly path: string; readonly message: string }[] = [
  {
    carried: (t) => t.worker !== undefined && t.worker.users.length > 0,
    path: "worker.users",
    message: 'worker.users is deprecated: list each worker in worker.workers as { worker: { case: "user", value: { id } } } (in REST JSON, { "user": { "id": … } })',
  },
  {
    carried: (t) => t.worker !== undefined && t.worker.userIds.length > 0,
    path: "worker.userIds",
    message: 'worker.userIds is deprecated: list each worker in worker.workers as { worker: { case: "user", value: { id } } } (in REST JSON, { "user": { "id": … } })',
  },
  {
    carried: (t) => t.conceptIds.length > 0,
    path: "conceptIds",
    message: "conceptIds is deprecated: list each concept in concepts as { concept: { id } }",
  },
  {
    carried: (t) => t.review !== undefined && t.review.userIds.length > 0,
    path: "review.userIds",
    message: "review.userIds is deprecated: list each reviewer in review.users as { id }",
  },
  {
    carried: (t) => t.review?.strategyInfo.case === "consensusStrategyInfo" && t.review.strategyInfo.value.approvalThreshold > 0,
    path: "review.consensusStrategyInfo.approvalThreshold",
    message: "consensusStrategyInfo.approvalThreshold is deprecated: use approvalThresholdLabelers (the number of labelers who must agree)",
  },
  {
    carried: (t) => t.aiAssistant !== undefined && t.aiAssistant.workflowId !== "",
    path: "aiAssistant.workflowId",
    message: "aiAssistant.workflowId is deprecated: use aiAssistant.workflow = { id }",
  },
];

function carriesDeprecated(task: Task): boolean {
  for (const d of DEPRECATED) if (d.carried(task)) return true;
  return false;
}

/**
 * Lists the deprecated upstream fields that `task` carries, one issue each, whose message says what to
 * use instead. An empty list means the task uses current fields only.
 *
 * These are notices, not errors: {@link validateTask} accepts the fields unless asked to reject them.
 *
 * @param path - the name of the task in the paths. Defaults to `"task"`.
 */
export function deprecatedTaskFields(task: Task, path = "task"): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const d of DEPRECATED) if (d.carried(task)) issues.push({ path: `${path}.${d.path}`, message: d.message });
  return issues;
}

/**
 * Returns a copy of `task` (or `task` itself when it has no deprecated field) in which every deprecated upstream field is moved onto its current
 * equivalent, so that a task written the old way and the same task written the new way are `equals`:
 *
 * | deprecated | becomes |
 * | --- | --- |
 * | `worker.users[i]` | `worker.workers[]` `{ user }` |
 * | `worker.userIds[i]` | `worker.workers[]` `{ user: { id } }` |
 * | `conceptIds[i]` | `concepts[]` `{ concept: { id } }` |
 * | `review.userIds[i]` | `review.users[]` `{ id }` |
 * | consensus `approvalThreshold` | `approvalThresholdLabelers` (when that is 0) |
 * | `aiAssistant.workflowId` | `aiAssistant.workflow.id` (when no workflow is set) |
 *
 * Items are appended after the current list and an id already present is not added twice: a task
 * read from the API, whose deprecated lists repeat the current ones, comes out with the current lists
 * as they were, and one that mixes both forms keeps everything it named. The input is not modified.
 */
export function normalizeTask(task: Task): Task {
  // The client normalizes every task it sends; most carry no deprecated field, and the copy would be
  // most of the facade's own cost per PostTasks. Asked without building the issues.
  if (!carriesDeprecated(task)) return task;
  // Copied along the changed paths only (messages are plain objects): a deep clone of the whole task
  // cost ~70 µs per PostTasks of the docs' consensus task, and the parts left alone are shared with
  // the caller's task, which is never modified.
  const t: Task = { ...task };
  const w = task.worker;
  if (w !== undefined && (w.users.length > 0 || w.userIds.length > 0)) {
    const workers = [...w.workers];
    const userIds = new Set(workers.flatMap((x) => (x.worker.case === "user" ? [x.worker.value.id] : [])));
    const addUser = (user: ReturnType<typeof create<typeof UserSchema>>) => {
      if (userIds.has(user.id)) return;
      userIds.add(user.id);
      workers.push(create(WorkerSchema, { worker: { case: "user", value: user } }));
    };
    w.users.forEach(addUser);
    w.userIds.forEach((id) => addUser(create(UserSchema, { id })));
    t.worker = { ...w, workers, users: [], userIds: [] };
  }
  if (task.conceptIds.length > 0) {
    const concepts = [...task.concepts];
    const have = new Set(concepts.map((c) => c.concept?.id));
    for (const id of task.conceptIds) {
      if (have.has(id)) continue;
      have.add(id);
      concepts.push(create(TaskConceptSchema, { concept: create(ConceptSchema, { id }) }));
    }
    t.concepts = concepts;
    t.conceptIds = [];
  }
  const r = task.review;
  if (r !== undefined) {
    const review = { ...r };
    if (r.userIds.length > 0) {
      const users = [...r.users];
      const have = new Set(users.map((u) => u.id));
      for (const id of r.userIds) {
        if (have.has(id)) continue;
        have.add(id);
        users.push(create(UserSchema, { id }));
      }
      review.users = users;
      review.userIds = [];
    }
    if (r.strategyInfo.case === "consensusStrategyInfo" && r.strategyInfo.value.approvalThreshold !== 0) {
      const c = r.strategyInfo.value;
      review.strategyInfo = {
        case: "consensusStrategyInfo",
        value: { ...c, approvalThresholdLabelers: c.approvalThresholdLabelers === 0 ? c.approvalThreshold : c.approvalThresholdLabelers, approvalThreshold: 0 },
      };
    }
    t.review = review;
  }
  const ai = task.aiAssistant;
  if (ai !== undefined && ai.workflowId !== "") {
    t.aiAssistant = { ...ai, workflow: ai.workflow ?? create(WorkflowSchema, { id: ai.workflowId }), workflowId: "" };
  }
  return t;
}
