// The messages every client sends and receives. They are built once, here, with protobuf-es and handed to
// each client as bytes, so that every client turns the very same wire message into its own native form
// with its own codec, and no client's process has to load another client's libraries.
import { create, fromJson, toBinary, type JsonObject } from "@bufbuild/protobuf";
import { TaskSchema, type Task } from "../gen/clarifai/api/resources_pb.js";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { MultiTaskResponseSchema, PostTasksRequestSchema, type MultiTaskResponse } from "../gen/clarifai/api/service_pb.js";
import { StatusCode } from "../gen/clarifai/api/status/status_code_pb.js";
import { StatusSchema } from "../gen/clarifai/api/status/status_pb.js";

/** The three RPCs the bench drives. */
export const WORKLOADS = ["GetTask", "PostTasks", "ListTasks"] as const;
/** One of {@link WORKLOADS}. */
export type Workload = (typeof WORKLOADS)[number];

/** One measured cell: a workload at a concurrency (callers each waiting for their previous call). */
export interface Cell {
  workload: Workload;
  concurrency: number;
}

/** "GetTask c=32". */
export function cellName(cell: Cell): string {
  return `${cell.workload} c=${cell.concurrency}`;
}

/**
 * The cells of client CPU per call (issue 14): one call at a time, a busy client on small messages
 * (a read and the docs' consensus-task write), and a page of 128 tasks at a moderate concurrency.
 */
export const CPU_CELLS: readonly Cell[] = [
  { workload: "GetTask", concurrency: 1 },
  { workload: "GetTask", concurrency: 32 },
  { workload: "PostTasks", concurrency: 32 },
  { workload: "ListTasks", concurrency: 8 },
];

/** Identity against gzip: a small answer just over connect's 1 KB threshold, and a 128-task page. */
export const COMPRESSION_CELLS: readonly Cell[] = [
  { workload: "GetTask", concurrency: 32 },
  { workload: "ListTasks", concurrency: 8 },
];

/** Tracing on against off: a per-call cost, so the cells with the smallest calls show it best. */
export const TRACING_CELLS: readonly Cell[] = [
  { workload: "GetTask", concurrency: 1 },
  { workload: "GetTask", concurrency: 32 },
];

/** Page size of the ListTasks workload: a full page at the API's default size. */
export const LIST_PAGE_SIZE = 128;

/**
 * The consensus-review task of the Tasks documentation (`test/wire/002_907588a347d790bc.txt`, cURL
 * example of "Task With Consensus Review"), placeholders filled in. It is the PostTasks payload. It keeps
 * the documented deprecated `approval_threshold`: the bench sends what the docs send.
 */
export const CONSENSUS_TASK_JSON: JsonObject = {
  type: "CONCEPTS_CLASSIFICATION",
  name: "Annotate bench-concept",
  worker: {
    strategy: "PARTITIONED",
    workers: [{ user: { id: "bench-user-1" } }, { user: { id: "bench-user-2" } }, { user: { id: "bench-user-3" } }],
    partitioned_strategy_info: {
      type: "WEIGHTED",
      workers_per_input: 3,
      weights: { "bench-user-1": 1, "bench-user-2": 1, "bench-user-3": 1 },
    },
  },
  concepts: [{ concept: { id: "bench-concept" } }],
  input_source: { type: "ALL_INPUTS" },
  sample_ms: 1000,
  review: {
    strategy: "CONSENSUS",
    consensus_strategy_info: { approval_threshold: 2 },
    users: [{ id: "bench-user-4" }],
  },
};

/** The consensus seed task as a protobuf-es message. */
export function consensusTask(): Task {
  return fromJson(TaskSchema, CONSENSUS_TASK_JSON);
}

/**
 * The `i`-th of the tasks that fill the ListTasks page: the consensus task grown to what a real app's
 * task looks like (several workers with weights, named concepts, a description, metadata, review users),
 * so that decoding the page costs what decoding real pages costs.
 */
