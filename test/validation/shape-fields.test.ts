// The shape check field by field: each kind of field (every scalar type at the edges of its range, enums,
// lists, maps, oneofs, messages, Struct and Value) with what a caller is told about a value that does not
// fit it, and that what fits is accepted and encodes. Then how shape issues and the rules' issues are
// combined. The Clarifai messages have no map, no 64-bit signed integer and no fixed-width field, but
// validateListParams takes any request schema: a small schema of our own covers those kinds.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FLOAT32_MAX, INT32_MAX, INT32_MIN, UINT32_MAX } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { TaskSchema, WorkerSchema } from "../../gen/clarifai/api/resources_pb.js";
import { validateTask } from "../../src/validation/index.js";
import { checkShape, checkShapeInFull } from "../../src/validation/shape.js";
import { ShapesSchema } from "../support/shapes-schema.js";

// What a JavaScript caller (or a TypeScript one with a cast) hands over: anything.
const raw = (init: unknown): never => init as never;
const lines = (issues: readonly { path: string; message: string }[]) => issues.map((i) => `${i.path}: ${i.message}`);

/**
 * The issues of `value` as a `fixture.Shapes` named `s`, as `path: message` lines. The full check alone
 * (which every value the compiled fast path does not vouch for gets) must say the same: most values
 * at the edges here are vouched for, so its own edges would go untested otherwise.
 */
const shapes = (value: object) => {
  const found = lines(checkShape(ShapesSchema, value, "s"));
  expect(lines(checkShapeInFull(ShapesSchema, value, "s"))).toEqual(found);
  return found;
};
/** Encodes `value` as a `fixture.Shapes` the way the client sends it: `create`, then `toBinary`. */
const encode = (value: object) => toBinary(ShapesSchema, create(ShapesSchema, raw(value)));

describe("32-bit integers", () => {
  it.each([
    ["int32", INT32_MIN, INT32_MAX],
    ["sint32", INT32_MIN, INT32_MAX],
    ["sfixed32", INT32_MIN, INT32_MAX],
    ["uint32", 0, UINT32_MAX],
    ["fixed32", 0, UINT32_MAX],
  ])("%s takes whole numbers from %d to %d, and names its type for anything else", (type, min, max) => {
    for (const ok of [min, max, 7]) {
      expect(shapes({ [type]: ok })).toEqual([]);
      expect(() => encode({ [type]: ok })).not.toThrow();
    }
    const range = (n: number) => `s.${type}: ${type} must be a whole number from ${min} to ${max} (${type}); it is ${n}`;
    for (const out of [min - 1, max + 1, 1.5]) expect(shapes({ [type]: out })).toEqual([range(out)]);
    expect(shapes({ [type]: "7" })).toEqual([`s.${type}: ${type} must be a number (${type}); it is the string "7"`]);
  });

  it("the edges hold for list items and map values too (checked one by one, not as a field)", () => {
    expect(shapes({ counts: { lowest: INT32_MIN, highest: INT32_MAX } })).toEqual([]);
    expect(shapes({ counts: { low: INT32_MIN - 1, high: INT32_MAX + 1 } })).toEqual([
      "s.counts.low: low must be a whole number from -2147483648 to 2147483647 (int32); it is -2147483649",
      "s.counts.high: high must be a whole number from -2147483648 to 2147483647 (int32); it is 2147483648",
    ]);
    // A task as the API returns it, sent back: its metrics' lists of uint32.
    const review = (inputsPercentEstimatedPerReviewer: number[]) => raw({ metrics: { review: { inputsPercentEstimatedPerReviewer } } });
    expect(lines(checkShape(TaskSchema, review([0, UINT32_MAX]), "task"))).toEqual([]);
    expect(lines(checkShape(TaskSchema, review([-1, UINT32_MAX + 1]), "task"))).toEqual([
      "task.metrics.review.inputsPercentEstimatedPerReviewer[0]: inputsPercentEstimatedPerReviewer[0] must be a whole number from 0 to 4294967295 (uint32); it is -1",
      "task.metrics.review.inputsPercentEstimatedPerReviewer[1]: inputsPercentEstimatedPerReviewer[1] must be a whole number from 0 to 4294967295 (uint32); it is 4294967296",
    ]);
  });
});

