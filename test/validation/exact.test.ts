// The documented rules, issue by issue: for tasks and collectors that each break (or just meet) one
// rule, the exact list of issues — path and message — a caller gets, so that a changed path, a lost
// message or an extra issue is noticed. And normalizeTask's rewriting of the deprecated fields, exactly.
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CollectorSchema, TaskSchema, type Task } from "../../gen/clarifai/api/resources_pb.js";
import { ValidationError } from "../../src/errors.js";
import {
  deprecatedTaskFields,
  normalizeTask,
  throwIfInvalid,
  validateCollectorPatches,
  validateCollectors,
  validateTask,
} from "../../src/validation/index.js";

/** The plain-object form of a message init (not a message). */
type Init<S extends DescMessage> = Exclude<MessageInitShape<S>, { $typeName: string }>;
type TaskInit = Init<typeof TaskSchema>;
type WorkerInit = NonNullable<NonNullable<TaskInit["worker"]>["workers"]>[number];

const user = (id: string): WorkerInit => ({ worker: { case: "user", value: { id } } });
const model = (id: string, version?: string): WorkerInit => ({
  worker: { case: "model", value: { id, ...(version === undefined ? {} : { modelVersion: { id: version } }) } },
});
const workflow = (id: string): WorkerInit => ({ worker: { case: "workflow", value: { id } } });
const empty: WorkerInit = { worker: { case: undefined } };

/** A labeling task (CONCEPTS_CLASSIFICATION, FULL, all inputs) with `changes`. */
const task = (changes: TaskInit = {}): Task =>
  create(TaskSchema, { type: 1, worker: { strategy: 3, workers: [user("u1")] }, concepts: [{ concept: { id: "c" } }], inputSource: { type: 1 }, ...changes });
/** The issues of `t` as `path: message` lines; deprecated fields accepted unless said otherwise. */
const issues = (t: Task, deprecated: "accept" | "reject" = "accept") => validateTask(t, "t", { deprecated }).map((i) => `${i.path}: ${i.message}`);

/** A PARTITIONED worker over `users` with the given partitioning. */
const partitioned = (workers: WorkerInit[], info: { type?: number; workersPerInput?: number; weights?: Record<string, unknown> }): TaskInit["worker"] => ({
  strategy: 2,
  workers,
  strategyInfo: { case: "partitionedStrategyInfo", value: { type: 2, workersPerInput: 1, ...info } as never },
});

