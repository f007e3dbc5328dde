import { create } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import {
  type Task,
  TaskAIAssistantSchema,
  TaskSchema,
  TaskReviewConsensusStrategyInfoSchema,
  TaskWorkerPartitionedStrategyInfoSchema,
  TaskReviewManualStrategyInfoSchema,
  UserSchema,
  WorkerSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import { validateTask, validateTasks } from "../../src/validation/index.js";

// A valid consensus task over three user workers; each test breaks one thing.
function consensusTask(): Task {
  return create(TaskSchema, {
    type: 1,
    name: "Annotate water",
    worker: {
      strategy: 2,
      workers: ["u1", "u2", "u3"].map((id) => ({ worker: { case: "user" as const, value: { id } } })),
      strategyInfo: {
        case: "partitionedStrategyInfo",
        value: { type: 2, workersPerInput: 3, weights: { u1: 1, u2: 1, u3: 1 } },
      },
    },
    concepts: [{ concept: { id: "water" } }],
    inputSource: { type: 1 },
    review: {
      strategy: 3,
      strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 2 } },
      users: [{ id: "r1" }],
    },
  });
}

function autoTask(): Task {
  return create(TaskSchema, {
    type: 0,
    name: "Auto",
    worker: { strategy: 3, workers: [{ worker: { case: "model", value: { id: "m", modelVersion: { id: "v" } } } }] },
    concepts: [
      {
        concept: { id: "water" },
        autoAnnotationConfig: {
          annotationDataTypes: 34,
          thresholdRange: { lower: 0.5, upper: 0.9, isLowerInclusive: true, isUpperInclusive: true },
          statusCode: 24150,
        },
      },
    ],
    inputSource: { type: 3, id: "ds" },
    review: { strategy: 1 },
  });
}

// A number outside an enum, as a decoded message from another client may carry (TypeScript refuses the literal).
const notInEnum = (n: number): never => n as never;
const userWorker = (id: string) => create(WorkerSchema, { worker: { case: "user", value: { id } } });
const partition = (t: Task) => {
  if (t.worker?.strategyInfo.case !== "partitionedStrategyInfo") throw new Error("fixture");
  return t.worker.strategyInfo.value;
};
const consensus = (t: Task) => {
  if (t.review?.strategyInfo.case !== "consensusStrategyInfo") throw new Error("fixture");
  return t.review.strategyInfo.value;
};

describe("valid tasks", () => {
  test("the fixtures are valid", () => {
    expect(validateTask(consensusTask())).toEqual([]);
    expect(validateTask(autoTask())).toEqual([]);
  });
});

describe("enum values must be known", () => {
  test("task type", () => {
    const t = consensusTask();
    t.type = notInEnum(9);
    expect(validateTask(t)).toEqual([
      {
        path: "task.type",
        message: "type 9 is not a TaskType (TYPE_NOT_SET, CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION, POLYGON_DETECTION)",
      },
    ]);
  });
  test("worker strategy (1 is reserved upstream)", () => {
    const t = consensusTask();
    t.worker!.strategy = notInEnum(1);
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.strategy",
      message: "strategy 1 is not a TaskWorkerStrategy (WORKER_STRATEGY_NOT_SET, PARTITIONED, FULL, DYNAMIC)",
    });
  });
  test("input source type", () => {
    const t = consensusTask();
    t.inputSource!.type = notInEnum(7);
    expect(validateTask(t)).toEqual([
      {
        path: "task.inputSource.type",
        message: "type 7 is not a TaskInputSourceType (INPUT_SOURCE_TYPE_NOT_SET, ALL_INPUTS, SAVED_SEARCH, DATASET)",
      },
    ]);
  });
  test("review strategy", () => {
    const t = consensusTask();
    t.review!.strategy = notInEnum(4);
    expect(validateTask(t)).toEqual([
      {
        path: "task.review.strategy",
        message: "strategy 4 is not a TaskReviewStrategy (TASK_REVIEW_STRATEGY_NOT_SET, NONE, MANUAL, CONSENSUS)",
      },
    ]);
  });
  test("partition type", () => {
    const t = consensusTask();
    partition(t).type = notInEnum(3);
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.partitionedStrategyInfo.type",
      message: "type 3 is not a TaskWorkerPartitionedStrategy (PARTITIONED_WORKER_STRATEGY_NOT_SET, EVENLY, WEIGHTED)",
    });
  });
  test("partition type must be set", () => {
    const t = consensusTask();
    partition(t).type = 0;
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.partitionedStrategyInfo.type",
      message: "partitioned strategy type must be EVENLY or WEIGHTED",
    });
  });
});

