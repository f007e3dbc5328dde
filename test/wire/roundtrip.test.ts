// Binary round trips between our codec (protobuf-es) and upstream's (the oracle's protobufjs):
// what we encode upstream reads in full, and what upstream sends us with fields our subset leaves
// out comes back out of a decode → encode (or a read-modify-write) without losing a byte of it.
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, test } from "vitest";
import {
  AnnotationDataType,
  Task_TaskPriority,
  Task_TaskType,
  TaskInputSource_TaskInputSourceType,
  TaskReview_TaskReviewStrategy,
  TaskSchema,
  TaskWorker_TaskWorkerStrategy,
  TaskWorker_WorkerType,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy,
  Visibility_Gettable,
  type Task,
} from "../../gen/clarifai/api/resources_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { CONCEPT_ID, DATASET_ID, REVIEWER_USER_ID, SEED_APP_ID, SEED_USER_ID } from "../fixtures/seeds.js";
import { upstreamRoot } from "../support/upstream.js";
import { fromOracleStruct, oracleStruct } from "./oracle.js";

const upstreamTask = upstreamRoot().lookupType("clarifai.api.Task");
/** Upstream's plain-object view: longs as decimal strings (no precision loss), enums by name, oneofs named. */
const view = (message: unknown) =>
  upstreamTask.toObject(message, { longs: String, enums: String, bytes: String, oneofs: true, arrays: true, objects: true });

// 2^53 + 1 cannot be a JS number: it only survives as a bigint (ours) or a Long (upstream).
const BIG = 9007199254740993n;

/** A Task that uses every part of the subset: all float values are exact in float32, so equality is exact. */
function richTask(): Task {
  return create(TaskSchema, {
    id: "task-rich",
    createdAt: { seconds: 1_700_000_000n, nanos: 123_000_000 },
    modifiedAt: { seconds: 1_700_000_100n, nanos: 1 },
    type: Task_TaskType.BOUNDING_BOX_DETECTION,
    description: "Box every river — ünïcödé too",
    name: `Annotate ${CONCEPT_ID}`,
    worker: {
      strategy: TaskWorker_TaskWorkerStrategy.PARTITIONED,
      type: TaskWorker_WorkerType.WORKER_HUMAN,
      workers: [
        { worker: { case: "user", value: { id: "worker-1", firstName: "Ada" } } },
        { worker: { case: "user", value: { id: "worker-2" } } },
        { worker: { case: "model", value: { id: "model-1", modelVersion: { id: "model-version-1" } } } },
        { worker: { case: "workflow", value: { id: "wf-1", appId: SEED_APP_ID } } },
      ],
      strategyInfo: {
        case: "partitionedStrategyInfo",
        value: {
          type: TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy.WEIGHTED,
          workersPerInput: 2,
          weights: { "worker-1": 1, "worker-2": 2.5 },
        },
      },
    },
    inputSource: { type: TaskInputSource_TaskInputSourceType.DATASET, id: DATASET_ID },
    sampleMs: 1000,
    aiAssistant: { workflow: { id: "assist-wf" } },
    review: {
      strategy: TaskReview_TaskReviewStrategy.CONSENSUS,
      users: [{ id: REVIEWER_USER_ID }],
      strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 2, approvalThresholdReviewers: -1 } },
    },
    status: { code: StatusCode.TASK_IN_PROGRESS, description: "in progress", percentCompleted: 40 },
    aiAssistParams: { minThreshold: 0.25, maxThreshold: 0.75, conceptRelationIds: ["rel-1"] },
    visibility: { gettable: Visibility_Gettable.ORG },
    appId: SEED_APP_ID,
    userId: SEED_USER_ID,
    labelOrderId: "order-1",
    concepts: [
      {
        concept: { id: CONCEPT_ID, name: "Water", value: 1 },
        autoAnnotationConfig: {
          annotationDataTypes: AnnotationDataType.TAG | AnnotationDataType.BOUNDING_BOX,
          thresholdRange: { isLowerInclusive: true, isUpperInclusive: false, lower: 0.5, upper: 0.875 },
          statusCode: StatusCode.ANNOTATION_SUCCESS,
        },
      },
    ],
    deletePreviousAnnotations: true,
    metrics: {
      work: { inputsCountEstimated: BIG, inputsPercentEstimated: 42 },
      review: {
        inputsCountEstimated: 18_446_744_073_709_551_615n, // uint64 max
        inputsPercentEstimated: 7,
        inputsCountEstimatedPerReviewer: [0n, 1n, BIG],
        inputsReviewableCountEstimatedPerReviewer: [3n],
        inputsPercentEstimatedPerReviewer: [10, 90],
      },
      inputSource: { inputsCountEstimated: 5n },
    },
    priority: Task_TaskPriority.HIGH,
    metadata: { project: "river", nested: { list: [1, "two", true, null], empty: {} } },
  });
}