describe("workers", () => {
  it("a valid task has no issue, whatever optional part it leaves out", () => {
    expect(issues(task())).toEqual([]);
    expect(issues(create(TaskSchema, { type: 1, worker: { strategy: 3, workers: [user("u1")] } }))).toEqual([]);
  });

  it("an empty worker is named once, and two of them are not duplicates", () => {
    expect(issues(task({ worker: { strategy: 3, workers: [user("u1"), empty, empty] } }))).toEqual([
      "t.worker.workers[1]: a worker must be a user, a model or a workflow; this one is empty",
      "t.worker.workers[2]: a worker must be a user, a model or a workflow; this one is empty",
    ]);
  });

  it("each kind of worker without an id is named at its id, and ids left empty are not duplicates", () => {
    const t = task({ type: 0, worker: { strategy: 3, workers: [model(""), workflow("")] } });
    expect(issues(t)).toEqual([
      "t.worker.workers[0].model.id: a model worker needs an id",
      "t.worker.workers[1].workflow.id: a workflow worker needs an id",
      "t.worker.workers: an auto-annotation task (type TYPE_NOT_SET) needs exactly one worker, a model or a workflow; it has 2",
    ]);
    expect(issues(task({ worker: { strategy: 3, workers: [user(""), user("")], users: [{ id: "" }] } }))).toEqual([
      "t.worker.workers[0].user.id: a user worker needs an id",
      "t.worker.workers[1].user.id: a user worker needs an id",
      "t.worker.users[0].id: a user worker needs an id",
    ]);
  });

  it("a deprecated user id left empty is named where it is, alone or next to worker.workers", () => {
    expect(issues(task({ worker: { strategy: 3, userIds: ["u1", ""] } }))).toEqual(["t.worker.userIds[1]: a user worker needs an id"]);
    expect(issues(task({ worker: { strategy: 3, users: [{ id: "u1" }, { id: "" }] } }))).toEqual(["t.worker.users[1].id: a user worker needs an id"]);
    expect(issues(task({ worker: { strategy: 3, workers: [user("u1")], users: [{ id: "" }], userIds: ["u1", ""] } }))).toEqual([
      "t.worker.users[0].id: a user worker needs an id",
      "t.worker.userIds[1]: a user worker needs an id",
    ]);
  });

  it("duplicates are found within the deprecated lists, and a model's versions are told apart", () => {
    expect(issues(task({ worker: { strategy: 3, workers: [], users: [{ id: "u1" }], userIds: ["u2", "u1", "u2"] } }))).toEqual([
      't.worker.userIds[1]: duplicate worker: user "u1" is already listed at t.worker.users[0]',
      't.worker.userIds[2]: duplicate worker: user "u2" is already listed at t.worker.userIds[0]',
    ]);
    const models = task({ type: 0, worker: { strategy: 3, workers: [model("m", "v1"), model("m", "v2"), model("m"), model("m", ""), workflow("w"), workflow("w")] } });
    expect(issues(models).filter((i) => i.includes("duplicate"))).toEqual([
      't.worker.workers[3].model: duplicate worker: model "m" is already listed at t.worker.workers[2].model',
      't.worker.workers[5].workflow: duplicate worker: workflow "w" is already listed at t.worker.workers[4].workflow',
    ]);
    // One id for workers of two kinds is two workers; the second user of it is a duplicate of the first.
    const mixed = task({ worker: { strategy: 3, workers: [user("x"), model("x"), user("x")] } });
    expect(issues(mixed).filter((i) => i.includes("duplicate"))).toEqual([
      't.worker.workers[2].user: duplicate worker: user "x" is already listed at t.worker.workers[0].user',
    ]);
    // From the first worker with the id on, only a worker of the same kind and id is the same worker:
    // user "y" between model "x" and user "x" is none of them.
    const between = task({ worker: { strategy: 3, workers: [model("x"), user("y"), user("x")] } });
    expect(issues(between).filter((i) => i.includes("duplicate"))).toEqual([]);
  });

  it("an auto-annotation task takes exactly one model or workflow, and says what to do with users", () => {
    expect(issues(task({ type: 0, worker: { strategy: 3, workers: [model("a"), workflow("b")] } }))).toEqual([
      "t.worker.workers: an auto-annotation task (type TYPE_NOT_SET) needs exactly one worker, a model or a workflow; it has 2",
    ]);
    const users = "an auto-annotation task (type TYPE_NOT_SET) takes a model or workflow worker, not a user; set a task type such as CONCEPTS_CLASSIFICATION for human labeling";
    expect(issues(task({ type: 0, worker: { strategy: 3, workers: [user("a"), model("b")] } }))).toEqual([
      "t.worker.workers: an auto-annotation task (type TYPE_NOT_SET) needs exactly one worker, a model or a workflow; it has 2 (for user workers, set a task type such as CONCEPTS_CLASSIFICATION)",
      `t.worker.workers[0].user: ${users}`,
    ]);
    expect(issues(task({ type: 0, worker: { strategy: 3, workers: [workflow("w")] } }))).toEqual([]);
  });

  it("a labeling task takes users only; an unknown type is reported once, without the labeling rules", () => {
    expect(issues(task({ worker: { strategy: 3, workers: [user("u"), model("m"), workflow("w")] } }))).toEqual([
      "t.worker.workers[1].model: a CONCEPTS_CLASSIFICATION task takes user workers only; a model worker makes an auto-annotation task, which has type TYPE_NOT_SET",
      "t.worker.workers[2].workflow: a CONCEPTS_CLASSIFICATION task takes user workers only; a workflow worker makes an auto-annotation task, which has type TYPE_NOT_SET",
    ]);
    expect(issues(task({ worker: { strategy: 3, workers: [] } }))).toEqual(["t.worker.workers: a CONCEPTS_CLASSIFICATION task needs at least one user worker"]);
    const unknownType = issues(task({ type: 99 as never, worker: { strategy: 3, workers: [model("m")] } }));
    expect(unknownType).toHaveLength(1);
    expect(unknownType[0]).toMatch(/^t\.type: type 99 is not a/);
  });

  it("next to worker.workers, worker.users and worker.userIds may repeat its users (the API's answers do), in any order and more than once", () => {
    const two = [user("u1"), user("u2")];
    expect(issues(task({ worker: { strategy: 3, workers: two, users: [{ id: "u2" }, { id: "u1" }] } }))).toEqual([]);
    expect(issues(task({ worker: { strategy: 3, workers: two, users: [{ id: "u1" }], userIds: ["u1", "u2", "u2"] } }))).toEqual([]);
    // A repeat is not a worker of its own: two users repeated are still two workers.
    const echoed = (workersPerInput: number): TaskInit["worker"] => ({
      strategy: 2,
      workers: two,
      users: [{ id: "u1" }, { id: "u2" }],
      strategyInfo: { case: "partitionedStrategyInfo", value: { type: 2, workersPerInput, weights: { u1: 1, u2: 1 } } },
    });
    expect(issues(task({ worker: echoed(2) }))).toEqual([]);
    expect(issues(task({ worker: echoed(3) }))).toEqual([
      "t.worker.partitionedStrategyInfo.workersPerInput: workersPerInput 3 is more than the 2 worker(s) of the task",
    ]);
  });

  it("a deprecated list that names a user worker.workers lacks is refused, once per list, naming each such user once", () => {
    const says = (field: string, names: string) =>
      `t.worker.${field}: worker.${field} names ${names} that worker.workers does not list`;
    expect(issues(task({ worker: { strategy: 3, workers: [user("u1")], users: [{ id: "u1" }, { id: "u2" }, { id: "u2" }], userIds: ["u3", "u4", "u1"] } }))).toEqual([
      `${says("users", "a user")} ("u2"); set them in worker.workers only: next to it, the deprecated worker.users may only repeat its users, as the API's answers do`,
      `${says("userIds", "users")} ("u3", "u4"); set them in worker.workers only: next to it, the deprecated worker.userIds may only repeat its users, as the API's answers do`,
    ]);
    // A model worker has no user, so any deprecated user contradicts it.
    expect(issues(task({ type: 0, worker: { strategy: 3, workers: [model("m")], userIds: ["m"] } }))).toEqual([
      `${says("userIds", "a user")} ("m"); set them in worker.workers only: next to it, the deprecated worker.userIds may only repeat its users, as the API's answers do`,
    ]);
  });
});