describe("64-bit integers: a bigint, a safe integer or a decimal string", () => {
  const signed = [-(2n ** 63n), 2n ** 63n - 1n] as const;
  const unsigned = [0n, 2n ** 64n - 1n] as const;
  it.each([
    ["int64", ...signed],
    ["sint64", ...signed],
    ["sfixed64", ...signed],
    ["uint64", ...unsigned],
    ["fixed64", ...unsigned],
  ])("%s from %s to %s", (type, min, max) => {
    for (const ok of [min, max, 12n, 12, String(min), String(max), "12"]) {
      expect(shapes({ [type]: ok })).toEqual([]);
      expect(() => encode({ [type]: ok })).not.toThrow();
    }
    for (const out of [min - 1n, max + 1n, String(max + 1n)]) {
      expect(shapes({ [type]: out })).toEqual([`s.${type}: ${type} must be a whole number from ${min} to ${max} (${type}); it is ${BigInt(out)}`]);
    }
  });

  it.each([
    [1.5, "the number 1.5"],
    [2 ** 60, "the number 1152921504606847000"], // not a safe integer: it may not be the number meant
    ["12x", 'the string "12x"'],
    ["x12", 'the string "x12"'],
    [" 12", 'the string " 12"'],
    ["1e3", 'the string "1e3"'],
    [true, "the boolean true"],
    [{}, "an object"],
  ])("%j is not a whole number", (value, described) => {
    expect(shapes({ int64: value, uint64: value })).toEqual([
      `s.int64: int64 must be a whole number (int64, a bigint); it is ${described}`,
      `s.uint64: uint64 must be a whole number (uint64, a bigint); it is ${described}`,
    ]);
  });

  it("a task's metrics, as the API returns them, are uint64: a negative count is named before sending", () => {
    const metrics = (work: object, reviewCounts: unknown[] = []) => raw({ metrics: { work, review: { inputsCountEstimatedPerReviewer: reviewCounts } } });
    expect(lines(checkShape(TaskSchema, metrics({ inputsCountEstimated: 2n ** 64n - 1n }, [0n, "18446744073709551615"]), "task"))).toEqual([]);
    expect(lines(checkShape(TaskSchema, metrics({ inputsCountEstimated: -1 }, [5n, -5n]), "task"))).toEqual([
      "task.metrics.work.inputsCountEstimated: inputsCountEstimated must be a whole number from 0 to 18446744073709551615 (uint64); it is -1",
      "task.metrics.review.inputsCountEstimatedPerReviewer[1]: inputsCountEstimatedPerReviewer[1] must be a whole number from 0 to 18446744073709551615 (uint64); it is -5",
    ]);
  });
});

describe("other scalars", () => {
  it("float: up to ±FLOAT32_MAX, and the infinities and NaN, which a float holds", () => {
    for (const ok of [FLOAT32_MAX, -FLOAT32_MAX, Infinity, -Infinity, Number.NaN, 0.5]) expect(shapes({ float: ok })).toEqual([]);
    expect(shapes({ float: 1e39 })).toEqual(["s.float: float is beyond the range of a float (±3.4028234663852886e+38); it is 1e+39"]);
    expect(shapes({ float: -1e39 })).toEqual(["s.float: float is beyond the range of a float (±3.4028234663852886e+38); it is -1e+39"]);
    // On a task: the lower bound of an auto-annotation threshold.
    const concepts = [{ concept: { id: "water" }, autoAnnotationConfig: { thresholdRange: { lower: -1e39, upper: 1 } } }];
    expect(lines(checkShape(TaskSchema, raw({ concepts }), "task"))).toEqual([
      "task.concepts[0].autoAnnotationConfig.thresholdRange.lower: lower is beyond the range of a float (±3.4028234663852886e+38); it is -1e+39",
    ]);
  });

  it.each([
    ["double", 1e300, "7", 'double must be a number (double); it is the string "7"'],
    ["string", "", true, "string must be a string; it is the boolean true"],
    ["string", "x", 7, "string must be a string; it is the number 7"],
    ["bool", false, "false", 'bool must be true or false; it is the string "false"'],
    ["bytes", new Uint8Array([1]), "AQ==", 'bytes must be a Uint8Array; it is the string "AQ=="'],
  ])("%s takes %j, not %j", (type, ok, wrong, message) => {
    expect(shapes({ [type]: ok })).toEqual([]);
    expect(shapes({ [type]: wrong })).toEqual([`s.${type}: ${message}`]);
  });

  it("a task's name given as a number or a boolean", () => {
    expect(lines(checkShape(TaskSchema, raw({ name: 7, description: false }), "task"))).toEqual([
      "task.name: name must be a string; it is the number 7",
      "task.description: description must be a string; it is the boolean false",
    ]);
  });
});