describe("our encoding, upstream's decoding", () => {
  test("a rich Task carries every value to upstream", () => {
    const task = richTask();
    const bytes = toBinary(TaskSchema, task);
    const decoded = upstreamTask.decode(bytes);
    expect(upstreamTask.verify(decoded)).toBeNull();
    const o = view(decoded) as any;

    expect(o.id).toBe("task-rich");
    expect(o.created_at).toEqual({ seconds: "1700000000", nanos: 123_000_000 });
    expect(o.type).toBe("BOUNDING_BOX_DETECTION");
    expect(o.description).toBe("Box every river — ünïcödé too");
    expect(o.worker.strategy).toBe("PARTITIONED");
    expect(o.worker.type).toBe("WORKER_HUMAN");
    expect(o.worker.strategy_info).toBe("partitioned_strategy_info");
    expect(o.worker.workers.map((w: any) => w.worker)).toEqual(["user", "user", "model", "workflow"]);
    expect(o.worker.workers[0].user).toMatchObject({ id: "worker-1", first_name: "Ada" });
    expect(o.worker.workers[2].model.model_version.id).toBe("model-version-1");
    expect(o.worker.workers[3].workflow).toMatchObject({ id: "wf-1", app_id: SEED_APP_ID });
    const p = o.worker.partitioned_strategy_info;
    expect(p.type).toBe("WEIGHTED");
    expect(p.workers_per_input).toBe(2);
    expect(fromOracleStruct(p.weights)).toEqual({ "worker-1": 1, "worker-2": 2.5 });
    expect(o.input_source).toEqual({ type: "DATASET", id: DATASET_ID });
    expect(o.sample_ms).toBe(1000);
    expect(o.review.strategy).toBe("CONSENSUS");
    expect(o.review.strategy_info).toBe("consensus_strategy_info");
    expect(o.review.consensus_strategy_info).toEqual({ approval_threshold_labelers: 2, approval_threshold_reviewers: -1 });
    expect(o.review.users.map((u: any) => u.id)).toEqual([REVIEWER_USER_ID]);
    expect(o.status).toMatchObject({ code: "TASK_IN_PROGRESS", description: "in progress", percent_completed: 40 });
    expect(o.ai_assist_params).toEqual({ min_threshold: 0.25, max_threshold: 0.75, concept_relation_ids: ["rel-1"] });
    expect(o.visibility.gettable).toBe("ORG");
    expect([o.app_id, o.user_id, o.label_order_id]).toEqual([SEED_APP_ID, SEED_USER_ID, "order-1"]);
    expect(o.concepts[0].concept).toMatchObject({ id: CONCEPT_ID, name: "Water", value: 1 });
    expect(o.concepts[0].auto_annotation_config).toEqual({
      annotation_data_types: 3,
      threshold_range: { is_lower_inclusive: true, lower: 0.5, upper: 0.875 },
      status_code: "ANNOTATION_SUCCESS",
    });
    expect(o.delete_previous_annotations).toBe(true);
    expect(o.metrics.work).toEqual({ inputs_count_estimated: "9007199254740993", inputs_percent_estimated: 42 });
    expect(o.metrics.review.inputs_count_estimated).toBe("18446744073709551615");
    expect(o.metrics.review.inputs_count_estimated_per_reviewer).toEqual(["0", "1", "9007199254740993"]);
    expect(o.metrics.review.inputs_reviewable_count_estimated_per_reviewer).toEqual(["3"]);
    expect(o.metrics.review.inputs_percent_estimated_per_reviewer).toEqual([10, 90]);
    expect(o.metrics.input_source.inputs_count_estimated).toBe("5");
    expect(o.priority).toBe("HIGH");
    expect(fromOracleStruct(o.metadata)).toEqual({ project: "river", nested: { list: [1, "two", true, null], empty: {} } });
  });

  test("upstream re-encodes it into a Task equal to the original", () => {
    const task = richTask();
    const upstreamBytes = upstreamTask.encode(upstreamTask.decode(toBinary(TaskSchema, task))).finish();
    const back = fromBinary(TaskSchema, upstreamBytes);
    expect(equals(TaskSchema, back, task)).toBe(true);
    // Nothing was unknown to us in upstream's encoding of our own message.
    expect(back.$unknown ?? []).toEqual([]);
  });
});

/** A Task as upstream's users build it, with fields our subset leaves out at several depths. */
function upstreamOnlyTaskObject() {
  return {
    id: "task-upstream",
    name: "from upstream",
    description: "before",
    sample_ms: 500,
    worker: {
      strategy: "FULL",
      workers: [
        {
          user: {
            id: "worker-1",
            primary_email: "w1@example.com", // User.primary_email = 2, not in our subset
            bill_type: "enterprise",
            metadata: oracleStruct({ team: "blue" }),
            email_addresses: [{ email: "w1@example.com", primary: true, verified: true }],
            two_factor_auth_enabled: true,
            teams_count: 3,
            date_tos_consent: { seconds: 1_600_000_000, nanos: 0 },
          },
        },
        {
          model: {
            id: "model-1",
            display_name: "General",
            output_info: { message: "ok", params: oracleStruct({ max_concepts: 20 }) },
            default_eval_info: { params: oracleStruct({ split: 0.2 }) },
            toolkits: ["a", "b"],
            replica_count: 2,
            model_version: { id: "mv-1", license: "MIT", total_input_count: 77, train_log: "log" },
          },
        },
        { workflow: { id: "wf-1", nodes: [{ id: "node-1", model: { id: "m-in-node" }, suppress_output: true }], notes: "n" } },
      ],
    },
    concepts: [
      {
        concept: { id: CONCEPT_ID, image: { url: "https://example.com/water.jpg" }, keypoint_info: { keypoint_names: ["a", "b"] } },
        auto_annotation_config: { status_code: 24150 },
      },
    ],
    metrics: { work: { inputs_count_estimated: "9007199254740993" } },
  };
}