describe("enum numbers", () => {
  it("priority, status code and worker type outside their enums are named; their known values pass", () => {
    expect(issues(task({ priority: 9 as never, status: { code: 12345 as never }, worker: { strategy: 3, type: 7 as never, workers: [user("u1")] } }))).toEqual([
      "t.priority: priority 9 is not a TaskPriority (TASK_PRIORITY_NOT_SET, LOW, MEDIUM, HIGH)",
      "t.status.code: status code 12345 is not a StatusCode value (e.g. TASK_IN_PROGRESS = 54001, TASK_DONE = 54002)",
      "t.worker.type: type 7 is not a WorkerType (WORKER_TYPE_NOT_SET, WORKER_HUMAN, WORKER_AUTO)",
    ]);
    expect(issues(task({ priority: 3, status: { code: 54002 }, worker: { strategy: 3, type: 1, workers: [user("u1")] } }))).toEqual([]);
    expect(issues(task({ status: { code: 0 } }))).toEqual([]);
  });

  it("a worker type that is set matches the workers: WORKER_HUMAN users only, WORKER_AUTO a model or workflow", () => {
    expect(issues(task({ worker: { strategy: 3, type: 2, workers: [user("u1")] } }))).toEqual([
      "t.worker.workers[0].user: worker.type WORKER_AUTO takes a model or workflow worker, not a user; this one is a user",
    ]);
    const auto = (type: number, w: WorkerInit) => task({ type: 0, concepts: [], worker: { strategy: 3, type, workers: [w] } });
    expect(issues(auto(1, model("m")))).toEqual(["t.worker.workers[0].model: worker.type WORKER_HUMAN takes user workers only; this one is a model"]);
    expect(issues(auto(1, workflow("f")))).toEqual(["t.worker.workers[0].workflow: worker.type WORKER_HUMAN takes user workers only; this one is a workflow"]);
    expect(issues(auto(2, model("m")))).toEqual([]);
    expect(issues(auto(0, workflow("f")))).toEqual([]);
  });
});