export function richTask(i: number): Task {
  const workers = Array.from({ length: 5 }, (_, w) => `labeler-${(i + w) % 17}`);
  const json: JsonObject = {
    ...CONSENSUS_TASK_JSON,
    name: `Annotate animals, batch ${i}`,
    description: `Label every input of batch ${i} with the animal it shows; skip inputs that show none. `.repeat(2),
    worker: {
      strategy: "PARTITIONED",
      type: "WORKER_HUMAN",
      workers: workers.map((id) => ({ user: { id, first_name: "Ada", last_name: `Labeler ${id}` } })),
      partitioned_strategy_info: {
        type: "WEIGHTED",
        workers_per_input: 3,
        weights: Object.fromEntries(workers.map((id, w) => [id, w + 1])),
      },
    },
    concepts: ["cat", "dog", "horse", "bird", "fish", "rabbit"].map((id) => ({
      concept: { id: `${id}-${i % 3}`, name: id, value: 1, app_id: "bench-list" },
    })),
    input_source: { type: "DATASET", id: `dataset-${i % 4}` },
    review: {
      strategy: "CONSENSUS",
      consensus_strategy_info: { approval_threshold_labelers: 2, approval_threshold_reviewers: 1 },
      users: [{ id: "reviewer-1" }, { id: "reviewer-2" }],
    },
    ai_assist_params: { min_threshold: 0.2, max_threshold: 0.9, concept_relation_ids: ["rel-1", "rel-2"] },
    visibility: { gettable: "PRIVATE" },
    priority: "HIGH",
    metadata: { project: "wildlife", batch: i, tags: ["bench", "rich"], owner: { team: "data", oncall: false } },
  };
  return fromJson(TaskSchema, json);
}

/** Where the clients find the emulator and the data seeded in it. Plain JSON: it is passed to child processes. */
export interface Target {
  /** `host:port`, for grpc-js clients. */
  address: string;
  /** `http://host:port`, for connect clients. */
  baseUrl: string;
  /** The key every call sends as `authorization: Key <pat>`. */
  pat: string;
  /** The user that owns both apps. */
  userId: string;
  /** The app holding exactly one page of rich tasks (GetTask and ListTasks read it; nothing is written to it). */
  appId: string;
  /** The app PostTasks writes to, kept apart so the ListTasks page never changes. */
  postAppId: string;
  /** A task of `appId`, for GetTask. */
  taskId: string;
  /** A binary `PostTasksRequest` (the consensus task, `postAppId`), base64. */
  postRequestB64: string;
}

/** Encodes the PostTasks request every client sends. */
export function postRequestB64(userId: string, postAppId: string): string {
  const request = create(PostTasksRequestSchema, { userAppId: { userId, appId: postAppId }, tasks: [consensusTask()] });
  return Buffer.from(toBinary(PostTasksRequestSchema, request)).toString("base64");
}

/**
 * A full ListTasks page as the emulator answers it (server fields set on every task): the message of
 * the codec bench.
 */
export function listPage(size = LIST_PAGE_SIZE): MultiTaskResponse {
  const now = create(TimestampSchema, { seconds: 1_717_171_717n, nanos: 123_000_000 });
  return create(MultiTaskResponseSchema, {
    status: { code: StatusCode.SUCCESS, description: "Ok", reqId: "bench-req-1" },
    tasks: Array.from({ length: size }, (_, i) => {
      const task = richTask(i);
      task.id = `${i.toString(16).padStart(8, "0")}a3f1c9e07b2d4e5f8a6b0c1d2e3f4a5b`.slice(0, 32);
      task.userId = "emulator-user";
      task.appId = "bench-read";
      task.createdAt = now;
      task.modifiedAt = now;
      task.status = create(StatusSchema, { code: StatusCode.TASK_IN_PROGRESS, description: "Task in progress" });
      return task;
    }),
  });
}
