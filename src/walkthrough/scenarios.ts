// The documented Tasks and Collectors scenarios as walkthrough steps, written with the facade and the
// builders the way a user would. Ids and names come from seed-ids.ts (which the test fixtures
// re-export), so the walkthrough, the tests and the README all tell the same story as the documentation.
import { clone } from "@bufbuild/protobuf";
import { TaskSchema, type Task } from "../../gen/clarifai/api/resources_pb.js";
import {
  COLLECTOR_DESCRIPTION,
  COLLECTOR_ID,
  CONCEPT_ID,
  CONSENSUS_WEIGHTS,
  CONSENSUS_WORKER_IDS,
  DATASET_ID,
  MODEL_ID,
  MODEL_VERSION_ID,
  NEW_COLLECTOR_DESCRIPTION,
  NEW_PRE_QUEUE_WORKFLOW_ID,
  POST_INPUTS_KEY_ID,
  POST_QUEUE_WORKFLOW_ID,
  PRE_QUEUE_WORKFLOW_ID,
  REVIEWER_USER_ID,
  SOURCE_MODEL_APP_ID,
  SOURCE_MODEL_ID,
  SOURCE_MODEL_USER_ID,
  SOURCE_MODEL_VERSION_ID,
  WORKER_USER_ID,
} from "./seed-ids.js";
import { autoAnnotationTask, collector, collectorPatch, labelingTask, type LabelingTaskSpec } from "../builders/index.js";
import type { ClarifaiClient } from "../client.js";
import { ValidationError, statusCodeName } from "../errors.js";
import { expectIds, type Step } from "./runner.js";

const status = (t: Task) => statusCodeName(t.status?.code ?? 0);

/** The consensus task of the docs: three weighted workers, two labelers must agree. */
const consensusSpec: LabelingTaskSpec = {
  name: `Annotate ${CONCEPT_ID}`,
  type: "CONCEPTS_CLASSIFICATION",
  concepts: [CONCEPT_ID],
  workers: {
    strategy: "PARTITIONED",
    users: [...CONSENSUS_WORKER_IDS],
    partition: { type: "WEIGHTED", workersPerInput: 3, weights: CONSENSUS_WEIGHTS },
  },
  inputSource: { type: "ALL_INPUTS" },
  sampleMs: 1000,
  review: { strategy: "CONSENSUS", approvalThresholdLabelers: 2, reviewers: [REVIEWER_USER_ID] },
};

/**
 * Every scenario against a fresh app: three tasks created, read, listed, one updated, two deleted; a
 * collector added, patched, listed, read and deleted; an invalid task refused before sending.
 * `countTasks` looks behind the API (the emulator's store) to prove the invalid task was not sent.
 */
