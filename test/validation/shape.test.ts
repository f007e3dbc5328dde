// Init objects written the way the REST docs write JSON: what validation says about each mistake, and
// that what it says to write is valid. `create` silently drops unknown keys and flat oneof cases, so
// these are checked on the caller's own object.
import { create } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import {
  CollectorSchema,
  Task_TaskType,
  TaskSchema,
  TaskWorker_TaskWorkerStrategy,
  TaskInputSource_TaskInputSourceType,
} from "../../gen/clarifai/api/resources_pb.js";
import { ListCollectorsRequestSchema, ListTasksRequestSchema } from "../../gen/clarifai/api/service_pb.js";
import { validateCollector, validateCollectorPatch, validateListParams, validateTask, validateTasks } from "../../src/validation/index.js";

// What a JavaScript caller (or a TypeScript one with a cast) hands over: anything.
const raw = (init: object): never => init as never;

// A valid assigned task as an init object; each test writes one part of it the REST way.
const valid = {
  name: "Annotate water",
  type: Task_TaskType.CONCEPTS_CLASSIFICATION,
  worker: { strategy: TaskWorker_TaskWorkerStrategy.DYNAMIC, workers: [{ worker: { case: "user" as const, value: { id: "worker-1" } } }] },
  concepts: [{ concept: { id: "water" } }],
  inputSource: { type: TaskInputSource_TaskInputSourceType.ALL_INPUTS },
};

describe("an enum value given by name", () => {
  test("says to use the enum constant or a builder, instead of contradicting itself", () => {
    const issues = validateTasks([raw({ ...valid, type: "CONCEPTS_CLASSIFICATION" })]);
    expect(issues).toEqual([
      {
        path: "tasks[0].type",
        message:
          'type is the name "CONCEPTS_CLASSIFICATION"; an init object takes the enum value Task_TaskType.CONCEPTS_CLASSIFICATION, or build the task with labelingTask() or autoAnnotationTask(), which take names',
      },
    ]);
    // The message of the past: "type CONCEPTS_CLASSIFICATION is not a TaskType (TYPE_NOT_SET, CONCEPTS_CLASSIFICATION, …)".
    expect(JSON.stringify(issues)).not.toMatch(/is not a TaskType/);
  });
  test("is reported the same on the message create() makes of it (create copies the string)", () => {
    const message = create(TaskSchema, raw({ ...valid, worker: { ...valid.worker, strategy: "DYNAMIC" } }));
    expect(validateTask(message)).toEqual([
      {
        path: "task.worker.strategy",
        message:
          'strategy is the name "DYNAMIC"; an init object takes the enum value TaskWorker_TaskWorkerStrategy.DYNAMIC, or build the task with labelingTask() or autoAnnotationTask(), which take names',
      },
    ]);
  });
  test("nested enums of other files are named as imported (StatusCode)", () => {
    expect(validateTask(raw({ ...valid, status: { code: "TASK_DONE" } }))).toEqual([
      {
        path: "task.status.code",
        message:
          'code is the name "TASK_DONE"; an init object takes the enum value StatusCode.TASK_DONE, or build the task with labelingTask() or autoAnnotationTask(), which take names',
      },
    ]);
  });
  test("a misspelled name gets the constant most likely meant", () => {
    expect(validateTask(raw({ ...valid, type: "CONCEPT_CLASSIFICATION" }))).toEqual([
      {
        path: "task.type",
        message:
          'type "CONCEPT_CLASSIFICATION" is not a value of TaskType (TYPE_NOT_SET, CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION, POLYGON_DETECTION); did you mean Task_TaskType.CONCEPTS_CLASSIFICATION?',
      },
    ]);
    expect(validateTask(raw({ ...valid, type: "SEGMENTATION" }))).toEqual([
      {
        path: "task.type",
        message:
          'type "SEGMENTATION" is not a value of TaskType (TYPE_NOT_SET, CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION, POLYGON_DETECTION); write a value such as Task_TaskType.CONCEPTS_CLASSIFICATION',
      },
    ]);
  });
  test("the advice is right: the constant makes the task valid", () => {
    expect(validateTask({ ...valid, type: Task_TaskType.CONCEPTS_CLASSIFICATION })).toEqual([]);
  });
});