describe("workers", () => {
  test("auto-annotation: exactly one worker", () => {
    const t = autoTask();
    t.worker!.workers.push(create(WorkerSchema, { worker: { case: "workflow", value: { id: "wf" } } }));
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.workers",
        message: "an auto-annotation task (type TYPE_NOT_SET) needs exactly one worker, a model or a workflow; it has 2",
      },
    ]);
  });
  test("auto-annotation: no worker at all", () => {
    const t = autoTask();
    t.worker = undefined;
    expect(validateTask(t).map((i) => i.path)).toEqual(["task.worker.workers"]);
  });
  test("auto-annotation: a user worker is refused", () => {
    const t = autoTask();
    t.worker!.workers = [userWorker("u1")];
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.workers[0].user",
        message:
          "an auto-annotation task (type TYPE_NOT_SET) takes a model or workflow worker, not a user; set a task type such as CONCEPTS_CLASSIFICATION for human labeling",
      },
    ]);
  });
  test("auto-annotation: a workflow worker is fine", () => {
    const t = autoTask();
    t.worker!.workers = [create(WorkerSchema, { worker: { case: "workflow", value: { id: "wf" } } })];
    expect(validateTask(t)).toEqual([]);
  });
  test("labeling: only user workers", () => {
    const t = consensusTask();
    t.worker!.workers[1] = create(WorkerSchema, { worker: { case: "model", value: { id: "m" } } });
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.workers[1].model",
      message:
        "a CONCEPTS_CLASSIFICATION task takes user workers only; a model worker makes an auto-annotation task, which has type TYPE_NOT_SET",
    });
  });
  test("labeling: at least one worker", () => {
    const t = consensusTask();
    t.worker!.workers = [];
    t.worker!.strategyInfo = { case: undefined };
    t.worker!.strategy = 4;
    expect(validateTask(t)).toEqual([
      { path: "task.worker.workers", message: "a CONCEPTS_CLASSIFICATION task needs at least one user worker" },
    ]);
  });
  test("an empty worker (no oneof case)", () => {
    const t = consensusTask();
    t.worker!.workers[0] = create(WorkerSchema, {});
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.workers[0]",
      message: "a worker must be a user, a model or a workflow; this one is empty",
    });
  });
  test("a worker without id", () => {
    const t = consensusTask();
    t.worker!.workers[0] = userWorker("");
    expect(validateTask(t)).toContainEqual({ path: "task.worker.workers[0].user.id", message: "a user worker needs an id" });
  });
  test("no duplicate workers", () => {
    const t = consensusTask();
    t.worker!.workers[2] = userWorker("u1");
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.workers[2].user",
      message: 'duplicate worker: user "u1" is already listed at task.worker.workers[0].user',
    });
  });
  test("two versions of one model are not duplicates (but still two workers)", () => {
    const t = autoTask();
    t.worker!.workers.push(
      create(WorkerSchema, { worker: { case: "model", value: { id: "m", modelVersion: { id: "v2" } } } }),
    );
    expect(validateTask(t).map((i) => i.message).join()).not.toContain("duplicate");
  });
});

