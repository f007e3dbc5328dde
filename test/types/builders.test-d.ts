// Compile-time guarantees of the builders: each @ts-expect-error must be an error, or tsc fails
// ("unused @ts-expect-error"), so these lines prove that the wrong code does not compile.

import { describe, expectTypeOf, test } from "vitest";
import type { Collector, Task } from "../../gen/clarifai/api/resources_pb.js";
import { TaskWorker_TaskWorkerStrategy } from "../../gen/clarifai/api/resources_pb.js";
import {
  annotationDataTypes,
  autoAnnotationTask,
  collector,
  labelingTask,
  type LabelingTaskSpec,
  type ReviewSpec,
  type AutoAnnotationTaskSpec,
  type CollectorSpec,
  type WorkerStrategyName,
} from "../../src/index.js";

const common = { name: "n", concepts: ["water"], inputSource: { type: "ALL_INPUTS" } } as const;

describe("enum names are checked", () => {
  test("a misspelled strategy does not compile", () => {
    // @ts-expect-error "DYNAMC" is not a TaskWorkerStrategy name
    const spec: LabelingTaskSpec = { ...common, type: "CONCEPTS_CLASSIFICATION", workers: { strategy: "DYNAMC", users: ["u"] } };
    void spec;
  });
  test("a misspelled task type, input source, review and data type do not compile", () => {
    // @ts-expect-error "CONCEPT_CLASSIFICATION" (missing S)
    const a: LabelingTaskSpec["type"] = "CONCEPT_CLASSIFICATION";
    // @ts-expect-error "DATASETS" is not a TaskInputSourceType
    const b: LabelingTaskSpec["inputSource"] = { type: "DATASETS", id: "x" };
    // @ts-expect-error "MANUEL"
    const c: ReviewSpec = { strategy: "MANUEL", samplePercentage: 0.5, reviewers: [] };
    // @ts-expect-error "BOX" is not an AnnotationDataType
    annotationDataTypes("BOX");
    void [a, b, c];
  });
  test("names and generated values are both accepted", () => {
    expectTypeOf<"DYNAMIC">().toMatchTypeOf<WorkerStrategyName>();
    const spec: LabelingTaskSpec = {
      ...common,
      type: "CONCEPTS_CLASSIFICATION",
      workers: { strategy: TaskWorker_TaskWorkerStrategy.DYNAMIC, users: ["u"] },
    };
    expectTypeOf(labelingTask(spec)).toEqualTypeOf<Task>();
  });
  test("TYPE_NOT_SET is not a labeling task type", () => {
    // @ts-expect-error auto-annotation tasks are built with autoAnnotationTask
    const t: LabelingTaskSpec["type"] = "TYPE_NOT_SET";
    void t;
  });
});

describe("fields of another strategy are unrepresentable", () => {
  test("a user worker in an auto-annotation task does not compile", () => {
    const ok: AutoAnnotationTaskSpec = { ...common, concepts: [{ id: "water" }], worker: { model: { id: "m" } } };
    // @ts-expect-error an auto-annotation worker is a model or a workflow, not a user
    const bad: AutoAnnotationTaskSpec = { ...common, concepts: [{ id: "water" }], worker: { user: { id: "u1" } } };
    // @ts-expect-error nor a list of users
    const bad2: AutoAnnotationTaskSpec = { ...common, concepts: [{ id: "water" }], worker: { model: { id: "m" } }, workers: { strategy: "FULL", users: ["u1"] } };
    // @ts-expect-error a model and a workflow at once
    const bad3: AutoAnnotationTaskSpec["worker"] = { model: { id: "m" }, workflow: { id: "w" } };
    expectTypeOf(autoAnnotationTask(ok)).toEqualTypeOf<Task>();
    void [bad, bad2, bad3];
  });
  test("a consensus review without a threshold does not compile", () => {
    // @ts-expect-error approvalThresholdLabelers is required for CONSENSUS
    const r: ReviewSpec = { strategy: "CONSENSUS", reviewers: ["u4"] };
    const ok: ReviewSpec = { strategy: "CONSENSUS", approvalThresholdLabelers: 2, reviewers: ["u4"] };
    void [r, ok];
  });
  test("settings of another review strategy do not compile", () => {
    // @ts-expect-error samplePercentage belongs to MANUAL
    const r: ReviewSpec = { strategy: "CONSENSUS", approvalThresholdLabelers: 2, samplePercentage: 0.5 };
    // @ts-expect-error NONE has no reviewers
    const n: ReviewSpec = { strategy: "NONE", reviewers: ["u"] };
    void [r, n];
  });
  test("a partition only with PARTITIONED, weights only with WEIGHTED", () => {
    const workers = (w: LabelingTaskSpec["workers"]) => w;
    // @ts-expect-error DYNAMIC takes no partition
    workers({ strategy: "DYNAMIC", users: ["u"], partition: { type: "EVENLY", workersPerInput: 1 } });
    // @ts-expect-error PARTITIONED needs a partition
    workers({ strategy: "PARTITIONED", users: ["u"] });
    // @ts-expect-error EVENLY takes no weights
    workers({ strategy: "PARTITIONED", users: ["u"], partition: { type: "EVENLY", workersPerInput: 1, weights: { u: 1 } } });
    // @ts-expect-error WEIGHTED needs weights
    workers({ strategy: "PARTITIONED", users: ["u"], partition: { type: "WEIGHTED", workersPerInput: 1 } });
  });
  test("an ALL_INPUTS source takes no id; a DATASET source needs one", () => {
    // @ts-expect-error no id for ALL_INPUTS
    const a: LabelingTaskSpec["inputSource"] = { type: "ALL_INPUTS", id: "x" };
    // @ts-expect-error DATASET needs its id
    const b: LabelingTaskSpec["inputSource"] = { type: "DATASET" };
    void [a, b];
  });
  test("a collector without any workflow does not compile", () => {
    const source = { modelId: "m", postInputsKeyId: "k" };
    // @ts-expect-error preQueueWorkflowId or postQueueWorkflowId is required
    const c: CollectorSpec = { id: "c", source };
    expectTypeOf(collector({ id: "c", postQueueWorkflowId: "p", source })).toEqualTypeOf<Collector>();
    void c;
  });
});
