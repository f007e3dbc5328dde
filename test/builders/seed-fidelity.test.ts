// Every create/update example of the documentation, three ways: our builder, a protobuf-es init shape,
// and the docs' REST JSON through fromJson (deprecated fields normalized). All three must be equal.

import { create, type DescMessage, equals, fromJson, type JsonObject, type MessageInitShape, type MessageShape, toJson } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import {
  type Collector,
  CollectorSchema,
  type Task,
  TaskSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import {
  PatchCollectorsRequestSchema,
  PatchTasksRequestSchema,
  PostCollectorsRequestSchema,
  PostTasksRequestSchema,
} from "../../gen/clarifai/api/service_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { autoAnnotationTask, collector, collectorPatch, labelingTask, type LabelingTaskSpec } from "../../src/builders/index.js";
import { deprecatedTaskFields, normalizeTask, validateCollectorPatch, validateTask } from "../../src/validation/index.js";
import {
  COLLECTOR_DESCRIPTION,
  COLLECTOR_ID,
  CONCEPT_ID,
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
  TASK_ID,
  WORKER_USER_ID,
  seeds,
  type SeedScenario,
} from "../fixtures/seeds.js";

const weights = Object.fromEntries(CONSENSUS_WORKER_IDS.map((id) => [id, 1]));

function docTasks(json: JsonObject, kind: "post" | "patch"): Task[] {
  const req = fromJson(kind === "post" ? PostTasksRequestSchema : PatchTasksRequestSchema, json);
  return req.tasks;
}

function docCollectors(json: JsonObject, kind: "post" | "patch"): Collector[] {
  const req = fromJson(kind === "post" ? PostCollectorsRequestSchema : PatchCollectorsRequestSchema, json);
  return req.collectors;
}

// Every JSON spelling of a scenario: the REST body and the variants (numeric enums, status by name).
function spellings(s: SeedScenario): { label: string; json: JsonObject }[] {
  return [{ label: "REST", json: s.requestJson }, ...s.jsonVariants];
}

function expectSame<D extends DescMessage>(schema: D, a: MessageShape<D>, b: MessageShape<D>): void {
  // toJson first so a mismatch prints a readable diff; equals is the real check.
  expect(toJson(schema, a)).toEqual(toJson(schema, b));
  expect(equals(schema, a, b)).toBe(true);
}

/** The docs' consensus task (weighted partitioning over three workers) as builder input. */
const consensusSpec = () =>
  ({
    name: `Annotate ${CONCEPT_ID}`,
    type: "CONCEPTS_CLASSIFICATION",
    concepts: [CONCEPT_ID],
    workers: {
      strategy: "PARTITIONED",
      users: [...CONSENSUS_WORKER_IDS],
      partition: { type: "WEIGHTED", workersPerInput: 3, weights },
    },
    inputSource: { type: "ALL_INPUTS" },
    sampleMs: 1000,
    review: { strategy: "CONSENSUS", approvalThresholdLabelers: 2, reviewers: [REVIEWER_USER_ID] },
  }) satisfies LabelingTaskSpec;

/** The same task as a protobuf-es init shape with numeric enums. */
const consensusInit = () =>
  ({
    type: 1,
    name: `Annotate ${CONCEPT_ID}`,
    worker: {
      strategy: 2,
      workers: CONSENSUS_WORKER_IDS.map((id) => ({ worker: { case: "user" as const, value: { id } } })),
      strategyInfo: { case: "partitionedStrategyInfo", value: { type: 2, workersPerInput: 3, weights } },
    },
    concepts: [{ concept: { id: CONCEPT_ID } }],
    inputSource: { type: 1 },
    sampleMs: 1000,
    review: {
      strategy: 3,
      strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 2 } },
      users: [{ id: REVIEWER_USER_ID }],
    },
  }) satisfies MessageInitShape<typeof TaskSchema>;