describe("a oneof written flat, as REST JSON writes it", () => {
  test("a worker { user: { id } } shows the { worker: { case, value } } form, and is not also called empty", () => {
    const issues = validateTasks([raw({ ...valid, worker: { strategy: 4, workers: [{ user: { id: "worker-1" } }] } })]);
    expect(issues).toEqual([
      {
        path: "tasks[0].worker.workers[0].user",
        message: 'user is a case of the oneof worker: write worker: { case: "user", value: { id: "worker-1" } }',
      },
    ]);
  });
  test("the oneof's name with the case inside it", () => {
    expect(validateTask(raw({ ...valid, worker: { strategy: 4, workers: [{ worker: { user: { id: "w" } } }] } }))).toEqual([
      { path: "task.worker.workers[0].worker", message: 'worker is a oneof: write worker: { case: "user", value: { id: "w" } }' },
    ]);
    expect(validateTask(raw({ ...valid, worker: { strategy: 4, workers: [{ worker: { id: "w" } }] } }))).toEqual([
      {
        path: "task.worker.workers[0].worker",
        message: 'worker is a oneof: write worker: { case: "user", value: … } (case is one of user, model, workflow)',
      },
    ]);
  });
  test("partitionedStrategyInfo beside the strategy, and a case name that is not one", () => {
    const worker = { strategy: 2, workers: valid.worker.workers, partitionedStrategyInfo: { type: 1, workersPerInput: 1 } };
    expect(validateTask(raw({ ...valid, worker }))).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo",
        message:
          'partitionedStrategyInfo is a case of the oneof strategyInfo: write strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput: 1 } }',
      },
    ]);
    const typo = { strategy: 4, workers: [{ worker: { case: "usr", value: { id: "w" } } }] };
    expect(validateTask(raw({ ...valid, worker: typo }))).toEqual([
      { path: "task.worker.workers[0].worker", message: 'case "usr" is not a case of the oneof worker (user, model, workflow); did you mean "user"?' },
    ]);
  });
  test("partitionedStrategyInfo (and samplePercentage) at the wrong level point to where they belong", () => {
    expect(validateTask(raw({ ...valid, partitionedStrategyInfo: { type: 1, workersPerInput: 1 }, samplePercentage: 0.5 }))).toEqual([
      {
        path: "task.partitionedStrategyInfo",
        message:
          'partitionedStrategyInfo is not a field of Task; it belongs deeper: worker: { strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput: 1 } } }',
      },
      {
        path: "task.samplePercentage",
        message:
          'samplePercentage is not a field of Task; it belongs deeper: review: { strategyInfo: { case: "manualStrategyInfo", value: { samplePercentage: 0.5 } } }',
      },
    ]);
  });
  test("the advice is right: the written form is a valid task", () => {
    const worker = { strategy: 2, workers: valid.worker.workers, strategyInfo: { case: "partitionedStrategyInfo" as const, value: { type: 1, workersPerInput: 1 } } };
    expect(validateTask({ ...valid, worker })).toEqual([]);
  });
});

describe("a key that is not a field", () => {
  test("snake_case names the camelCase field, and fromJson for REST JSON", () => {
    const { inputSource, ...rest } = valid;
    expect(validateTasks([raw({ ...rest, input_source: inputSource })])).toEqual([
      {
        path: "tasks[0].input_source",
        message:
          'unknown field "input_source" in Task: init objects use camelCase names, so write inputSource (to send REST JSON as the docs write it, parse it with fromJson(TaskSchema, json))',
      },
    ]);
  });
  test("a snake_case oneof case names the oneof form", () => {
    expect(validateTask(raw({ ...valid, worker: { ...valid.worker, strategy: 2, partitioned_strategy_info: { type: 1 } } }))).toContainEqual({
      path: "task.worker.partitioned_strategy_info",
      message:
        'unknown field "partitioned_strategy_info" in TaskWorker: init objects use camelCase names, so write strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1 } } (to send REST JSON as the docs write it, parse it with fromJson(TaskWorkerSchema, json))',
    });
  });
  test("a typo names the field most likely meant", () => {
    expect(validateTask(raw({ ...valid, smapleMs: 1000 }))).toEqual([
      { path: "task.smapleMs", message: 'unknown field "smapleMs" in Task; did you mean sampleMs?' },
    ]);
  });
  test("nothing close: says it would be dropped", () => {
    expect(validateTask(raw({ ...valid, colour: "blue" }))).toEqual([
      { path: "task.colour", message: 'unknown field "colour" in Task: Task has no such field, and it would be dropped before sending' },
    ]);
  });
  test("a field the rules need, misspelled, is not also reported missing", () => {
    const c = raw({ id: "c1", pre_queue_workflow_id: "wf", collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } } });
    expect(validateCollector(c)).toEqual([
      {
        path: "collector.pre_queue_workflow_id",
        message:
          'unknown field "pre_queue_workflow_id" in Collector: init objects use camelCase names, so write preQueueWorkflowId (to send REST JSON as the docs write it, parse it with fromJson(CollectorSchema, json))',
      },
    ]);
  });
  test("keys of a message that a spread added are found too", () => {
    const message = create(TaskSchema, valid);
    expect(validateTask(raw({ ...message, review_users: ["r1"] })).map((i) => i.path)).toEqual(["task.review_users"]);
  });
});

