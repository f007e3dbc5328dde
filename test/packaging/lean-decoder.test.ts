// The bundles' copy of protobuf-es reads each field's tag, and each short ASCII string, without a new
// array, makes a message's unknown-fields list only when it has one, and finds a field's reader in an
// array by number (scripts/lean-decoder.mjs).
// Here two copies of protobuf-es are bundled the same way, one with the plugin and one without, and
// every input must decode to the same message, or fail with the same error: the bench's ListTasks
// page, unknown fields (merged too), a map, a proto2 group and closed enum, field numbers up to the
// largest legal one with indexed properties put on Array.prototype, strings of
// every length around the fast path's limit, ASCII or not, valid UTF-8 or not, then thousands of
// corrupted inputs (fast-check, fixed seed), many of which stop at an illegal tag. The shipped bundle
// must carry every edit.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import { BinaryWriter, type BinaryReader } from "@bufbuild/protobuf/wire";
import { FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, StructSchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiTaskResponseSchema } from "../../gen/clarifai/api/service_pb.js";
import { TaskSchema } from "../../gen/clarifai/api/resources_pb.js";
import { leanDecoder, patchDecoder } from "../../scripts/lean-decoder.mjs";
import { consensusTask, listPage } from "../../bench/workloads.js";
import { root } from "../support/build.js";
import { bundleProtobuf, shippedCopies } from "../support/bundled-protobuf.js";
import { proto2Message, stringToInt32Entry } from "../support/proto2.js";

/** A bundled copy of protobuf-es, with its binary reader's class to see what the plugin did to it. */
type Protobuf = typeof import("@bufbuild/protobuf") & { BinaryReader: typeof BinaryReader };

/** The largest field number protobuf allows (2^29 − 1). */
const MAX_FIELD_NUMBER = 536_870_911;

/** A proto2 message with a group, a closed enum, a map and a nested message: what the ListTasks page lacks. */
const OUTER = proto2Message("lean_decoder_test.proto", "Outer", {
  enumType: [{ name: "Color", value: [{ name: "RED", number: 0 }, { name: "BLUE", number: 1 }] }],
  messageType: [
    {
      name: "Outer",
      field: [
        { name: "g", number: 1, label: Label.OPTIONAL, type: Type.GROUP, typeName: ".t.Outer.G" },
        { name: "colors", number: 3, label: Label.REPEATED, type: Type.ENUM, typeName: ".t.Color" },
        { name: "counts", number: 4, label: Label.REPEATED, type: Type.MESSAGE, typeName: ".t.Outer.CountsEntry" },
        { name: "next", number: 5, label: Label.OPTIONAL, type: Type.MESSAGE, typeName: ".t.Outer" },
        { name: "name", number: 6, label: Label.OPTIONAL, type: Type.STRING },
      ],
      nestedType: [{ name: "G", field: [{ name: "a", number: 2, label: Label.OPTIONAL, type: Type.INT32 }] }, stringToInt32Entry("CountsEntry")],
    },
  ],
});

/** A proto2 message whose field numbers reach the largest legal one, in a group too: the readers' array at its sparsest. */
const FAR = proto2Message("lean_decoder_far.proto", "Far", {
  messageType: [
    {
      name: "Far",
      field: [
        { name: "a", number: 1, label: Label.OPTIONAL, type: Type.INT32 },
        { name: "g", number: 2, label: Label.OPTIONAL, type: Type.GROUP, typeName: ".t.Far.G" },
        { name: "z", number: MAX_FIELD_NUMBER, label: Label.OPTIONAL, type: Type.STRING },
      ],
      nestedType: [{ name: "G", field: [{ name: "b", number: MAX_FIELD_NUMBER - 1, label: Label.OPTIONAL, type: Type.INT32 }] }],
    },
  ],
});

