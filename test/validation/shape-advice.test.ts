// The advice validation gives on an init object that is not shaped like its message, word for word: where
// a key belongs ("it belongs deeper: …"), how the caller's own value is shown back in what to write, how a
// value of the wrong type is described, which enum value to write, and which echoes of the mistake in the
// rules are left out. shape.test.ts shows one case of each; this file pins their edges.
import { create, fromBinary } from "@bufbuild/protobuf";
import { BoolValueSchema, BytesValueSchema, DoubleValueSchema, FloatValueSchema, ValueSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { Task_TaskType, TaskSchema, UserSchema, VisibilitySchema } from "../../gen/clarifai/api/resources_pb.js";
import { ListTasksRequestSchema } from "../../gen/clarifai/api/service_pb.js";
import { validateCollector, validateListParams, validateTask } from "../../src/validation/index.js";
import { withArticle } from "../../src/validation/article.js";
import { checkShape } from "../../src/validation/shape.js";

// What a JavaScript caller (or a TypeScript one with a cast) hands over: anything.
const raw = (init: object): never => init as never;

const worker = { strategy: 4, workers: [{ worker: { case: "user" as const, value: { id: "w" } } }] };
// A valid labeling task; each test writes one part of it wrong.
const valid = { name: "Annotate water", type: Task_TaskType.CONCEPTS_CLASSIFICATION, worker, concepts: [{ concept: { id: "water" } }], inputSource: { type: 1 } };

/** The issues of `valid` with `changes`, as `path: message` lines. */
const issues = (changes: object) => validateTask(raw({ ...valid, ...changes })).map((i) => `${i.path}: ${i.message}`);

// The members of a message are read once per schema and kept. This test reads those of TaskWorker and Worker
// first in this file, through their oneofs' cases, so that what it asserts depends on how the cases are known.
it("a oneof's case is known by its own name and in snake_case", () => {
  expect(issues({ worker: { strategy: 4, workers: [{ user: { id: "w" } }] } })).toEqual([
    'task.worker.workers[0].user: user is a case of the oneof worker: write worker: { case: "user", value: { id: "w" } }',
  ]);
  expect(issues({ worker: { ...worker, strategy: 2, partitioned_strategy_info: { type: 1, workersPerInput: 1 } } })).toEqual([
    'task.worker.partitioned_strategy_info: unknown field "partitioned_strategy_info" in TaskWorker: init objects use camelCase names, so write strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput: 1 } } (to send REST JSON as the docs write it, parse it with fromJson(TaskWorkerSchema, json))',
  ]);
});

describe("a key that belongs deeper", () => {
  it.each([
    ["two places at the same depth, both shown", { strategy: 4 }, "task.strategy: strategy is not a field of Task; it belongs deeper: worker: { strategy: 4 }, or review: { strategy: 4 }"],
    ["through a list, written as an array of one item", { firstName: "Ann" }, 'task.firstName: firstName is not a field of Task; it belongs deeper: worker: { users: [{ firstName: "Ann" }] }'],
    ["a list field itself: the caller's array, not wrapped again", { workers: [{ worker: { case: "user", value: { id: "w" } } }] }, 'task.workers: workers is not a field of Task; it belongs deeper: worker: { workers: [{ worker: { case: "user", value: … } }] }'],
    // Task's metrics hold three messages with inputsCountEstimated; two answers are enough.
    ["at most the first two of the places found", { metrics: { inputsCountEstimated: 5n } }, "task.metrics.inputsCountEstimated: inputsCountEstimated is not a field of TaskMetrics; it belongs deeper: work: { inputsCountEstimated: 5n }, or review: { inputsCountEstimated: 5n }"],
    // The fields of Timestamp and Struct are not advice: createdAt: { seconds } is not what was meant.
    ["not inside google.protobuf types", { seconds: 5 }, 'task.seconds: unknown field "seconds" in Task: Task has no such field, and it would be dropped before sending'],
    // Model.modelVersion is four steps down (worker.workers[].model.modelVersion): too far to be a guess.
    ["not more than three levels down", { modelVersion: { id: "v" } }, 'task.modelVersion: unknown field "modelVersion" in Task: Task has no such field, and it would be dropped before sending'],
  ])("%s", (_, changes, expected) => {
    expect(issues(changes)).toEqual([expected]);
  });

  it("the rule the misplaced key would have met is not reported again", () => {
    // A PARTITIONED worker without its info: the info is there, one level too high.
    const partitioned = { strategy: 2, workers: worker.workers };
    expect(issues({ worker: partitioned, partitionedStrategyInfo: { type: 1, workersPerInput: 1 } })).toEqual([
      'task.partitionedStrategyInfo: partitionedStrategyInfo is not a field of Task; it belongs deeper: worker: { strategyInfo: { case: "partitionedStrategyInfo", value: { type: 1, workersPerInput: 1 } } }',
    ]);
  });

  it("a rule on a list is still reported: the advice cannot name one of its items", () => {
    expect(issues({ worker: { strategy: 4, user: { id: "w" } } })).toEqual([
      'task.worker.user: user is not a field of TaskWorker; it belongs deeper: workers: [{ worker: { case: "user", value: { id: "w" } } }]',
      "task.worker.workers: a CONCEPTS_CLASSIFICATION task needs at least one user worker",
    ]);
  });

  it("a misspelled field the rules need is not also reported missing", () => {
    const collector = { id: "c1", preQueueWorkflwId: "wf", collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } } };
    expect(validateCollector(raw(collector))).toEqual([
      { path: "collector.preQueueWorkflwId", message: 'unknown field "preQueueWorkflwId" in Collector; did you mean preQueueWorkflowId?' },
    ]);
  });
});

