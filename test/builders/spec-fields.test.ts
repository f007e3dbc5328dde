// What the builders do with each optional field of their specs (set when given, their TSDoc default
// when not) and where they report a misspelled name: the behaviours the builders' mutation run
// (`npm run mutate -- builders`) found no test pinning.

import { describe, expect, test } from "vitest";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { issuesOf } from "./issues-of.js";
import { auto, js, labeling } from "./specs.js";
import {
  autoAnnotationTask,
  type AutoAnnotationTaskSpec,
  collector,
  collectorPatch,
  labelingTask,
} from "../../src/builders/index.js";

describe("a misspelled name is an issue at the field's own path", () => {
  // The first issue is the name's; the message quotes what was given, so the caller can find it.
  const first = (fn: () => unknown) => issuesOf(fn)[0];
  test.each([
    ["task.type", () => labelingTask({ ...labeling, type: js("CONCEPT") }), '"CONCEPT" is not a TaskType'],
    ["task.priority", () => labelingTask({ ...labeling, priority: js("HI") }), '"HI" is not a TaskPriority'],
    ["task.status.code", () => labelingTask({ ...labeling, status: js("DONE") }), '"DONE" is not a StatusCode'],
    ["task.inputSource.type", () => labelingTask({ ...labeling, inputSource: js({ type: "DATASETS", id: "ds" }) }), '"DATASETS" is not a TaskInputSourceType'],
    ["task.review.strategy", () => labelingTask({ ...labeling, review: js({ strategy: "NON" }) }), '"NON" is not a TaskReviewStrategy'],
    [
      "task.worker.partitionedStrategyInfo.type",
      () => labelingTask({ ...labeling, workers: { strategy: "PARTITIONED", users: ["w1"], partition: { type: js("EVEN"), workersPerInput: 1 } } }),
      '"EVEN" is not a TaskWorkerPartitionedStrategy',
    ],
    ["task.worker.strategy", () => autoAnnotationTask({ ...auto, strategy: js("FUL") }), '"FUL" is not a TaskWorkerStrategy'],
    ["task.review.strategy", () => autoAnnotationTask({ ...auto, review: js({ strategy: "NON" }) }), '"NON" is not a TaskReviewStrategy'],
    ["task.inputSource.type", () => autoAnnotationTask({ ...auto, inputSource: js({ type: "ALL" }) }), '"ALL" is not a TaskInputSourceType'],
    [
      "task.concepts[0].autoAnnotationConfig.annotationDataTypes",
      () => autoAnnotationTask({ ...auto, concepts: [{ id: "water", annotationDataTypes: ["TAG", js("BOX")] }] }),
      '"BOX" is not an AnnotationDataType',
    ],
  ])("%s", (path, build, message) => {
    expect(first(build)).toEqual({ path, message: expect.stringContaining(message) });
  });

  test("a bad name in an annotationDataTypes list is the only issue: the other names are not reported", () => {
    expect(issuesOf(() => autoAnnotationTask({ ...auto, concepts: [{ id: "water", annotationDataTypes: ["TAG", js("BOX")] }] }))).toHaveLength(1);
  });
});

describe("labelingTask: review settings", () => {
  test("a manual review's approvalThreshold is sent when given, 0 (the server's default) when not", () => {
    const info = (approvalThreshold?: number) =>
      labelingTask({ ...labeling, review: { strategy: "MANUAL", samplePercentage: 0.5, reviewers: ["r1"], ...(approvalThreshold === undefined ? {} : { approvalThreshold }) } })
        .review?.strategyInfo;
    expect(info(2)).toMatchObject({ case: "manualStrategyInfo", value: { samplePercentage: 0.5, approvalThreshold: 2 } });
    expect(info()).toMatchObject({ case: "manualStrategyInfo", value: { samplePercentage: 0.5, approvalThreshold: 0 } });
  });

  test("a consensus review's approvalThresholdReviewers is sent when given (-1: every reviewer), 0 when not", () => {
    const info = (approvalThresholdReviewers?: 1 | -1) =>
      labelingTask({
        ...labeling,
        review: { strategy: "CONSENSUS", approvalThresholdLabelers: 1, ...(approvalThresholdReviewers === undefined ? {} : { approvalThresholdReviewers }) },
      }).review?.strategyInfo;
    expect(info(-1)).toMatchObject({ case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 1, approvalThresholdReviewers: -1 } });
    expect(info(1)).toMatchObject({ case: "consensusStrategyInfo", value: { approvalThresholdReviewers: 1 } });
    expect(info()).toMatchObject({ case: "consensusStrategyInfo", value: { approvalThresholdReviewers: 0 } });
  });

  test("an evenly partitioned task has no weights", () => {
    const t = labelingTask({ ...labeling, workers: { strategy: "PARTITIONED", users: ["w1", "w2"], partition: { type: "EVENLY", workersPerInput: 1 } } });
    expect(t.worker?.strategyInfo).toMatchObject({ case: "partitionedStrategyInfo", value: { type: 1, workersPerInput: 1 } });
    // weights is a google.protobuf.Struct: an empty one would still be sent.
    expect(t.worker?.strategyInfo.value?.weights).toBeUndefined();
  });
});