describe("enums", () => {
  it("a field, a list item or a map value: a whole number; a name points to the constant", () => {
    // Open enums: any int32, the edges included.
    expect(shapes({ kindList: [1, 2, 99, INT32_MIN, INT32_MAX], kinds: { a: 2 } })).toEqual([]);
    expect(shapes({ kindList: ["KIND_ROUND", 1.5, 2 ** 31], kinds: { a: "KIND_SQUARE", b: 0.5 } })).toEqual([
      's.kindList[0]: kindList[0] is the name "KIND_ROUND"; an init object takes the enum value Kind.KIND_ROUND',
      "s.kindList[1]: kindList[1] must be a value of Kind; it is 1.5",
      "s.kindList[2]: kindList[2] must be a value of Kind; it is 2147483648",
      's.kinds.a: a is the name "KIND_SQUARE"; an init object takes the enum value Kind.KIND_SQUARE',
      "s.kinds.b: b must be a value of Kind; it is 0.5",
    ]);
  });

  it("a task type of 1.5 is named once, as not a value (create would copy it as it is)", () => {
    expect(lines(validateTask(raw({ type: 1.5, worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "u" } } }] } })))).toEqual([
      "task.type: type must be a value of Task_TaskType; it is 1.5",
    ]);
  });
});

describe("maps", () => {
  it("a map is a plain object of its values, each checked at its key", () => {
    const ok = { counts: { a: 1, "user 2": 2 }, kinds: { a: 1 }, children: { a: { int32: 1, children: { b: {} } } } };
    expect(shapes(ok)).toEqual([]);
    expect(() => encode(ok)).not.toThrow();
    expect(shapes({ counts: { "user 2": "2" }, children: { a: { int32: "1" }, b: 5, c: null } })).toEqual([
      's.counts["user 2"]: counts["user 2"] must be a number (int32); it is the string "2"',
      's.children.a.int32: int32 must be a number (int32); it is the string "1"',
      "s.children.b: b must be a Shapes object; it is the number 5",
      "s.children.c: c must be a Shapes object; it is null",
    ]);
  });

  it("a key with dots is named whole, with its map, in the message", () => {
    expect(shapes({ counts: { "a.b": "2" }, children: { "x.y": 5, "v.w": { counts: { "c.d": 1.5 } } } })).toEqual([
      's.counts["a.b"]: counts["a.b"] must be a number (int32); it is the string "2"',
      's.children["x.y"]: children["x.y"] must be a Shapes object; it is the number 5',
      's.children["v.w"].counts["c.d"]: counts["c.d"] must be a whole number from -2147483648 to 2147483647 (int32); it is 1.5',
    ]);
  });

  it.each([
    [[1, 2], "an array"],
    ["a=1", 'the string "a=1"'],
    [new Map([["a", 1]]), "a Map"],
  ])("%j is not a map", (value, described) => {
    expect(shapes({ counts: value, kinds: value, children: value })).toEqual(
      ["counts", "kinds", "children"].map((name) => `s.${name}: ${name} is a map and must be a plain object; it is ${described}`),
    );
  });

  it("a message is not a map, even of the right type", () => {
    expect(shapes({ counts: create(ShapesSchema) })).toEqual(["s.counts: counts is a map and must be a plain object; it is an object"]);
  });
});