describe("the caller's value, shown back in what to write", () => {
  /** What the advice for a user worker written flat says to write as its value. */
  const shown = (value: unknown) => {
    const [line, ...more] = issues({ worker: { strategy: 4, workers: [{ user: value }] } });
    expect(more).toEqual([]);
    return /^task\.worker\.workers\[0\]\.user: user is a case of the oneof worker: write worker: \{ case: "user", value: (.*) \}$/.exec(line!)?.[1];
  };
  // 60 characters of literal are shown, one more is not: `{ id: "` and `" }` take 10.
  const id = (length: number) => "x".repeat(length);
  const fetched = fromBinary(VisibilitySchema, new Uint8Array([0x08, 0x0a, 0xf8, 0x06, 0x01])); // gettable 10 and a field this client does not know

  it.each([
    ["an empty object", {}, "{}"],
    ["null", null, "null"],
    ["three keys", { id: "w", firstName: "Ann", lastName: "Lee" }, '{ id: "w", firstName: "Ann", lastName: "Lee" }'],
    ["four keys: the first three", { id: "w", firstName: "A", lastName: "L", jobTitle: "T" }, '{ id: "w", firstName: "A", lastName: "L", … }'],
    ["keys that are not identifiers, quoted", { "first-name": "A", "2fa": true, $id_1: 1 }, '{ "first-name": "A", "2fa": true, $id_1: 1 }'],
    ["three items", { id: "w", tags: ["a", "b", "c"] }, '{ id: "w", tags: ["a", "b", "c"] }'],
    ["four items: the first three", { id: "w", tags: ["a", "b", "c", "d"] }, '{ id: "w", tags: ["a", "b", "c", …] }'],
    ["three levels deep, no more", { id: "w", a: { b: { c: { d: 1 } } }, l: [[["x"]]] }, '{ id: "w", a: { b: { c: … } }, l: [[…]] }'],
    ["a bigint, with its n", { id: "w", n: 5n }, '{ id: "w", n: 5n }'],
    ["a message, without protobuf-es' own keys", create(UserSchema, { id: "w" }), '{ id: "w", firstName: "", lastName: "", … }'],
    ["a decoded message with unknown fields", fetched, "{ gettable: 10 }"],
    ["exactly 60 characters", { id: id(50) }, `{ id: "${id(50)}" }`],
    ["61 characters: too long to show", { id: id(51) }, "…"],
  ])("%s", (_, value, expected) => {
    expect(shown(value)).toBe(expected);
  });
});