describe("partitioning", () => {
  const two = [user("u1"), user("u2")];

  it("workersPerInput from 1 to the number of workers", () => {
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 1, weights: { u1: 1, u2: 1 } }) }))).toEqual([]);
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 0, weights: { u1: 1, u2: 1 } }) }))).toEqual([
      "t.worker.partitionedStrategyInfo.workersPerInput: workersPerInput must be at least 1; it is 0",
    ]);
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 3, weights: { u1: 5, u2: 1 } }) }))).toEqual([
      "t.worker.partitionedStrategyInfo.workersPerInput: workersPerInput 3 is more than the 2 worker(s) of the task",
    ]);
  });

  it("with k workers per input nobody may carry more than 1/k, even at k = the number of workers", () => {
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 2, weights: { u1: 3, u2: 1 } }) }))).toEqual([
      't.worker.partitionedStrategyInfo.weights.u1: worker "u1" would get 75% of the inputs, more than 1/workersPerInput = 50%',
    ]);
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 2, weights: { u1: 1, u2: 1 } }) }))).toEqual([]);
  });

  it("WEIGHTED needs a positive weight for every worker and none for anyone else; shares are judged only then", () => {
    expect(issues(task({ worker: partitioned(two, { weights: {} }) }))).toEqual([
      "t.worker.partitionedStrategyInfo.weights: WEIGHTED partitioning needs weights: a map from each worker's user id to a number > 0",
    ]);
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 2, weights: { u1: 1, u2: 1, stranger: 5 } }) }))).toEqual([
      't.worker.partitionedStrategyInfo.weights.stranger: a weight is given for "stranger", who is not a worker of the task',
    ]);
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 2, weights: { u1: 1 } }) }))).toEqual([
      't.worker.partitionedStrategyInfo.weights.u2: worker "u2" has no weight; WEIGHTED partitioning needs one for every worker',
    ]);
    expect(issues(task({ worker: partitioned(two, { workersPerInput: 2, weights: { u1: Number.POSITIVE_INFINITY, u2: 1 } }) }))).toEqual([
      "t.worker.partitionedStrategyInfo.weights.u1: a weight must be a number > 0; it is Infinity",
    ]);
  });

  it("a long list of workers (past the rules' scan of a few) gets the issues a short one gets, in the same order", () => {
    const at = (i: number) => `t.worker.workers[${i}].user`;
    for (const n of [4, 40]) {
      const ids = Array.from({ length: n }, (_, i) => `u${i}`);
      // u0 has no weight (and is listed twice: one issue); "stranger" and "" name no worker; u1 is listed
      // twice, u2 three times.
      const weights: Record<string, unknown> = Object.fromEntries(ids.slice(1).map((id) => [id, 1]));
      weights.stranger = 1;
      weights[""] = 1;
      // A user without an id is an issue, and takes no weight (not even the one keyed "").
      const workers = [...ids.map(user), user("u1"), user("u2"), user("u2"), user("u0"), user("")];
      expect(issues(task({ worker: partitioned(workers, { workersPerInput: 1, weights }) })), `${n} workers`).toEqual([
        `${at(n + 4)}.id: a user worker needs an id`,
        `${at(n)}: duplicate worker: user "u1" is already listed at ${at(1)}`,
        `${at(n + 1)}: duplicate worker: user "u2" is already listed at ${at(2)}`,
        `${at(n + 2)}: duplicate worker: user "u2" is already listed at ${at(2)}`,
        `${at(n + 3)}: duplicate worker: user "u0" is already listed at ${at(0)}`,
        't.worker.partitionedStrategyInfo.weights.stranger: a weight is given for "stranger", who is not a worker of the task',
        't.worker.partitionedStrategyInfo.weights[""]: a weight is given for "", who is not a worker of the task',
        't.worker.partitionedStrategyInfo.weights.u0: worker "u0" has no weight; WEIGHTED partitioning needs one for every worker',
      ]);
    }
  });

  it("weights are keyed by user ids only: an empty user id and a model are not weighted workers", () => {
    expect(issues(task({ worker: partitioned([user("u1"), user("u2"), user("")], { workersPerInput: 2, weights: { u1: 1, u2: 1 } }) }))).toEqual([
      "t.worker.workers[2].user.id: a user worker needs an id",
    ]);
    expect(issues(task({ worker: partitioned([user("u1"), user("u2"), model("m")], { workersPerInput: 2, weights: { u1: 1, u2: 1 } }) }))).toEqual([
      "t.worker.workers[2].model: a CONCEPTS_CLASSIFICATION task takes user workers only; a model worker makes an auto-annotation task, which has type TYPE_NOT_SET",
    ]);
  });

  it("weight paths use dots for identifier-like ids and brackets for the rest", () => {
    const odd = issues(task({ worker: partitioned(two, { workersPerInput: 2, weights: { u1: 1, u2: 1, abc: 1, "1abc": 1, "a-b": 1 } }) }));
    expect(odd.map((i) => i.slice(0, i.indexOf(": ")))).toEqual([
      "t.worker.partitionedStrategyInfo.weights.abc",
      't.worker.partitionedStrategyInfo.weights["1abc"]',
      't.worker.partitionedStrategyInfo.weights["a-b"]',
    ]);
  });

  it("weights are the map's own keys: a key that Object.prototype carries (polluted elsewhere in the process) is no weight", () => {
    const tasks = [
      // Shares are judged: u1 and u2 carry half each; the inherited key, had it counted, would carry 100/102.
      task({ worker: partitioned(two, { workersPerInput: 2, weights: { u1: 1, u2: 1 } }) }),
      // An empty map stays empty, under either partition type.
      task({ worker: partitioned(two, { type: 1, weights: {} }) }),
      task({ worker: partitioned(two, { weights: {} }) }),
    ];
    const proto = Object.prototype as Record<string, unknown>;
    let found: string[][];
    proto.polluted = 100;
    try {
      found = tasks.map((t) => issues(t));
    } finally {
      delete proto.polluted;
    }
    expect(found).toEqual([
      [],
      [],
      ["t.worker.partitionedStrategyInfo.weights: WEIGHTED partitioning needs weights: a map from each worker's user id to a number > 0"],
    ]);
  });

  it("EVENLY takes no weights, an empty map is no weights, and an unset type says which to pick", () => {
    expect(issues(task({ worker: partitioned(two, { type: 1, weights: { u1: 1 } }) }))).toEqual([
      "t.worker.partitionedStrategyInfo.weights: weights only apply to WEIGHTED partitioning; EVENLY shares the inputs equally",
    ]);
    expect(issues(task({ worker: partitioned(two, { type: 1, weights: {} }) }))).toEqual([]);
    expect(issues(task({ worker: partitioned(two, { type: 0, weights: { u1: 1 } }) }))).toEqual([
      "t.worker.partitionedStrategyInfo.type: partitioned strategy type must be EVENLY or WEIGHTED",
    ]);
  });
});