describe("messages, Struct and Value", () => {
  it("null or undefined in a list of messages is named, instead of a TypeError from the rules", () => {
    const task = { type: 1, worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "u" } } }] } };
    expect(lines(validateTask(raw({ ...task, concepts: [{ concept: { id: "water" } }, null] })))).toEqual([
      "task.concepts[1]: concepts[1] must be a TaskConcept object; it is null",
    ]);
    const [missing, ...more] = validateTask(raw({ ...task, concepts: [undefined] }));
    expect(more).toEqual([]);
    expect(missing).toMatchObject({ path: "task.concepts[0]", message: expect.stringMatching(/^concepts\[0\] must be a TaskConcept object; it is /) });
  });

  it("a hole in a list is the undefined item the encoder would read there, and an array of another prototype is still read", () => {
    // `[, x]` has no index 0 at all: forEach would skip it, the encoder reads undefined there.
    const sparse = [, { concept: { id: "water" } }];
    expect(lines(checkShape(TaskSchema, raw({ concepts: sparse }), "task"))).toEqual(["task.concepts[0]: concepts[0] must be a TaskConcept object; it is undefined"]);
    const bare = Object.setPrototypeOf([{ concept: { id: 5 } }], null) as unknown[];
    expect(lines(checkShape(TaskSchema, raw({ concepts: bare }), "task"))).toEqual(["task.concepts[0].concept.id: id must be a string; it is the number 5"]);
  });

  it("null or undefined as a field's own value is unset, as create() reads it, and so is an unknown key holding undefined", () => {
    const unset = { name: null, sampleMs: null, priority: null, conceptIds: null, inputSource: null, metadata: null, concepts: undefined, createdAt: undefined };
    expect(lines(checkShape(TaskSchema, raw(unset), "task"))).toEqual([]);
    expect(() => toBinary(TaskSchema, create(TaskSchema, raw(unset)))).not.toThrow();
    // Spread from an object with optional keys: create() drops them, and nothing is lost.
    const worker = { strategy: 4, workers: [{ worker: { case: "user", value: { id: "u" } } }], partitionedStrategyInfo: undefined };
    expect(lines(validateTask(raw({ type: 1, worker, input_source: undefined, colour: undefined })))).toEqual([]);
  });

  it("no task at all is the empty task create() makes of it", () => {
    const empty = validateTask(create(TaskSchema));
    expect(empty.length).toBeGreaterThan(0);
    expect(validateTask(raw(undefined))).toEqual(empty);
    expect(validateTask(raw(null))).toEqual(empty);
  });

  it("a Value or ListValue field is a message of its fields, not a JSON value (toBinary would fail on one)", () => {
    const ok = { value: { kind: { case: "numberValue", value: 1 } }, list: { values: [{ kind: { case: "stringValue", value: "a" } }] } };
    expect(shapes(ok)).toEqual([]);
    expect(() => encode(ok)).not.toThrow();
    expect(shapes({ value: 1, list: ["a"] })).toEqual(["s.value: value must be a Value object; it is the number 1", "s.list: list must be a ListValue object; it is an array"]);
    expect(() => encode({ value: 1 })).toThrow();
  });

  it("a task's metadata, a Struct, is a plain JSON object, whatever it holds", () => {
    expect(lines(checkShape(TaskSchema, raw({ metadata: { a: [1, { b: null }], c: "d" } }), "task"))).toEqual([]);
    expect(lines(checkShape(TaskSchema, raw({ metadata: "a=1" }), "task"))).toEqual([
      'task.metadata: metadata is a google.protobuf.Struct, written as a plain JSON object; it is the string "a=1"',
    ]);
  });

  it("a message decoded with fields this client does not know is sent back as it is", () => {
    const task = create(TaskSchema, { type: 1, name: "n", worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "u" } } }] } });
    // Field 999, varint 1: a field a newer API version added.
    const decoded = fromBinary(TaskSchema, new Uint8Array([...toBinary(TaskSchema, task), 0xb8, 0x3e, 0x01]));
    expect(decoded.$unknown).toHaveLength(1);
    expect(validateTask(decoded)).toEqual([]);
  });
});