/** protobuf-es bundled on its own, as scripts/build.mjs bundles it, with or without the plugin. */
async function bundleLeanOrNot(dir: string, patched: boolean): Promise<Protobuf> {
  const contents = 'export * from "@bufbuild/protobuf"; export { BinaryReader } from "@bufbuild/protobuf/wire";';
  return (await bundleProtobuf<Protobuf>(dir, patched ? "patched" : "original", patched ? [leanDecoder] : [], contents)).module;
}

/** What decoding `bytes` gives: the message's bytes and value re-encoded by `encoder`, or the error's text. */
function decodeOutcome(pb: Protobuf, encoder: Protobuf, schema: DescMessage, bytes: Uint8Array): { bytes: number[]; value: Message } | { error: string } {
  let message: Message;
  try {
    message = pb.fromBinary(schema, bytes);
  } catch (e) {
    return { error: String(e) };
  }
  return { bytes: [...encoder.toBinary(schema, message)], value: message };
}

describe("lean-decoder: the bundled protobuf-es reads tags and short strings without an array each, and decodes as before", () => {
  let dir: string;
  let patched: Protobuf;
  let original: Protobuf;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lean-decoder-"));
    [patched, original] = await Promise.all([bundleLeanOrNot(dir, true), bundleLeanOrNot(dir, false)]);
    // Else every comparison below would hold between two unedited copies.
    expect(typeof (patched.BinaryReader.prototype as { tagBits?: unknown }).tagBits).toBe("function");
    expect((original.BinaryReader.prototype as { tagBits?: unknown }).tagBits).toBeUndefined();
    expect(String(patched.BinaryReader.prototype.string)).toContain("ASCII_CODES[len]");
    expect(String(original.BinaryReader.prototype.string)).toContain("new Array(len)");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Both copies decode `bytes` of `schema` alike (the original copy re-encodes both). */
  function expectSameDecode(schema: DescMessage, bytes: Uint8Array): ReturnType<typeof decodeOutcome> {
    const want = decodeOutcome(original, original, schema, bytes);
    expect(decodeOutcome(patched, original, schema, bytes)).toEqual(want);
    return want;
  }

  const pageBytes = (pb: Protobuf) => pb.toBinary(MultiTaskResponseSchema, listPage());

  it("the bench's 128-task page, a Struct (maps, oneofs, recursion) and unknown fields decode the same", () => {
    const page = expectSameDecode(MultiTaskResponseSchema, pageBytes(original));
    expect("value" in page && (page.value as unknown as { tasks: unknown[] }).tasks).toHaveLength(128);

    const struct = original.toBinary(StructSchema, create(StructSchema, { fields: { a: { kind: { case: "structValue", value: { fields: { b: { kind: { case: "numberValue", value: 2 } } } } } } } }));
    expectSameDecode(StructSchema, struct);

    // A Task followed by fields it does not have (numbers 9000 varint, 9001 bytes, 9002 fixed64, 9003 fixed32).
    const writer = new BinaryWriter();
    writer.tag(9000, 0).uint64(123n).tag(9001, 2).bytes(new Uint8Array([1, 2, 3])).tag(9002, 1).fixed64(7n).tag(9003, 5).fixed32(9);
    const task = original.toBinary(TaskSchema, consensusTask());
    const withUnknown = new Uint8Array([...task, ...writer.finish()]);
    const outcome = expectSameDecode(TaskSchema, withUnknown);
    expect("value" in outcome && outcome.value.$unknown?.map((u) => u.no)).toEqual([9000, 9001, 9002, 9003]);
    // Merged into a message that has unknown fields already, and without unknown fields: the same.
    const merged = (pb: Protobuf, more: Uint8Array) => {
      const message = pb.fromBinary(TaskSchema, withUnknown);
      pb.mergeFromBinary(TaskSchema, message, more);
      return message.$unknown?.map((u) => u.no);
    };
    expect(merged(patched, withUnknown)).toEqual([9000, 9001, 9002, 9003, 9000, 9001, 9002, 9003]);
    expect(merged(original, withUnknown)).toEqual(merged(patched, withUnknown));
    expect(merged(patched, task)).toEqual([9000, 9001, 9002, 9003]);
    expect(merged(original, task)).toEqual(merged(patched, task));
    expect(Object.hasOwn(patched.fromBinary(TaskSchema, task), "$unknown")).toBe(false);
  });

  it("a proto2 group, a closed enum's unknown value, a map and recursion decode the same", () => {
    const outer = create(OUTER, { g: { a: 7 }, colors: [1, 0], counts: { x: 1, y: 2 }, next: { g: { a: -1 }, name: "inner" }, name: "outer" } as never);
    const bytes = original.toBinary(OUTER, outer);
    const writer = new BinaryWriter();
    writer.tag(3, 0).int32(5); // colors = 5: not a Color, kept as an unknown field by a closed enum
    const outcome = expectSameDecode(OUTER, new Uint8Array([...bytes, ...writer.finish()]));
    expect("value" in outcome && (outcome.value as unknown as { g: { a: number } }).g.a).toBe(7);
    // The group's end tag must match its start: a wrong one is an error in both.
    const badEnd = Uint8Array.from(bytes);
    const end = badEnd.indexOf((1 << 3) | 4);
    badEnd[end] = (2 << 3) | 4;
    expect(expectSameDecode(OUTER, badEnd)).toEqual({ error: expect.stringMatching(/end group|illegal|premature/) });
  });

  it("field numbers up to the largest legal one find their readers, and numbers a type lacks stay unknown, whatever Array.prototype holds", () => {
    // a = 5, the group g { b = 7 } (whose field is the second largest number), z = "far" (the largest),
    // then numbers the message lacks: 3, 100, the largest but two, and inside the group 1 and 3.
    const writer = new BinaryWriter();
    writer.tag(1, 0).int32(5);
    writer.tag(2, 3).tag(1, 0).int32(8).tag(MAX_FIELD_NUMBER - 1, 0).int32(7).tag(3, 0).int32(9).tag(2, 4);
    writer.tag(MAX_FIELD_NUMBER, 2).string("far").tag(3, 0).int32(1).tag(100, 2).string("x").tag(MAX_FIELD_NUMBER - 2, 0).int32(2);
    const bytes = writer.finish();
    const read = (outcome: ReturnType<typeof decodeOutcome>) => {
      if (!("value" in outcome)) throw new Error(outcome.error);
      const far = outcome.value as unknown as { a: number; z: string; g: { b: number; $unknown?: { no: number }[] }; $unknown?: { no: number }[] };
      return { a: far.a, z: far.z, b: far.g.b, unknown: far.$unknown?.map((u) => u.no), groupUnknown: far.g.$unknown?.map((u) => u.no) };
    };
    const want = { a: 5, z: "far", b: 7, unknown: [3, 100, MAX_FIELD_NUMBER - 2], groupUnknown: [1, 3] };
    expect(read(expectSameDecode(FAR, bytes))).toEqual(want);
    // The readers are looked up by index: an index the array lacks must not reach Array.prototype
    // (with a prototype, these would be called as readers of fields 1, 3 and 100).
    const inherited = [1, 3, 100].map(String);
    const trap = () => {
      throw new Error("an inherited property was read as a field reader");
    };
    try {
      for (const index of inherited) Object.defineProperty(Array.prototype, index, { value: trap, configurable: true, writable: true });
      expect(read(decodeOutcome(patched, original, FAR, bytes))).toEqual(want);
    } finally {
      for (const index of inherited) delete (Array.prototype as unknown as Record<string, unknown>)[index];
    }
    expect(Object.hasOwn(Array.prototype, "3")).toBe(false);
  });

  it("strings of every length up to and past the fast path's 32 bytes, ASCII or not, decode the same", () => {
    // Field 6 of Outer is a proto2 string (not checked as UTF-8), field 1 of Task (its id) a proto3 one
    // (checked): invalid UTF-8 becomes U+FFFD in the first and an error in the second.
    const stringField = (no: number, bytes: readonly number[]) => {
      const writer = new BinaryWriter();
      writer.tag(no, 2).bytes(Uint8Array.from(bytes));
      return writer.finish();
    };
    const seen = new Set<string>();
    for (let len = 0; len <= 40; len++) {
      const ascii = Array.from({ length: len }, (_, i) => 0x20 + ((len * 7 + i * 13) % 0x5f));
      // One length after another, each reusing its array: every value must be its own bytes.
      const variants = [ascii, ascii.map((b, i) => (i === len - 1 ? 0x7f : b)), ascii.map((b, i) => (i === len >> 1 ? 0x80 : b))];
      if (len >= 2) variants.push(ascii.map((b, i) => (i === len - 2 ? 0xc3 : i === len - 1 ? 0xa9 : b))); // "é" at the end
      for (const bytes of variants) {
        const outer = expectSameDecode(OUTER, stringField(6, bytes));
        if ("value" in outer) seen.add((outer.value as unknown as { name: string }).name);
        expectSameDecode(TaskSchema, stringField(1, bytes));
      }
    }
    // Two strings of one length, one in a nested message read first: each keeps its own bytes.
    const writer = new BinaryWriter();
    writer.tag(5, 2).fork().tag(6, 2).string("abcde").join().tag(6, 2).string("vwxyz");
    const nested = expectSameDecode(OUTER, writer.finish());
    expect("value" in nested && (nested.value as unknown as { name: string; next: { name: string } })).toMatchObject({ name: "vwxyz", next: { name: "abcde" } });
    expect(seen.has("")).toBe(true);
    expect(seen.has(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => 0x20 + ((32 * 7 + i * 13) % 0x5f))))).toBe(true);
    expect([...seen].some((s) => s.includes("\uFFFD"))).toBe(true);
    expect([...seen].some((s) => s.endsWith("é"))).toBe(true);
  });

  it("corrupted inputs decode the same or fail with the same error, illegal tags included", () => {
    const inputs: [DescMessage, Uint8Array][] = [
      [TaskSchema, original.toBinary(TaskSchema, consensusTask())],
      [OUTER, original.toBinary(OUTER, create(OUTER, { g: { a: 3 }, colors: [1], counts: { k: 4 }, next: { name: "n" } } as never))],
    ];
    const errors = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.nat(inputs.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "cut")), { minLength: 1, maxLength: 4 }),
        (which, edits) => {
          const [schema, clean] = inputs[which]!;
          const bytes = [...clean];
          for (const [at, byte, how] of edits) {
            const i = at % (bytes.length + 1);
            if (how === "set" && i < bytes.length) bytes[i] = byte;
            else if (how === "insert") bytes.splice(i, 0, byte);
            else bytes.splice(i);
          }
          const outcome = expectSameDecode(schema, Uint8Array.from(bytes));
          if ("error" in outcome) {
            const kind = outcome.error.replace(/\d+/g, "N");
            errors.set(kind, (errors.get(kind) ?? 0) + 1);
          }
        },
      ),
      { numRuns: 3000, seed: Number(process.env["FUZZ_SEED"] ?? 20261203) },
    );
    // The corpus reaches the paths the plugin changed: tags that are not legal, both ways.
    expect(errors.get("Error: illegal tag: field no N wire type N")).toBeGreaterThan(20);
    expect(errors.get("Error: invalid end group tag")).toBeGreaterThan(20);
  });

  it("tags that are not legal fail alike: field 0, wire types 6 and 7, a tag past 32 bits", () => {
    const task = original.toBinary(TaskSchema, consensusTask());
    const cases = [[0x00], [(1 << 3) | 6], [(1 << 3) | 7], [0xff, 0xff, 0xff, 0xff, 0x1f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]];
    const errors = cases.map((prefix) => expectSameDecode(TaskSchema, new Uint8Array([...prefix, ...task])));
    expect(errors).toEqual([
      { error: "Error: illegal tag: field no 0 wire type 0" },
      { error: "Error: illegal tag: field no 1 wire type 6" },
      { error: "Error: illegal tag: field no 1 wire type 7" },
      { error: "Error: illegal tag: varint overflows uint32" },
      { error: "Error: illegal tag: varint overflows uint32" },
    ]);
  });

  it("a protobuf-es whose text changed fails the build, naming what it looked for", async () => {
    const decoder = await readFile(join(root, "node_modules/@bufbuild/protobuf/dist/esm/from-binary.js"), "utf8");
    const patchedDecoder = patchDecoder("from-binary.js", decoder);
    expect(patchedDecoder).not.toContain("reader.tag()");
    // The message and group decoders make their list at the first unknown field; the closed-enum
    // reader, which makes one only for an unknown value, keeps its own line.
    expect(patchedDecoder.split("(unknownFields ??= []).push(").length - 1).toBe(2);
    expect(patchedDecoder.split("const unknownFields = (_a = message.$unknown) !== null && _a !== void 0 ? _a : [];").length - 1).toBe(1);
    const unknownChanged = decoder.replace("if (unknownFields.length > 0) {", "if (unknownFields.length !== 0) {");
    expect(() => patchDecoder("from-binary.js", unknownChanged)).toThrow(/lean-decoder: expected 2 × "if \(unknownFields\.length > 0\) \{" in @bufbuild\/protobuf\/dist\/esm\/from-binary\.js, found 1/);
    // Field readers by index, in an array without a prototype: no Map left in either decoder.
    expect(patchedDecoder).toContain("const fieldReaders = Object.setPrototypeOf([], null);");
    expect(patchedDecoder).not.toContain("fieldReaders.get(");
    expect(patchedDecoder).not.toContain("fieldReaders.set(");
    expect(() => patchDecoder("from-binary.js", decoder.replace("const fieldReaders = new Map();", "const fieldReaders = new Map([]);"))).toThrow(/lean-decoder: expected 1 × "const fieldReaders = new Map\(\);" .* found 0/);
    const changed = decoder.replace("const [fieldNo, wireType] = reader.tag();", "const [fieldNo, wireType] = reader.readTag();");
    expect(() => patchDecoder("from-binary.js", changed)).toThrow(/lean-decoder: expected 2 × "const \[fieldNo, wireType\] = reader\.tag\(\);" in @bufbuild\/protobuf\/dist\/esm\/from-binary\.js, found 1/);
    const reader = await readFile(join(root, "node_modules/@bufbuild/protobuf/dist/esm/wire/binary-encoding.js"), "utf8");
    expect(() => patchDecoder("wire/binary-encoding.js", reader.replace("return [fieldNo, wireType];", "return [fieldNo, wireType, 0];"))).toThrow(/found 0/);
    expect(patchDecoder("wire/binary-encoding.js", reader)).toContain("const codes = ASCII_CODES[len];");
    for (const changed of [reader.replace("const codes = new Array(len);", "const codes = [];"), reader.replace("if (len <= ASCII_MAX_LENGTH) {\n            const codes", "if (len <= 64) {\n            const codes")]) {
      expect(() => patchDecoder("wire/binary-encoding.js", changed)).toThrow(/lean-decoder: expected 1 × "if \(len <= ASCII_MAX_LENGTH\) \{" .* found 0/);
    }
  });

  it("the package as built decodes with tagBits and reused string arrays, in the client's bundle and the emulator's", async () => {
    const { texts: decoders, client } = await shippedCopies("from binary: maximum recursion depth");
    // The client's file and one of the emulator's chunks.
    expect(decoders.length).toBeGreaterThanOrEqual(2);
    expect(decoders).toContain(client);
    for (const text of decoders) {
      expect(text).toContain("reader.tagBits()");
      expect(text).toContain("const codes = ASCII_CODES[len];");
      expect(text).not.toContain("new Array(len)");
      expect(text).not.toContain("const [fieldNo, wireType] = reader.tag();");
      expect(text).toContain("(unknownFields ??= []).push(");
      expect(text).toContain("const fieldReader = fieldReaders[fieldNo];");
      expect(text).toContain("const fieldReader = fieldReaders[recordFieldNo];");
    }
  });
});