describe("values of the wrong type or out of range", () => {
  test("numbers that the encoder would refuse as invalid uint32 / int32 / float", () => {
    expect(validateTask(raw({ ...valid, sampleMs: -1 }))).toEqual([
      { path: "task.sampleMs", message: "sampleMs must be a whole number from 0 to 4294967295 (uint32); it is -1" },
    ]);
    expect(validateTask(raw({ ...valid, sampleMs: 1.5 }))).toEqual([
      { path: "task.sampleMs", message: "sampleMs must be a whole number from 0 to 4294967295 (uint32); it is 1.5" },
    ]);
    const info = (workersPerInput: number) => ({ ...valid.worker, strategy: 2, strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput } } });
    expect(validateTask(raw({ ...valid, worker: info(2 ** 31) }))).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.workersPerInput",
        message: "workersPerInput must be a whole number from -2147483648 to 2147483647 (int32); it is 2147483648",
      },
    ]);
    const threshold = { lower: 0.5, upper: 1e39 };
    const concepts = [{ concept: { id: "water" }, autoAnnotationConfig: { thresholdRange: threshold } }];
    expect(validateTask(raw({ ...valid, concepts }))).toContainEqual({
      path: "task.concepts[0].autoAnnotationConfig.thresholdRange.upper",
      message: "upper is beyond the range of a float (±3.4028234663852886e+38); it is 1e+39",
    });
  });
  test("the same numbers on a message (create copies them as given)", () => {
    const message = create(TaskSchema, { ...valid, sampleMs: -1 });
    expect(validateTask(message)).toEqual([
      { path: "task.sampleMs", message: "sampleMs must be a whole number from 0 to 4294967295 (uint32); it is -1" },
    ]);
  });
  test("strings for numbers, non-arrays for lists, non-objects for messages, Dates for Timestamps", () => {
    expect(validateTask(raw({ ...valid, sampleMs: "1000", concepts: ["water"], createdAt: new Date(0), deletePreviousAnnotations: 1 }))).toEqual([
      { path: "task.concepts[0]", message: 'concepts[0] must be a TaskConcept object; it is the string "water"' },
      { path: "task.sampleMs", message: 'sampleMs must be a number (uint32); it is the string "1000"' },
      { path: "task.createdAt", message: "createdAt must be a Timestamp object; it is a Date" },
      { path: "task.deletePreviousAnnotations", message: "deletePreviousAnnotations must be true or false; it is the number 1" },
    ]);
    expect(validateTask(raw({ ...valid, worker: { ...valid.worker, workers: { worker: { case: "user", value: { id: "w" } } } } }))).toEqual([
      { path: "task.worker.workers", message: "workers is a repeated field and must be an array; it is an object" },
    ]);
  });
  test("a message of another type where one is expected", () => {
    const user = { $typeName: "clarifai.api.User", id: "w" };
    expect(validateTask(raw({ ...valid, inputSource: user }))).toEqual([
      { path: "task.inputSource", message: "inputSource must be a TaskInputSource; it is a clarifai.api.User message" },
    ]);
  });
  test("Struct weights must be a plain object", () => {
    const worker = { ...valid.worker, strategy: 2, strategyInfo: { case: "partitionedStrategyInfo", value: { type: 2, workersPerInput: 1, weights: [1] } } };
    expect(validateTask(raw({ ...valid, worker }))).toContainEqual({
      path: "task.worker.partitionedStrategyInfo.weights",
      message: "weights is a google.protobuf.Struct, written as a plain JSON object; it is an array",
    });
  });
  test("a collector's sample must be a number", () => {
    const c = { id: "c1", preQueueWorkflowId: "wf", preQueueRandomSample: "0.5", collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } } };
    expect(validateCollectorPatch(raw(c))).toEqual([
      { path: "collector.preQueueRandomSample", message: 'preQueueRandomSample must be a number (float); it is the string "0.5"' },
    ]);
    expect(validateCollector(create(CollectorSchema, { ...c, preQueueRandomSample: 0.5 }))).toEqual([]);
  });
});