describe("seed fidelity: tasks", () => {
  test("assigned task with manual review", () => {
    const built = labelingTask({
      name: `Annotate ${CONCEPT_ID}`,
      type: "CONCEPTS_CLASSIFICATION",
      concepts: [CONCEPT_ID],
      workers: { strategy: "DYNAMIC", users: [WORKER_USER_ID] },
      inputSource: { type: "DATASET", id: DATASET_ID },
      sampleMs: 1000,
      review: { strategy: "MANUAL", samplePercentage: 0.5, reviewers: [REVIEWER_USER_ID] },
    });
    const init = create(TaskSchema, {
      type: 1,
      name: `Annotate ${CONCEPT_ID}`,
      worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: WORKER_USER_ID } } }] },
      concepts: [{ concept: { id: CONCEPT_ID } }],
      inputSource: { type: 3, id: DATASET_ID },
      sampleMs: 1000,
      review: {
        strategy: 2,
        strategyInfo: { case: "manualStrategyInfo", value: { samplePercentage: 0.5 } },
        users: [{ id: REVIEWER_USER_ID }],
      },
    });
    expectSame(TaskSchema, built, init);
    for (const { label, json } of spellings(seeds.assignedTask)) {
      const [doc] = docTasks(json, "post");
      expect(doc, label).toBeDefined();
      expect(deprecatedTaskFields(doc!), label).toEqual([]);
      expectSame(TaskSchema, built, normalizeTask(doc!));
      // Validation names each deprecated field the docs use; once rewritten, nothing is left to say.
      expect(validateTask(doc!), label).toEqual(deprecatedTaskFields(doc!));
      expect(validateTask(normalizeTask(doc!)), label).toEqual([]);
    }
  });

  test("consensus review with weighted partitioning over three workers", () => {
    const built = labelingTask(consensusSpec());
    const init = create(TaskSchema, consensusInit());
    expectSame(TaskSchema, built, init);
    for (const { label, json } of spellings(seeds.consensusTask)) {
      const [doc] = docTasks(json, "post");
      // The docs send the deprecated approval_threshold: accepted, reported, and normalized away.
      // Validation names each deprecated field the docs use; once rewritten, nothing is left to say.
      expect(validateTask(doc!), label).toEqual(deprecatedTaskFields(doc!));
      expect(validateTask(normalizeTask(doc!)), label).toEqual([]);
      expect(deprecatedTaskFields(doc!).map((i) => i.path), label).toEqual([
        "task.review.consensusStrategyInfo.approvalThreshold",
      ]);
      expect(equals(TaskSchema, built, doc!), label).toBe(false);
      expectSame(TaskSchema, built, normalizeTask(doc!));
    }
  });

  test("auto-annotation with a model worker", () => {
    const built = autoAnnotationTask({
      name: `Auto-Annotate ${CONCEPT_ID}`,
      worker: { model: { id: MODEL_ID, versionId: MODEL_VERSION_ID } },
      concepts: [
        {
          id: CONCEPT_ID,
          annotationDataTypes: ["TAG"],
          threshold: { lower: 0.7, upper: 0.999, lowerInclusive: true, upperInclusive: true },
          statusCode: "ANNOTATION_SUCCESS",
        },
      ],
      inputSource: { type: "DATASET", id: DATASET_ID },
      sampleMs: 1000,
    });
    const init = create(TaskSchema, {
      type: 0,
      name: `Auto-Annotate ${CONCEPT_ID}`,
      worker: {
        strategy: 3,
        workers: [{ worker: { case: "model", value: { id: MODEL_ID, modelVersion: { id: MODEL_VERSION_ID } } } }],
      },
      concepts: [
        {
          concept: { id: CONCEPT_ID },
          autoAnnotationConfig: {
            annotationDataTypes: 1,
            thresholdRange: { isLowerInclusive: true, isUpperInclusive: true, lower: 0.7, upper: 0.999 },
            statusCode: StatusCode.ANNOTATION_SUCCESS,
          },
        },
      ],
      inputSource: { type: 3, id: DATASET_ID },
      sampleMs: 1000,
      review: { strategy: 1 },
    });
    expectSame(TaskSchema, built, init);
    for (const { label, json } of spellings(seeds.autoAnnotationTask)) {
      const [doc] = docTasks(json, "post");
      // Validation names each deprecated field the docs use; once rewritten, nothing is left to say.
      expect(validateTask(doc!), label).toEqual(deprecatedTaskFields(doc!));
      expect(validateTask(normalizeTask(doc!)), label).toEqual([]);
      expect(deprecatedTaskFields(doc!), label).toEqual([]);
      expectSame(TaskSchema, built, doc!);
    }
  });

  test("overwrite update with status TASK_DONE", () => {
    // The docs' update sends the whole consensus task again, with its id and the new status.
    const built = labelingTask({ ...consensusSpec(), id: TASK_ID, status: "TASK_DONE" });
    const init = create(TaskSchema, { ...consensusInit(), id: TASK_ID, status: { code: StatusCode.TASK_DONE } });
    expectSame(TaskSchema, built, init);
    for (const { label, json } of spellings(seeds.updateTask)) {
      const [doc] = docTasks(json, "patch");
      // worker.users, concept_ids and approval_threshold: all deprecated, all in the docs' example.
      // Validation names each deprecated field the docs use; once rewritten, nothing is left to say.
      expect(validateTask(doc!), label).toEqual(deprecatedTaskFields(doc!));
      expect(validateTask(normalizeTask(doc!)), label).toEqual([]);
      expect(deprecatedTaskFields(doc!).map((i) => i.path), label).toEqual([
        "task.worker.users",
        "task.conceptIds",
        "task.review.consensusStrategyInfo.approvalThreshold",
      ]);
      expectSame(TaskSchema, built, normalizeTask(doc!));
    }
  });
});