describe("a value of the wrong type, as the message describes it", () => {
  const said = (sampleMs: unknown) => issues({ sampleMs });
  const it40 = "y".repeat(40);
  const proto = Object.create(null) as object;
  it.each([
    ["a string of 40 characters, whole", it40, `the string "${it40}"`],
    ["a longer string, cut at 40", `${it40}z`, `the string "${it40}…"`],
    ["a bigint", 5n, "the bigint 5n"],
    ["a boolean", false, "the boolean false"],
    ["a function", () => 1000, "a function"],
    ["a symbol", Symbol("ms"), "a symbol"],
    ["an instance, by its class", new Map(), "a Map"],
    ["an instance of a class starting with a vowel", new Error("x"), "an Error"],
    ["an instance of a class starting with a U said \"you\"", new Uint8Array(2), "a Uint8Array"],
    ["an object without a prototype", Object.create(null), "an object"],
    ["an object whose prototype has no constructor", Object.create(proto), "an object"],
  ])("%s", (_, value, description) => {
    expect(said(value)).toEqual([`task.sampleMs: sampleMs must be a number (uint32); it is ${description}`]);
  });

  it("null and undefined items of a list", () => {
    expect(issues({ worker: { ...worker, userIds: [null, undefined, 7] } })).toEqual([
      "task.worker.userIds[0]: userIds[0] must be a string; it is null",
      "task.worker.userIds[1]: userIds[1] must be a string; it is undefined",
      "task.worker.userIds[2]: userIds[2] must be a string; it is the number 7",
    ]);
  });

  it("a message field given something else names its type with the right article", () => {
    expect(issues({ aiAssistParams: "x", inputSource: 1 })).toEqual([
      "task.inputSource: inputSource must be a TaskInputSource object; it is the number 1",
      'task.aiAssistParams: aiAssistParams must be an AiAssistParameters object; it is the string "x"',
    ]);
  });

  it("a name starting with a U said \"you\" takes \"a\", not \"an\"", () => {
    expect(issues({ worker: { strategy: 4, workers: [{ worker: { case: "user", value: 5 } }] } })).toEqual([
      "task.worker.workers[0].user: user must be a User object; it is the number 5",
    ]);
    expect(issues({ worker: { strategy: 4, workers: [{ worker: { case: "user", value: create(TaskSchema) } }] } })).toEqual([
      "task.worker.workers[0].user: user must be a User; it is a clarifai.api.Task message",
    ]);
    expect(validateListParams(ListTasksRequestSchema, raw({ userAppId: "me/app" }))).toEqual([
      { path: "userAppId", message: 'userAppId must be a UserAppIDSet object; it is the string "me/app"' },
    ]);
  });

  it("an object without a prototype is a plain object", () => {
    expect(issues({ inputSource: Object.assign(Object.create(null) as object, { type: 1 }) })).toEqual([]);
  });
});

describe("enum values", () => {
  it.each([
    [true, "type must be a value of Task_TaskType (a number); it is the boolean true"],
    [1.5, "type must be a value of Task_TaskType; it is 1.5"],
    [2 ** 31, "type must be a value of Task_TaskType; it is 2147483648"],
    [-(2 ** 31) - 1, "type must be a value of Task_TaskType; it is -2147483649"],
  ])("a number outside int32, or not a number: %s", (type, message) => {
    expect(issues({ type })).toEqual([`task.type: ${message}`]);
  });

  // An open enum takes any int32 on the wire; google.protobuf.Value's nullValue is an enum in a oneof.
  const nullValue = (value: unknown) => checkShape(ValueSchema, { kind: { case: "nullValue", value } }, "v");
  it("any int32 is a value of an open enum, from the least to the greatest", () => {
    for (const n of [0, 7, 2 ** 31 - 1, -(2 ** 31)]) expect(nullValue(n)).toEqual([]);
    expect(nullValue(2 ** 31)).toEqual([{ path: "v.nullValue", message: "nullValue must be a value of NullValue; it is 2147483648" }]);
    expect(nullValue(-(2 ** 31) - 1)).toEqual([{ path: "v.nullValue", message: "nullValue must be a value of NullValue; it is -2147483649" }]);
  });

  it("an unknown name: the enum's only value when it has one", () => {
    expect(nullValue("NONE")).toEqual([
      { path: "v.nullValue", message: 'nullValue "NONE" is not a value of NullValue (NULL_VALUE); write a value such as NullValue.NULL_VALUE' },
    ]);
  });

  it("an unknown name of a large enum names the enum, not its hundreds of values", () => {
    expect(issues({ status: { code: "TASK_DON" } })).toEqual(['task.status.code: code "TASK_DON" is not a value of StatusCode; did you mean StatusCode.TASK_DONE?']);
    expect(issues({ status: { code: "FINISHED" } })).toEqual([
      'task.status.code: code "FINISHED" is not a value of StatusCode; write a value such as StatusCode.SUCCESS',
    ]);
  });

  it("a name where no builder takes names: the constant, and nothing about builders", () => {
    expect(validateListParams(ListTasksRequestSchema, raw({ inputSourceType: "ALL_INPUTS" }))).toEqual([
      {
        path: "inputSourceType",
        message: 'inputSourceType is the name "ALL_INPUTS"; an init object takes the enum value TaskInputSource_TaskInputSourceType.ALL_INPUTS',
      },
    ]);
  });
});