describe("partitioning", () => {
  test("PARTITIONED needs partitionedStrategyInfo", () => {
    const t = consensusTask();
    t.worker!.strategyInfo = { case: undefined };
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo",
        message: "a PARTITIONED worker strategy needs partitionedStrategyInfo (type EVENLY or WEIGHTED, and workersPerInput)",
      },
    ]);
  });
  test("partitionedStrategyInfo only with PARTITIONED", () => {
    const t = consensusTask();
    t.worker!.strategy = 4;
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.partitionedStrategyInfo",
      message: "partitionedStrategyInfo belongs to the PARTITIONED strategy, not DYNAMIC",
    });
  });
  test("workersPerInput >= 1", () => {
    const t = consensusTask();
    partition(t).workersPerInput = 0;
    expect(validateTask(t)).toContainEqual({
      path: "task.worker.partitionedStrategyInfo.workersPerInput",
      message: "workersPerInput must be at least 1; it is 0",
    });
  });
  test("workersPerInput <= number of workers", () => {
    const t = consensusTask();
    partition(t).workersPerInput = 4;
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.workersPerInput",
        message: "workersPerInput 4 is more than the 3 worker(s) of the task",
      },
    ]);
  });
  test("WEIGHTED needs weights", () => {
    const t = consensusTask();
    partition(t).weights = undefined;
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.weights",
        message: "WEIGHTED partitioning needs weights: a map from each worker's user id to a number > 0",
      },
    ]);
  });
  test("every worker needs a weight", () => {
    const t = consensusTask();
    partition(t).weights = { u1: 1, u2: 1 };
    partition(t).workersPerInput = 2;
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.weights.u3",
        message: 'worker "u3" has no weight; WEIGHTED partitioning needs one for every worker',
      },
    ]);
  });
  test("weights only for listed workers (odd keys are quoted)", () => {
    const t = consensusTask();
    partition(t).weights = { u1: 1, u2: 1, u3: 1, "user 9": 1 };
    expect(validateTask(t)).toContainEqual({
      path: 'task.worker.partitionedStrategyInfo.weights["user 9"]',
      message: 'a weight is given for "user 9", who is not a worker of the task',
    });
  });
  test.each([
    [0, "0"],
    [-1, "-1"],
    ["1", '"1"'],
    [null, "null"],
    [Number.NaN, "NaN"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
    [-1n, "-1n"],
  ])("a weight must be a number > 0 (%s), and the message shows what was given", (w, shown) => {
    const t = consensusTask();
    partition(t).weights = { u1: 1, u2: w as number, u3: 1 };
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.weights.u2",
        message: `a weight must be a number > 0; it is ${shown}`,
      },
    ]);
  });
  test("no share above 1/workersPerInput", () => {
    const t = consensusTask();
    partition(t).weights = { u1: 1, u2: 1, u3: 2 };
    partition(t).workersPerInput = 2;
    // u3: 2/4 = 50% = 1/2: allowed.
    expect(validateTask(t)).toEqual([]);
    partition(t).weights = { u1: 1, u2: 1, u3: 3 };
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.weights.u3",
        message: 'worker "u3" would get 60% of the inputs, more than 1/workersPerInput = 50%',
      },
    ]);
  });
  test("EVENLY takes no weights", () => {
    const t = consensusTask();
    partition(t).type = 1;
    expect(validateTask(t)).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.weights",
        message: "weights only apply to WEIGHTED partitioning; EVENLY shares the inputs equally",
      },
    ]);
    partition(t).weights = undefined;
    expect(validateTask(t)).toEqual([]);
  });
});