describe("oneofs", () => {
  const worker = (w: unknown) => lines(validateTask(raw({ type: 1, worker: { strategy: 4, workers: [{ worker: w }] } })));
  const generic = 'task.worker.workers[0].worker: worker is a oneof: write worker: { case: "user", value: … } (case is one of user, model, workflow)';

  it.each([
    ["two cases written flat", { user: { id: "u" }, model: { id: "m" } }],
    ["an empty object", {}],
    ["a string", "u"],
  ])("%s: the { case, value } form and the cases", (_, w) => {
    expect(worker(w)).toEqual([generic]);
  });

  it("a case that is not a string, or close to none, is named with the cases", () => {
    expect(worker({ case: 1, value: { id: "u" } })).toEqual([
      "task.worker.workers[0].worker: case the number 1 is not a case of the oneof worker (user, model, workflow)",
    ]);
    expect(worker({ case: "superuser", value: { id: "u" } })).toEqual([
      'task.worker.workers[0].worker: case "superuser" is not a case of the oneof worker (user, model, workflow)',
    ]);
  });

  it("a case without its value is named, instead of a TypeError from the rules", () => {
    expect(worker({ case: "model", value: null })).toEqual(["task.worker.workers[0].model: model must be a Model object; it is null"]);
    const [missing, ...more] = validateTask(raw({ type: 1, worker: { strategy: 4, workers: [{ worker: { case: "workflow" } }] } }));
    expect(more).toEqual([]);
    expect(missing).toMatchObject({ path: "task.worker.workers[0].workflow", message: expect.stringMatching(/^workflow must be a Workflow object; it is /) });
  });

  it("null or undefined is an unset oneof, as create() reads it", () => {
    const empty = "task.worker.workers[0]: a worker must be a user, a model or a workflow; this one is empty";
    expect(worker(null)).toEqual([empty]);
    expect(worker(undefined)).toEqual([empty]);
    expect(worker({ case: undefined })).toEqual([empty]);
  });

  it("at the top (an empty path), the oneof and its case are named alone", () => {
    expect(lines(checkShape(WorkerSchema, raw({ worker: { case: "user", value: { id: 5 } } }), ""))).toEqual(["user.id: id must be a string; it is the number 5"]);
    expect(lines(checkShape(WorkerSchema, raw({ worker: "u" }), ""))).toEqual([
      'worker: worker is a oneof: write worker: { case: "user", value: … } (case is one of user, model, workflow)',
    ]);
  });
});

describe("shape issues and the rules' issues together", () => {
  const user = (id: string) => ({ worker: { case: "user", value: { id } } });
  const task = (changes: object) => lines(validateTask(raw({ type: 1, worker: { strategy: 4, workers: [user("u1")] }, ...changes }), "t"));

  it("a rule's issue elsewhere in the task is kept beside a shape issue", () => {
    const review = { strategy: 3, strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 1, approvalThresholdReviewers: 2 } } };
    expect(task({ colour: "blue", review })).toEqual([
      't.colour: unknown field "colour" in Task: Task has no such field, and it would be dropped before sending',
      "t.review.consensusStrategyInfo.approvalThresholdReviewers: approvalThresholdReviewers must be 1 (one reviewer approves), -1 (every reviewer) or 0 (not set, read as 1); it is 2",
    ]);
  });

  it("the echo of a malformed item is left out, but not the issues of workers[10] for a malformed workers[1]", () => {
    const workers: unknown[] = Array.from({ length: 11 }, (_, i) => user(`u${i}`));
    workers[1] = { $typeName: "clarifai.api.User", id: "u1" };
    workers[10] = user("");
    expect(task({ worker: { strategy: 4, workers } })).toEqual([
      "t.worker.workers[1]: workers[1] must be a Worker; it is a clarifai.api.User message",
      "t.worker.workers[10].user.id: a user worker needs an id",
    ]);
  });

  it("an issue of the list that holds a malformed item is left out: the item's shape is what to fix", () => {
    const workers = [{ worker: { case: "model", value: { id: "m1" } } }, { model: { id: "m2" } }];
    expect(task({ type: 0, worker: { strategy: 4, workers } })).toEqual([
      't.worker.workers[1].model: model is a case of the oneof worker: write worker: { case: "model", value: { id: "m2" } }',
    ]);
  });
});