describe("concepts", () => {
  it("an auto-annotation config is checked bit by bit and bound by bound; equal bounds are fine", () => {
    const config = (cfg: object) => task({ concepts: [{ concept: { id: "c" }, autoAnnotationConfig: cfg as never }] });
    expect(issues(config({ annotationDataTypes: 0, statusCode: 0 }))).toEqual([]);
    expect(issues(config({ annotationDataTypes: 1, thresholdRange: { lower: 0.5, upper: 0.5 } }))).toEqual([]);
    expect(issues(config({ thresholdRange: { lower: 0.6, upper: 0.5 } }))).toEqual([
      "t.concepts[0].autoAnnotationConfig.thresholdRange: lower (0.6) must not be greater than upper (0.5)",
    ]);
  });

  it("conceptIds are read as concepts: each must be non-empty and new", () => {
    expect(issues(task({ concepts: [], conceptIds: ["", "c1", "c2", "c2"] }))).toEqual([
      "t.conceptIds[0]: a concept id must not be empty",
      't.conceptIds[3]: duplicate concept "c2": already listed at t.conceptIds[2]',
    ]);
  });

  it("next to concepts, conceptIds may only repeat its ids", () => {
    const two = [{ concept: { id: "c1" } }, { concept: { id: "c2" } }];
    expect(issues(task({ concepts: two, conceptIds: ["c2", "c1", "c1"] }))).toEqual([]);
    expect(issues(task({ concepts: two, conceptIds: ["", "c1", "c3", "c3"] }))).toEqual([
      "t.conceptIds[0]: a concept id must not be empty",
      't.conceptIds: conceptIds names a concept that concepts does not list ("c3"); set them in concepts only: next to it, the deprecated conceptIds may only repeat its concepts, as the API\'s answers do',
    ]);
  });
});