function upstreamOnlyBytes(): Uint8Array {
  const message = upstreamTask.fromObject(upstreamOnlyTaskObject());
  expect(upstreamTask.verify(message)).toBeNull();
  return upstreamTask.encode(message).finish();
}

/** Upstream's canonical encoding: decode and re-encode with upstream (fields in number order). */
const canonical = (bytes: Uint8Array) => upstreamTask.encode(upstreamTask.decode(bytes)).finish();

describe("upstream's encoding with fields we leave out", () => {
  test("the fields really are unknown to us, and kept as unknown fields", () => {
    const task = fromBinary(TaskSchema, upstreamOnlyBytes());
    const [userWorker, modelWorker, workflowWorker] = task.worker!.workers;
    expect(userWorker!.worker.case).toBe("user");
    const user = userWorker!.worker.value as { id: string; $unknown?: { no: number }[] };
    expect(user.id).toBe("worker-1");
    expect(user.$unknown?.map((u) => u.no).sort((a, b) => a - b)).toEqual([2, 7, 9, 11, 12, 15, 16]);
    const model = modelWorker!.worker.value as { modelVersion?: { $unknown?: unknown[] }; $unknown?: { no: number }[] };
    expect(model.$unknown?.map((u) => u.no).sort((a, b) => a - b)).toEqual([5, 7, 20, 20, 30, 43]); // toolkits: one record per string
    expect(model.modelVersion?.$unknown?.length).toBe(3);
    expect((workflowWorker!.worker.value as { $unknown?: { no: number }[] }).$unknown?.map((u) => u.no).sort((a, b) => a - b)).toEqual([4, 13]);
    expect(task.concepts[0]!.concept!.$unknown?.map((u) => u.no).sort((a, b) => a - b)).toEqual([11, 22]);
  });

  test("our fromBinary → toBinary loses nothing: byte-for-byte equal after upstream's canonical re-encoding", () => {
    const original = upstreamOnlyBytes();
    const ours = toBinary(TaskSchema, fromBinary(TaskSchema, original));
    // Our writer puts unknown fields after the known ones, so the raw bytes may be ordered differently…
    expect(ours.length).toBe(original.length);
    // …but upstream reads the same message out of both, and re-encodes both to the same bytes.
    expect(Buffer.from(canonical(ours)).equals(Buffer.from(canonical(original)))).toBe(true);
    expect(view(upstreamTask.decode(ours))).toEqual(view(upstreamTask.decode(original)));
    // And the values we cannot see are really there on upstream's side.
    const o = view(upstreamTask.decode(ours)) as any;
    expect(o.worker.workers[0].user.primary_email).toBe("w1@example.com");
    expect(fromOracleStruct(o.worker.workers[1].model.output_info.params)).toEqual({ max_concepts: 20 });
    expect(fromOracleStruct(o.worker.workers[1].model.default_eval_info.params)).toEqual({ split: 0.2 });
    expect(o.worker.workers[2].workflow.nodes[0]).toMatchObject({ id: "node-1", suppress_output: true });
    expect(o.concepts[0].concept.image.url).toBe("https://example.com/water.jpg");
    expect(o.metrics.work.inputs_count_estimated).toBe("9007199254740993");
  });

  test("a PatchTasks-style read-modify-write keeps every unknown field", () => {
    const original = upstreamOnlyBytes();
    const task = fromBinary(TaskSchema, original);
    task.description = "after";
    const written = toBinary(TaskSchema, task);

    const before = view(upstreamTask.decode(original)) as any;
    const after = view(upstreamTask.decode(written)) as any;
    expect(after.description).toBe("after");
    expect({ ...after, description: before.description }).toEqual(before);
  });

  test("a field unknown to upstream as well (a future addition) survives our decode → encode", () => {
    // Field 1000 on Task and field 1001 inside Task.worker, as a newer server might send them.
    const extra = new BinaryWriter().tag(1000, WireType.Varint).uint64(BIG).tag(1001, WireType.LengthDelimited).string("future").finish();
    const original = new Uint8Array([...upstreamOnlyBytes(), ...extra]);
    const task = fromBinary(TaskSchema, original);
    expect(task.$unknown?.map((u) => u.no)).toEqual([1000, 1001]);
    const again = toBinary(TaskSchema, task);
    // Unknown fields of the top-level message are written last, in the order they came.
    expect(Buffer.from(again.subarray(again.length - extra.length)).equals(Buffer.from(extra))).toBe(true);
  });
});
