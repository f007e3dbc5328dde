// `clarifai-grpc-es tasks list|get|create|update|delete`.
import type { DescEnum } from "@bufbuild/protobuf";
import {
  Task_TaskTypeSchema,
  TaskReview_TaskReviewStrategySchema,
  TaskSchema,
  TaskWorker_TaskWorkerStrategySchema,
  type Task,
  type Worker,
} from "../../../gen/clarifai/api/resources_pb.js";
import { PatchTasksRequestSchema, PostTasksRequestSchema } from "../../../gen/clarifai/api/service_pb.js";
import type { ListTasksParams } from "../../resources/tasks.js";
import { statusCodeName } from "../../errors.js";
import { enumLabel } from "../../validation/enums.js";
import { formatIssue } from "../../validation/issue.js";
import { deprecatedTaskFields } from "../../validation/index.js";
import type { Command } from "../command.js";
import { resourceCommand } from "../resource.js";
import { shortTime } from "../table.js";

function workerName(w: Worker): string {
  const k = w.worker;
  return k.case === "user" ? k.value.id : k.case === undefined ? "?" : `${k.case}:${k.value.id}`;
}

/** `PARTITIONED worker-1,worker-2`: the strategy's name (none when unset, the enum's zero) and who. */
function strategy(schema: DescEnum, value: number | undefined, who: string[]): string {
  return [value ? enumLabel(schema, value) : "", who.join(",")].filter(Boolean).join(" ");
}

/** The `tasks` command. */
export const tasksCommand: Command = resourceCommand({
  name: "tasks",
  noun: "task",
  summary: "list, get, create, update and delete labeling tasks",
  schema: TaskSchema,
  createRequest: PostTasksRequestSchema,
  updateRequest: PatchTasksRequestSchema,
  field: "tasks",
  columns: [
    { header: "ID", cell: (t: Task) => t.id },
    { header: "NAME", cell: (t) => t.name },
    { header: "TYPE", cell: (t) => enumLabel(Task_TaskTypeSchema, t.type) },
    { header: "WORKERS", cell: (t) => strategy(TaskWorker_TaskWorkerStrategySchema, t.worker?.strategy, (t.worker?.workers ?? []).map(workerName)) },
    { header: "REVIEW", cell: (t) => strategy(TaskReview_TaskReviewStrategySchema, t.review?.strategy, (t.review?.users ?? []).map((u) => u.id)) },
    { header: "STATUS", cell: (t) => (t.status?.code ? statusCodeName(t.status.code) : "") },
    { header: "CREATED", cell: (t) => shortTime(t.createdAt) },
  ],
  listFilters: {
    options: { worker: { type: "string", multiple: true }, reviewer: { type: "string", multiple: true } },
    help: "  --worker ID      only tasks this user labels (repeatable)\n  --reviewer ID    only tasks this user reviews (repeatable)",
    params: (v): ListTasksParams => ({ workerUserIds: (v.worker as string[] | undefined) ?? [], reviewUserIds: (v.reviewer as string[] | undefined) ?? [] }),
  },
  // The docs' own bodies use deprecated fields (worker.users, concept_ids): send the current ones, and say so.
  prepare: (task, path) => ({ item: task, notes: deprecatedTaskFields(task, path).map(formatIssue) }),
  api: (client) => client.tasks,
});