describe("reviews", () => {
  const consensus = (info: { approvalThresholdLabelers?: number; approvalThreshold?: number }, workers: WorkerInit[] = [user("u1"), user("u2")]) =>
    task({ worker: { strategy: 3, workers }, review: { strategy: 3, strategyInfo: { case: "consensusStrategyInfo", value: info } } });

  it("strategy info must match the strategy; a manual sample is checked only for MANUAL", () => {
    const manualInfo = { case: "manualStrategyInfo" as const, value: { samplePercentage: 1.5 } };
    expect(issues(task({ review: { strategy: 3, strategyInfo: manualInfo } }))).toEqual([
      "t.review.manualStrategyInfo: manualStrategyInfo belongs to the MANUAL review strategy, not CONSENSUS",
      "t.review.consensusStrategyInfo.approvalThresholdLabelers: a CONSENSUS review needs approvalThresholdLabelers > 0: how many labelers must agree before a label is accepted",
    ]);
    expect(issues(task({ review: { strategy: 1, strategyInfo: manualInfo } }))).toEqual([
      "t.review.manualStrategyInfo: manualStrategyInfo belongs to the MANUAL review strategy, not NONE",
    ]);
    expect(issues(task({ review: { strategy: 2 } }))).toEqual([]);
    expect(issues(task({ review: { strategy: 2, strategyInfo: manualInfo } }))).toEqual([
      "t.review.manualStrategyInfo.samplePercentage: samplePercentage is a fraction within [0, 1] (0.5 = half); it is 1.5",
    ]);
  });

  it("the deprecated approvalThreshold counts when the new field is unset, and may repeat it", () => {
    expect(issues(consensus({ approvalThresholdLabelers: 2, approvalThreshold: 2 }))).toEqual([]);
    expect(issues(consensus({ approvalThreshold: 3 }))).toEqual([
      "t.review.consensusStrategyInfo.approvalThreshold: an approval threshold of 3 labelers can never be reached with 2 worker(s)",
    ]);
    expect(issues(consensus({ approvalThresholdLabelers: 3 }))).toEqual([
      "t.review.consensusStrategyInfo.approvalThresholdLabelers: an approval threshold of 3 labelers can never be reached with 2 worker(s)",
    ]);
  });

  it("under PARTITIONED the threshold is bounded by the workers each input goes to", () => {
    const partitioned = (workersPerInput: number, info: { approvalThresholdLabelers?: number; approvalThreshold?: number }) =>
      task({
        worker: {
          strategy: 2,
          workers: [user("u1"), user("u2"), user("u3")],
          strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput } },
        },
        review: { strategy: 3, strategyInfo: { case: "consensusStrategyInfo", value: info } },
      });
    expect(issues(partitioned(2, { approvalThresholdLabelers: 2 }))).toEqual([]);
    expect(issues(partitioned(2, { approvalThresholdLabelers: 3 }))).toEqual([
      "t.review.consensusStrategyInfo.approvalThresholdLabelers: an approval threshold of 3 labelers can never be reached when each input goes to 2 worker(s) (worker.partitionedStrategyInfo.workersPerInput)",
    ]);
    expect(issues(partitioned(1, { approvalThreshold: 2 }))).toEqual([
      "t.review.consensusStrategyInfo.approvalThreshold: an approval threshold of 2 labelers can never be reached when each input goes to 1 worker(s) (worker.partitionedStrategyInfo.workersPerInput)",
    ]);
    // Above the workers themselves, that is the issue (once); a workersPerInput outside them bounds nothing.
    expect(issues(partitioned(2, { approvalThresholdLabelers: 4 }))).toEqual([
      "t.review.consensusStrategyInfo.approvalThresholdLabelers: an approval threshold of 4 labelers can never be reached with 3 worker(s)",
    ]);
    expect(issues(partitioned(5, { approvalThresholdLabelers: 3 }))).toEqual([
      "t.worker.partitionedStrategyInfo.workersPerInput: workersPerInput 5 is more than the 3 worker(s) of the task",
    ]);
    expect(issues(partitioned(0, { approvalThresholdLabelers: 1 }))).toEqual([
      "t.worker.partitionedStrategyInfo.workersPerInput: workersPerInput must be at least 1; it is 0",
    ]);
    // With no user worker there is no labeler to count the threshold against, only workersPerInput,
    // and only one within the workers (up to all of them).
    const models = (workersPerInput: number) =>
      task({
        type: 0,
        worker: { strategy: 2, workers: [model("m")], strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput } } },
        review: { strategy: 3, strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 3 } } },
      });
    expect(issues(models(1))).toEqual([
      "t.review.consensusStrategyInfo.approvalThresholdLabelers: an approval threshold of 3 labelers can never be reached when each input goes to 1 worker(s) (worker.partitionedStrategyInfo.workersPerInput)",
    ]);
    expect(issues(models(2))).toEqual([
      "t.worker.partitionedStrategyInfo.workersPerInput: workersPerInput 2 is more than the 1 worker(s) of the task",
    ]);
    // Users named the deprecated way are workers each input may go to, as they are everywhere else.
    const deprecated = task({
      worker: { strategy: 2, users: [{ id: "u1" }, { id: "u2" }, { id: "u3" }], strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput: 2 } } },
      review: { strategy: 3, strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 3 } } },
    });
    expect(issues(deprecated)).toEqual([
      "t.review.consensusStrategyInfo.approvalThresholdLabelers: an approval threshold of 3 labelers can never be reached when each input goes to 2 worker(s) (worker.partitionedStrategyInfo.workersPerInput)",
    ]);
  });

  it("only user workers can approve", () => {
    expect(issues(consensus({ approvalThresholdLabelers: 2 }, [user("u1"), model("m")]))).toEqual([
      "t.worker.workers[1].model: a CONCEPTS_CLASSIFICATION task takes user workers only; a model worker makes an auto-annotation task, which has type TYPE_NOT_SET",
      "t.review.consensusStrategyInfo.approvalThresholdLabelers: an approval threshold of 2 labelers can never be reached with 1 worker(s)",
    ]);
  });

  it("reviewers need ids and may not repeat, whichever list names them", () => {
    expect(issues(task({ review: { strategy: 2, users: [{ id: "r1" }, { id: "" }, { id: "r1" }] } }))).toEqual([
      "t.review.users[1].id: a reviewer needs a user id",
      't.review.users[2].id: duplicate reviewer "r1": already listed at t.review.users[0].id',
    ]);
    expect(issues(task({ review: { strategy: 2, userIds: ["", "r1", "r1"] } }))).toEqual([
      "t.review.userIds[0]: a reviewer needs a user id",
      't.review.userIds[2]: duplicate reviewer "r1": already listed at t.review.userIds[1]',
    ]);
  });

  it("next to review.users, review.userIds may only repeat its reviewers", () => {
    expect(issues(task({ review: { strategy: 2, users: [{ id: "r1" }], userIds: ["r1", "r1"] } }))).toEqual([]);
    expect(issues(task({ review: { strategy: 2, users: [{ id: "r1" }, { id: "r2" }], userIds: ["r2", "r1"] } }))).toEqual([]);
    expect(issues(task({ review: { strategy: 2, users: [{ id: "r1" }], userIds: ["", "r1", "r2"] } }))).toEqual([
      "t.review.userIds[0]: a reviewer needs a user id",
      't.review.userIds: review.userIds names a reviewer that review.users does not list ("r2"); set them in review.users only: next to it, the deprecated review.userIds may only repeat its reviewers, as the API\'s answers do',
    ]);
  });
});