describe("autoAnnotationTask: workers and concept settings", () => {
  test("a model worker without versionId has no modelVersion (the latest version)", () => {
    const model = autoAnnotationTask(auto).worker?.workers[0]?.worker;
    expect(model).toMatchObject({ case: "model", value: { id: "general", userId: "", appId: "" } });
    expect(model?.case === "model" && model.value.modelVersion).toBeUndefined();
  });

  test("a model outside the task's app: userId and appId are sent", () => {
    const t = autoAnnotationTask({ ...auto, worker: { model: { id: "general", userId: "clarifai", appId: "main" } } });
    expect(t.worker?.workers[0]?.worker).toMatchObject({ case: "model", value: { id: "general", userId: "clarifai", appId: "main" } });
  });

  test("a workflow worker without owner has none", () => {
    const t = autoAnnotationTask({ ...auto, worker: { workflow: { id: "wf" } } });
    expect(t.worker?.workers[0]?.worker).toMatchObject({ case: "workflow", value: { id: "wf", userId: "", appId: "" } });
  });

  test("both threshold bounds are inclusive by default; either can be made exclusive", () => {
    const range = (threshold: NonNullable<AutoAnnotationTaskSpec["concepts"][number]["threshold"]>) =>
      autoAnnotationTask({ ...auto, concepts: [{ id: "water", threshold }] }).concepts[0]?.autoAnnotationConfig?.thresholdRange;
    expect(range({ lower: 0.7, upper: 1 })).toMatchObject({ lower: 0.7, upper: 1, isLowerInclusive: true, isUpperInclusive: true });
    expect(range({ lower: 0.7, upper: 1, lowerInclusive: false })).toMatchObject({ isLowerInclusive: false, isUpperInclusive: true });
  });

  test("a concept with only a status code gets an autoAnnotationConfig holding it", () => {
    const config = autoAnnotationTask({ ...auto, concepts: [{ id: "water", statusCode: "ANNOTATION_AWAITING_REVIEW" }] }).concepts[0]?.autoAnnotationConfig;
    expect(config).toMatchObject({ statusCode: StatusCode.ANNOTATION_AWAITING_REVIEW, annotationDataTypes: 0 });
    expect(config?.thresholdRange).toBeUndefined();
  });

  test("annotationDataTypes as a bit set is sent as it is", () => {
    // The docs' example: 34 = MASK | BOUNDING_BOX.
    const config = autoAnnotationTask({ ...auto, concepts: [{ id: "water", annotationDataTypes: 34 }] }).concepts[0]?.autoAnnotationConfig;
    expect(config?.annotationDataTypes).toBe(34);
  });
});

describe("collector / collectorPatch: collectOutputs", () => {
  const source = { modelId: "general", postInputsKeyId: "key" };
  test("collectOutputs is sent when given, false when not", () => {
    expect(collector({ id: "c1", preQueueWorkflowId: "wf", collectOutputs: true, source }).collectOutputs).toBe(true);
    expect(collector({ id: "c1", preQueueWorkflowId: "wf", source }).collectOutputs).toBe(false);
    expect(collectorPatch({ id: "c1", collectOutputs: true }).collectOutputs).toBe(true);
  });

  test("a source's optional model owner, app and version are empty unless given", () => {
    expect(collector({ id: "c1", preQueueWorkflowId: "wf", source }).collectorSource?.apiPostModelOutputsCollectorSource).toMatchObject({
      modelId: "general",
      postInputsKeyId: "key",
      modelUserId: "",
      modelAppId: "",
      modelVersionId: "",
    });
  });
});