describe("64-bit integers (the task's metrics, uint64)", () => {
  const count = (inputsCountEstimated: unknown) => issues({ metrics: { work: { inputsCountEstimated } } });
  const path = "task.metrics.work.inputsCountEstimated: inputsCountEstimated";

  it("a bigint, a safe integer or a decimal string, from 0 to 2^64 - 1", () => {
    for (const ok of [0n, 2n ** 64n - 1n, 5, "2", "18446744073709551615"]) expect(count(ok)).toEqual([]);
  });

  it.each([
    [-1n, "must be a whole number from 0 to 18446744073709551615 (uint64); it is -1"],
    [2n ** 64n, "must be a whole number from 0 to 18446744073709551615 (uint64); it is 18446744073709551616"],
    ["-1", "must be a whole number from 0 to 18446744073709551615 (uint64); it is -1"],
    // 2^60 as a number is not exact any more (it prints as 1152921504606847000): a bigint says what was meant.
    [2 ** 60, "must be a whole number (uint64, a bigint); it is the number 1152921504606847000"],
    [1.5, "must be a whole number (uint64, a bigint); it is the number 1.5"],
    ["x12", 'must be a whole number (uint64, a bigint); it is the string "x12"'],
    ["12x", 'must be a whole number (uint64, a bigint); it is the string "12x"'],
    ["1.5", 'must be a whole number (uint64, a bigint); it is the string "1.5"'],
    [true, "must be a whole number (uint64, a bigint); it is the boolean true"],
  ])("%s is refused", (value, message) => {
    expect(count(value)).toEqual([`${path} ${message}`]);
  });

  it("each item of a list", () => {
    expect(issues({ metrics: { review: { inputsCountEstimatedPerReviewer: [1n, "12", -3] } } })).toEqual([
      "task.metrics.review.inputsCountEstimatedPerReviewer[2]: inputsCountEstimatedPerReviewer[2] must be a whole number from 0 to 18446744073709551615 (uint64); it is -3",
    ]);
  });
});

// No field of the API's messages is a double or bytes, and none of its oneofs has a scalar case: the
// well-known wrappers and google.protobuf.Value show that checkShape checks them like the others.
describe("the other scalar types (checkShape on well-known types)", () => {
  it.each([
    ["double", DoubleValueSchema, 1.5, "abc", 'value must be a number (double); it is the string "abc"'],
    ["bytes", BytesValueSchema, new Uint8Array([1]), "abc", 'value must be a Uint8Array; it is the string "abc"'],
    ["bytes as an array of numbers", BytesValueSchema, [1, 2], { 0: 1 }, "value must be a Uint8Array; it is an object"],
    ["bool", BoolValueSchema, true, "true", 'value must be true or false; it is the string "true"'],
    ["float beyond its range, below", FloatValueSchema, Infinity, -1e39, "value is beyond the range of a float (±3.4028234663852886e+38); it is -1e+39"],
  ])("%s", (_, schema, ok, wrong, message) => {
    expect(checkShape(schema, { value: ok }, "v")).toEqual([]);
    expect(checkShape(schema, { value: wrong }, "v")).toEqual([{ path: "v.value", message }]);
  });

  it("a scalar case of a oneof is checked like a field", () => {
    const kind = (c: string, value: unknown) => checkShape(ValueSchema, { kind: { case: c, value } }, "v");
    for (const [c, ok] of [["boolValue", true], ["numberValue", 1.5], ["stringValue", "s"]] as const) expect(kind(c, ok)).toEqual([]);
    expect([kind("boolValue", 1), kind("numberValue", "1"), kind("stringValue", 1)]).toEqual([
      [{ path: "v.boolValue", message: "boolValue must be true or false; it is the number 1" }],
      [{ path: "v.numberValue", message: 'numberValue must be a number (double); it is the string "1"' }],
      [{ path: "v.stringValue", message: "stringValue must be a string; it is the number 1" }],
    ]);
  });
});

describe("the article before a name follows its sound", () => {
  it.each([
    ["a consonant", "Task", "a Task"],
    ["a vowel", "Input", "an Input"],
    ["an acronym said with a vowel", "APIPostModelOutputsCollectorSource", "an APIPostModelOutputsCollectorSource"],
    ["U, one consonant, a vowel: said \"you\"", "Unique", "a Unique"],
    ["U before i: said \"you\"", "Uint8Array", "a Uint8Array"],
    ["the letter U itself", "URL", "a URL"],
    ["U alone", "U", "a U"],
    ["U before two consonants: said \"uh\"", "Unknown", "an Unknown"],
  ])("%s: %s", (_, name, expected) => {
    expect(withArticle(name)).toBe(expected);
  });
});