describe("deprecated fields", () => {
  it("each is named when refused, on a task that has nothing else (no review, no worker, no assistant)", () => {
    expect(deprecatedTaskFields(create(TaskSchema, { conceptIds: ["c"] }), "t")).toEqual([
      { path: "t.conceptIds", message: "conceptIds is deprecated: list each concept in concepts as { concept: { id } }" },
    ]);
    expect(deprecatedTaskFields(create(TaskSchema, {}), "t")).toEqual([]);
  });

  it("normalizeTask moves them onto the current fields, adding nothing twice and leaving other parts alone", () => {
    const old = create(TaskSchema, {
      type: 1,
      worker: { strategy: 3, workers: [model("m")], users: [{ id: "m" }, { id: "u1" }], userIds: ["u1", "u2"] },
      concepts: [{}, { concept: { id: "c1" } }],
      conceptIds: ["c1", "c2"],
      review: { strategy: 2, users: [{ id: "r1" }], userIds: ["r1", "r2", "r2"], strategyInfo: { case: "manualStrategyInfo", value: { samplePercentage: 0.5 } } },
      aiAssistant: {},
    });
    const t = normalizeTask(old);
    expect(t.worker?.workers.map((w) => [w.worker.case, w.worker.value?.id])).toEqual([
      ["model", "m"],
      ["user", "m"],
      ["user", "u1"],
      ["user", "u2"],
    ]);
    expect([t.worker?.users, t.worker?.userIds, t.conceptIds, t.review?.userIds]).toEqual([[], [], [], []]);
    expect(t.concepts.map((c) => c.concept?.id)).toEqual([undefined, "c1", "c2"]);
    expect(t.review?.users.map((u) => u.id)).toEqual(["r1", "r2"]);
    expect(t.review?.strategyInfo).toEqual(create(TaskSchema, { review: { strategyInfo: { case: "manualStrategyInfo", value: { samplePercentage: 0.5 } } } }).review?.strategyInfo);
    expect(t.aiAssistant?.workflow).toBeUndefined();
    // The caller's task is untouched.
    expect(old.conceptIds).toEqual(["c1", "c2"]);
  });

  it("normalizeTask: a task with only conceptIds (no worker, review or assistant), and an assistant's own workflow wins", () => {
    expect(normalizeTask(create(TaskSchema, { conceptIds: ["c"] })).concepts.map((c) => c.concept?.id)).toEqual(["c"]);
    const ai = normalizeTask(create(TaskSchema, { aiAssistant: { workflowId: "old", workflow: { id: "new" } } }));
    expect([ai.aiAssistant?.workflow?.id, ai.aiAssistant?.workflowId]).toEqual(["new", ""]);
    const only = normalizeTask(create(TaskSchema, { aiAssistant: { workflowId: "old" } }));
    expect([only.aiAssistant?.workflow?.id, only.aiAssistant?.workflowId]).toEqual(["old", ""]);
  });
});