describe("concepts", () => {
  test("concept ids non-empty", () => {
    const t = consensusTask();
    t.concepts[0]!.concept!.id = "";
    expect(validateTask(t)).toEqual([{ path: "task.concepts[0].concept.id", message: "a concept id must not be empty" }]);
  });
  test("a task concept needs a concept", () => {
    const t = consensusTask();
    t.concepts[0]!.concept = undefined;
    expect(validateTask(t)).toEqual([{ path: "task.concepts[0].concept", message: "a task concept needs a concept with an id" }]);
  });
  test("no duplicate concepts", () => {
    const t = consensusTask();
    t.concepts.push(t.concepts[0]!);
    expect(validateTask(t)).toEqual([
      { path: "task.concepts[1].concept.id", message: 'duplicate concept "water": already listed at task.concepts[0].concept.id' },
    ]);
  });
  test("annotationDataTypes: only known bits", () => {
    const t = autoTask();
    t.concepts[0]!.autoAnnotationConfig!.annotationDataTypes = 64 | 1;
    expect(validateTask(t)).toEqual([
      {
        path: "task.concepts[0].autoAnnotationConfig.annotationDataTypes",
        message:
          "annotationDataTypes 65 has bits that are not AnnotationDataType values (TAG=1, BOUNDING_BOX=2, POLYGON=4, POINT=8, SPAN=16, MASK=32)",
      },
    ]);
  });
  test("threshold range: lower <= upper", () => {
    const t = autoTask();
    const r = t.concepts[0]!.autoAnnotationConfig!.thresholdRange!;
    r.lower = 0.9;
    r.upper = 0.5;
    expect(validateTask(t)).toEqual([
      { path: "task.concepts[0].autoAnnotationConfig.thresholdRange", message: "lower (0.9) must not be greater than upper (0.5)" },
    ]);
  });
  test("threshold range: within [0, 1]", () => {
    const t = autoTask();
    const r = t.concepts[0]!.autoAnnotationConfig!.thresholdRange!;
    r.lower = -0.1;
    r.upper = 1.5;
    expect(validateTask(t)).toEqual([
      { path: "task.concepts[0].autoAnnotationConfig.thresholdRange.lower", message: "lower must be within [0, 1]; it is -0.1" },
      { path: "task.concepts[0].autoAnnotationConfig.thresholdRange.upper", message: "upper must be within [0, 1]; it is 1.5" },
    ]);
    r.lower = 0;
    r.upper = 1;
    expect(validateTask(t)).toEqual([]);
  });
  test("status code must be a StatusCode", () => {
    const t = autoTask();
    t.concepts[0]!.autoAnnotationConfig!.statusCode = notInEnum(12345678);
    expect(validateTask(t)).toEqual([
      {
        path: "task.concepts[0].autoAnnotationConfig.statusCode",
        message: "statusCode 12345678 is not a StatusCode value (e.g. ANNOTATION_SUCCESS = 24150)",
      },
    ]);
  });
});

describe("input source", () => {
  test.each([
    [3, "a DATASET input source needs the dataset id"],
    [2, "a SAVED_SEARCH input source needs the saved search id"],
  ])("type %i needs an id", (type, message) => {
    const t = consensusTask();
    t.inputSource!.type = type;
    expect(validateTask(t)).toEqual([{ path: "task.inputSource.id", message }]);
    t.inputSource!.id = "x";
    expect(validateTask(t)).toEqual([]);
  });
});

describe("review", () => {
  test("CONSENSUS needs approvalThresholdLabelers", () => {
    const t = consensusTask();
    consensus(t).approvalThresholdLabelers = 0;
    const expected = [
      {
        path: "task.review.consensusStrategyInfo.approvalThresholdLabelers",
        message: "a CONSENSUS review needs approvalThresholdLabelers > 0: how many labelers must agree before a label is accepted",
      },
    ];
    expect(validateTask(t)).toEqual(expected);
    t.review!.strategyInfo = { case: undefined };
    expect(validateTask(t)).toEqual(expected);
  });
  test("the deprecated approvalThreshold satisfies CONSENSUS", () => {
    const t = consensusTask();
    t.review!.strategyInfo = {
      case: "consensusStrategyInfo",
      value: create(TaskReviewConsensusStrategyInfoSchema, { approvalThreshold: 2 }),
    };
    expect(validateTask(t, "task", { deprecated: "accept" })).toEqual([]);
  });
  test("deprecated and current thresholds must agree", () => {
    const t = consensusTask();
    consensus(t).approvalThreshold = 3;
    expect(validateTask(t, "task", { deprecated: "accept" })).toEqual([
      {
        path: "task.review.consensusStrategyInfo.approvalThreshold",
        message: "the deprecated approvalThreshold (3) contradicts approvalThresholdLabelers (2); set approvalThresholdLabelers only",
      },
    ]);
  });
  test("threshold cannot exceed the number of workers", () => {
    const t = consensusTask();
    consensus(t).approvalThresholdLabelers = 4;
    expect(validateTask(t)).toEqual([
      {
        path: "task.review.consensusStrategyInfo.approvalThresholdLabelers",
        message: "an approval threshold of 4 labelers can never be reached with 3 worker(s)",
      },
    ]);
  });
  test.each([[-0.1], [1.5], [Number.NaN]])("MANUAL samplePercentage within [0, 1] (%d)", (p) => {
    const t = consensusTask();
    t.review!.strategy = 2;
    t.review!.strategyInfo = {
      case: "manualStrategyInfo",
      value: create(TaskReviewManualStrategyInfoSchema, { samplePercentage: p }),
    };
    expect(validateTask(t)).toEqual([
      {
        path: "task.review.manualStrategyInfo.samplePercentage",
        message: `samplePercentage is a fraction within [0, 1] (0.5 = half); it is ${p}`,
      },
    ]);
  });
  test("MANUAL samplePercentage bounds are inclusive", () => {
    const t = consensusTask();
    t.review!.strategy = 2;
    for (const p of [0, 1]) {
      t.review!.strategyInfo = {
        case: "manualStrategyInfo",
        value: create(TaskReviewManualStrategyInfoSchema, { samplePercentage: p }),
      };
      expect(validateTask(t)).toEqual([]);
    }
  });
  test("strategy info must match the strategy", () => {
    const t = consensusTask();
    t.review!.strategy = 1;
    expect(validateTask(t)).toEqual([
      {
        path: "task.review.consensusStrategyInfo",
        message: "consensusStrategyInfo belongs to the CONSENSUS review strategy, not NONE",
      },
    ]);
  });
  test("reviewers: ids present and not repeated", () => {
    const t = consensusTask();
    t.review!.users.push(create(UserSchema, { id: "" }), create(UserSchema, { id: "r1" }));
    expect(validateTask(t)).toEqual([
      { path: "task.review.users[1].id", message: "a reviewer needs a user id" },
      { path: "task.review.users[2].id", message: 'duplicate reviewer "r1": already listed at task.review.users[0].id' },
    ]);
  });
});