describe("documented ranges", () => {
  test("approvalThresholdReviewers is 1, -1 or unset (upstream allows only these)", () => {
    const review = (approvalThresholdReviewers: number) => ({
      strategy: 3,
      strategyInfo: { case: "consensusStrategyInfo" as const, value: { approvalThresholdLabelers: 1, approvalThresholdReviewers } },
    });
    for (const ok of [0, 1, -1]) expect(validateTask({ ...valid, review: review(ok) })).toEqual([]);
    expect(validateTask({ ...valid, review: review(2) })).toEqual([
      {
        path: "task.review.consensusStrategyInfo.approvalThresholdReviewers",
        message: "approvalThresholdReviewers must be 1 (one reviewer approves), -1 (every reviewer) or 0 (not set, read as 1); it is 2",
      },
    ]);
  });
  test("AI assist thresholds are prediction scores within [0, 1], min not above max", () => {
    expect(validateTask({ ...valid, aiAssistParams: { minThreshold: 0.2, maxThreshold: 0.9 } })).toEqual([]);
    expect(validateTask({ ...valid, aiAssistParams: { minThreshold: 0.2 } })).toEqual([]);
    expect(validateTask({ ...valid, aiAssistParams: { minThreshold: -0.5, maxThreshold: 1.5 } })).toEqual([
      { path: "task.aiAssistParams.minThreshold", message: "minThreshold is a prediction score within [0, 1]; it is -0.5" },
      { path: "task.aiAssistParams.maxThreshold", message: "maxThreshold is a prediction score within [0, 1]; it is 1.5" },
    ]);
    expect(validateTask({ ...valid, aiAssistParams: { minThreshold: 0.9, maxThreshold: 0.2 } })).toEqual([
      { path: "task.aiAssistParams", message: "minThreshold (0.9) must not be greater than maxThreshold (0.2)" },
    ]);
  });
});

describe("validateListParams", () => {
  test("valid paging and filters have no issues", () => {
    expect(validateListParams(ListTasksRequestSchema, {})).toEqual([]);
    expect(validateListParams(ListTasksRequestSchema, { page: 2, perPage: 1000, workerUserIds: ["w"] })).toEqual([]);
    expect(validateListParams(ListCollectorsRequestSchema, { page: 1, perPage: 1 })).toEqual([]);
  });
  test("perPage: -1 is named before sending, instead of an INTERNAL 'invalid uint32' from the encoder", () => {
    expect(validateListParams(ListTasksRequestSchema, { perPage: -1 })).toEqual([
      { path: "perPage", message: "perPage must be from 1 to 1000 (the API's maximum; leave it out for the default, 128); it is -1" },
    ]);
  });
  test("each bound, both fields", () => {
    const messages = (params: object) => validateListParams(ListCollectorsRequestSchema, raw(params)).map((i) => `${i.path}: ${i.message}`);
    expect(messages({ perPage: 0 })).toEqual(["perPage: perPage must be from 1 to 1000 (the API's maximum; leave it out for the default, 128); it is 0"]);
    expect(messages({ perPage: 1001 })).toEqual(["perPage: perPage must be from 1 to 1000 (the API's maximum; leave it out for the default, 128); it is 1001"]);
    expect(messages({ perPage: 2.5 })).toEqual(["perPage: perPage must be a whole number from 0 to 4294967295 (uint32); it is 2.5"]);
    expect(messages({ page: 0 })).toEqual(["page: page counts from 1 (leave it out for the first page); it is 0"]);
    expect(messages({ page: -3, perPage: "10" })).toEqual([
      'perPage: perPage must be a number (uint32); it is the string "10"',
      "page: page counts from 1 (leave it out for the first page); it is -3",
    ]);
    expect(messages({ page: 2 ** 32 })).toEqual(["page: page must be a whole number from 0 to 4294967295 (uint32); it is 4294967296"]);
  });
  test("unknown keys and wrong types in the filters", () => {
    expect(validateListParams(ListTasksRequestSchema, raw({ per_page: 10, workerUserIds: "w1", reviewerUserIds: ["r"] }))).toEqual([
      {
        path: "per_page",
        message:
          'unknown field "per_page" in ListTasksRequest: init objects use camelCase names, so write perPage (to send REST JSON as the docs write it, parse it with fromJson(ListTasksRequestSchema, json))',
      },
      { path: "workerUserIds", message: 'workerUserIds is a repeated field and must be an array; it is the string "w1"' },
      { path: "reviewerUserIds", message: 'unknown field "reviewerUserIds" in ListTasksRequest; did you mean reviewUserIds?' },
    ]);
  });
  test("a path prefix names the parameters", () => {
    expect(validateListParams(ListTasksRequestSchema, { perPage: 0 }, "params").map((i) => i.path)).toEqual(["params.perPage"]);
  });
});