export function emulatorSteps(client: ClarifaiClient, countTasks: () => number): Step[] {
  const ids = { assigned: "", consensus: "", auto: "" };
  return [
    {
      what: "create assigned task (manual review)",
      async run() {
        const task = await client.tasks.create(
          labelingTask({
            name: `Annotate ${CONCEPT_ID}`,
            type: "CONCEPTS_CLASSIFICATION",
            concepts: [CONCEPT_ID],
            workers: { strategy: "DYNAMIC", users: [WORKER_USER_ID] },
            inputSource: { type: "DATASET", id: DATASET_ID },
            sampleMs: 1000,
            review: { strategy: "MANUAL", samplePercentage: 0.5, reviewers: [REVIEWER_USER_ID] },
          }),
        );
        ids.assigned = task.id;
        return `id=${task.id} status=${status(task)} worker=${WORKER_USER_ID} reviewer=${REVIEWER_USER_ID}`;
      },
    },
    {
      what: "create consensus task (weighted partitioning)",
      async run() {
        const task = await client.tasks.create(labelingTask(consensusSpec));
        ids.consensus = task.id;
        return `id=${task.id} status=${status(task)} workers=${CONSENSUS_WORKER_IDS.join(",")} approval=2 labelers`;
      },
    },
    {
      what: "create auto-annotation task (model worker)",
      async run() {
        const task = await client.tasks.create(
          autoAnnotationTask({
            name: `Auto-Annotate ${CONCEPT_ID}`,
            worker: { model: { id: MODEL_ID, versionId: MODEL_VERSION_ID } },
            concepts: [
              {
                id: CONCEPT_ID,
                annotationDataTypes: ["TAG"],
                threshold: { lower: 0.7, upper: 0.999 },
                statusCode: "ANNOTATION_SUCCESS",
              },
            ],
            inputSource: { type: "DATASET", id: DATASET_ID },
            sampleMs: 1000,
          }),
        );
        ids.auto = task.id;
        return `id=${task.id} status=${status(task)} model=${MODEL_ID}@${MODEL_VERSION_ID}`;
      },
    },
    {
      what: "get task by id",
      async run() {
        const task = await client.tasks.get(ids.assigned);
        return `id=${task.id} name="${task.name}" status=${status(task)}`;
      },
    },
    {
      what: "list all tasks (every page)",
      async run() {
        const all: Task[] = [];
        for await (const t of client.tasks.listAll({ perPage: 2 })) all.push(t);
        return `pages of 2: ${expectIds(all, [ids.assigned, ids.consensus, ids.auto], "listAll")}`;
      },
    },
    {
      what: `list tasks by worker ${WORKER_USER_ID}`,
      async run() {
        const tasks = await client.tasks.list({ workerUserIds: [WORKER_USER_ID] });
        return expectIds(tasks, [ids.assigned, ids.consensus], "by worker");
      },
    },
    {
      what: `list tasks by reviewer ${REVIEWER_USER_ID}`,
      async run() {
        const tasks = await client.tasks.list({ reviewUserIds: [REVIEWER_USER_ID] });
        return expectIds(tasks, [ids.assigned, ids.consensus], "by reviewer");
      },
    },
    {
      what: "update consensus task: status TASK_DONE",
      async run() {
        // PatchTasks overwrites: the whole task is sent again, as the documentation does.
        const task = await client.tasks.update(labelingTask({ ...consensusSpec, id: ids.consensus, status: "TASK_DONE" }));
        if (status(task) !== "TASK_DONE") throw new Error(`status is ${status(task)}`);
        return `id=${task.id} status=${status(task)}`;
      },
    },
    {
      what: "delete two tasks",
      async run() {
        await client.tasks.delete([ids.assigned, ids.auto]);
        const left = await client.tasks.list();
        return `deleted ${ids.assigned}, ${ids.auto}; left: ${expectIds(left, [ids.consensus], "after delete")}`;
      },
    },
    {
      what: "add collector",
      async run() {
        const c = await client.collectors.create(
          collector({
            id: COLLECTOR_ID,
            description: COLLECTOR_DESCRIPTION,
            preQueueWorkflowId: PRE_QUEUE_WORKFLOW_ID,
            postQueueWorkflowId: POST_QUEUE_WORKFLOW_ID,
            source: {
              modelUserId: SOURCE_MODEL_USER_ID,
              modelAppId: SOURCE_MODEL_APP_ID,
              modelId: SOURCE_MODEL_ID,
              modelVersionId: SOURCE_MODEL_VERSION_ID,
              postInputsKeyId: POST_INPUTS_KEY_ID,
            },
          }),
        );
        return `id=${c.id} model=${SOURCE_MODEL_USER_ID}/${SOURCE_MODEL_APP_ID}/${SOURCE_MODEL_ID} pre-queue=${c.preQueueWorkflowId}`;
      },
    },
    {
      what: "update collector (partial overwrite)",
      async run() {
        const c = await client.collectors.update(
          collectorPatch({ id: COLLECTOR_ID, description: NEW_COLLECTOR_DESCRIPTION, preQueueWorkflowId: NEW_PRE_QUEUE_WORKFLOW_ID }),
        );
        // What the patch left out must survive it.
        if (c.postQueueWorkflowId !== POST_QUEUE_WORKFLOW_ID) throw new Error(`post-queue workflow lost: "${c.postQueueWorkflowId}"`);
        return `id=${c.id} pre-queue=${c.preQueueWorkflowId} post-queue kept=${c.postQueueWorkflowId}`;
      },
    },
    {
      what: "list collectors",
      async run() {
        return expectIds(await client.collectors.list(), [COLLECTOR_ID], "collectors");
      },
    },
    {
      what: "get collector",
      async run() {
        const c = await client.collectors.get(COLLECTOR_ID);
        return `id=${c.id} description="${c.description}"`;
      },
    },
    {
      what: "delete collector",
      async run() {
        await client.collectors.delete(COLLECTOR_ID);
        return `deleted ${COLLECTOR_ID}; left: ${expectIds(await client.collectors.list(), [], "after delete")}`;
      },
    },
    {
      what: "invalid task is refused before sending",
      async run() {
        // A consensus task that lost its approval threshold and weighs a worker it does not list: the
        // builders' types would not let us write it, so edit a built message instead.
        const bad = clone(TaskSchema, labelingTask(consensusSpec));
        const review = bad.review?.strategyInfo;
        if (review?.case === "consensusStrategyInfo") review.value.approvalThresholdLabelers = 0;
        const partition = bad.worker?.strategyInfo;
        if (partition?.case === "partitionedStrategyInfo") partition.value.weights = { ...CONSENSUS_WEIGHTS, stranger: 1 };
        const before = countTasks();
        try {
          await client.tasks.create(bad);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          if (countTasks() !== before) throw new Error("the invalid task reached the server");
          return `${e.name}, nothing sent: ${e.issues.map((i) => i.path).join(", ")}`;
        }
        throw new Error("the invalid task was accepted");
      },
    },
  ];
}

/** The read-only steps of `--live`: one page of tasks and one of collectors from the real API. */
export function liveSteps(client: ClarifaiClient): Step[] {
  const first = (items: readonly { id: string }[]) =>
    items.length === 0 ? "" : `: ${items.slice(0, 5).map((x) => x.id).join(", ")}${items.length > 5 ? ", …" : ""}`;
  return [
    {
      what: "list tasks (first page)",
      async run() {
        const tasks = await client.tasks.list({ perPage: 20 });
        return `${tasks.length} task${tasks.length === 1 ? "" : "s"}${first(tasks)}`;
      },
    },
    {
      what: "list collectors (first page)",
      async run() {
        const collectors = await client.collectors.list({ perPage: 20 });
        return `${collectors.length} collector${collectors.length === 1 ? "" : "s"}${first(collectors)}`;
      },
    },
  ];
}