describe("AI assistant", () => {
  test("the deprecated workflowId may stand alone, but not contradict workflow.id", () => {
    const alone = consensusTask();
    alone.aiAssistant = create(TaskAIAssistantSchema, { workflowId: "assist" });
    expect(validateTask(alone, "task", { deprecated: "accept" })).toEqual([]);
    const same = consensusTask();
    same.aiAssistant = create(TaskAIAssistantSchema, { workflowId: "assist", workflow: { id: "assist" } });
    expect(validateTask(same, "task", { deprecated: "accept" })).toEqual([]);
    const mixed = consensusTask();
    mixed.aiAssistant = create(TaskAIAssistantSchema, { workflowId: "old", workflow: { id: "new" } });
    expect(validateTask(mixed, "task", { deprecated: "accept" })).toEqual([
      {
        path: "task.aiAssistant.workflowId",
        message: 'the deprecated aiAssistant.workflowId ("old") contradicts aiAssistant.workflow.id ("new"); set aiAssistant.workflow only',
      },
    ]);
  });
});

describe("batches and paths", () => {
  test("validateTasks names items tasks[i]", () => {
    const bad = consensusTask();
    consensus(bad).approvalThresholdLabelers = 0;
    expect(validateTasks([consensusTask(), bad]).map((i) => i.path)).toEqual([
      "tasks[1].review.consensusStrategyInfo.approvalThresholdLabelers",
    ]);
  });
  test("an id an earlier task of the batch has is an issue at the later one; ids left empty are not compared", () => {
    const [a, b, c, d] = [consensusTask(), consensusTask(), consensusTask(), consensusTask()];
    a.id = "same";
    c.id = "same";
    expect(validateTasks([a, b, c, d])).toEqual([{ path: "tasks[2].id", message: 'duplicate task id "same": already used by tasks[0]' }]);
    // Init objects too, as the client's create and update take them.
    expect(validateTasks([{ ...a, $typeName: undefined }, { ...c, $typeName: undefined }] as never).map((i) => i.path)).toEqual(["tasks[1].id"]);
  });
  test("a custom root path", () => {
    const t = consensusTask();
    t.type = notInEnum(9);
    expect(validateTask(t, "request.tasks[3]")[0]?.path).toBe("request.tasks[3].type");
  });
  test("every issue is reported, not only the first", () => {
    const t = consensusTask();
    t.type = notInEnum(9);
    t.inputSource!.type = 3;
    consensus(t).approvalThresholdLabelers = 0;
    expect(validateTask(t).map((i) => i.path)).toEqual([
      "task.type",
      "task.inputSource.id",
      "task.review.consensusStrategyInfo.approvalThresholdLabelers",
    ]);
  });
  test("the input is not modified", () => {
    const t = consensusTask();
    const before = create(TaskWorkerPartitionedStrategyInfoSchema, partition(t));
    validateTask(t);
    expect(partition(t)).toEqual(before);
  });
});