describe("seed fidelity: collectors", () => {
  test("add collector", () => {
    const built = collector({
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
    });
    const init = create(CollectorSchema, {
      id: COLLECTOR_ID,
      description: COLLECTOR_DESCRIPTION,
      preQueueWorkflowId: PRE_QUEUE_WORKFLOW_ID,
      postQueueWorkflowId: POST_QUEUE_WORKFLOW_ID,
      collectorSource: {
        apiPostModelOutputsCollectorSource: {
          modelUserId: SOURCE_MODEL_USER_ID,
          modelAppId: SOURCE_MODEL_APP_ID,
          modelId: SOURCE_MODEL_ID,
          modelVersionId: SOURCE_MODEL_VERSION_ID,
          postInputsKeyId: POST_INPUTS_KEY_ID,
        },
      },
    });
    expectSame(CollectorSchema, built, init);
    for (const { label, json } of spellings(seeds.addCollector)) {
      const [doc] = docCollectors(json, "post");
      expect(doc, label).toBeDefined();
      expectSame(CollectorSchema, built, doc!);
    }
  });

  test("update collector (partial overwrite)", () => {
    const built = collectorPatch({
      id: COLLECTOR_ID,
      description: NEW_COLLECTOR_DESCRIPTION,
      preQueueWorkflowId: NEW_PRE_QUEUE_WORKFLOW_ID,
    });
    const init = create(CollectorSchema, {
      id: COLLECTOR_ID,
      description: NEW_COLLECTOR_DESCRIPTION,
      preQueueWorkflowId: NEW_PRE_QUEUE_WORKFLOW_ID,
    });
    expectSame(CollectorSchema, built, init);
    for (const { label, json } of spellings(seeds.updateCollector)) {
      const [doc] = docCollectors(json, "patch");
      expect(validateCollectorPatch(doc!), label).toEqual([]);
      expectSame(CollectorSchema, built, doc!);
    }
  });
});