describe("collectors", () => {
  const source = { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } };
  const collector = (init: Init<typeof CollectorSchema>) => create(CollectorSchema, { preQueueWorkflowId: "wf", collectorSource: source, ...init });

  it("ids left empty are not duplicates; a patch batch names each item", () => {
    expect(validateCollectors([collector({ id: "" }), collector({ id: "" })]).map((i) => i.path)).toEqual(["collectors[0].id", "collectors[1].id"]);
    expect(validateCollectorPatches([create(CollectorSchema, { id: "a" }), create(CollectorSchema, { id: "" }), create(CollectorSchema, { id: "a" })])).toEqual([
      { path: "collectors[1].id", message: "a collector needs an id (chosen by the caller, unique in the app)" },
      { path: "collectors[2].id", message: 'duplicate collector id "a": already used by collectors[0]' },
    ]);
  });
});

describe("throwIfInvalid", () => {
  it("throws a ValidationError listing the issues and the RPC; nothing when there are none", () => {
    expect(() => throwIfInvalid([])).not.toThrow();
    const issue = { path: "tasks[0].id", message: "required" };
    let thrown: unknown;
    try {
      throwIfInvalid([issue], "PostTasks");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toEqual([issue]);
    expect((thrown as ValidationError).method).toBe("PostTasks");
  });
});
