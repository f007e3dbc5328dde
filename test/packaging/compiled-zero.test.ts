// The bundles' copy of protobuf-es makes the empty messages of a type made often from a compiled object
// literal (scripts/compiled-zero.mjs). Here two copies of protobuf-es are bundled the same way, one with
// the plugin and one without: every message type the package has must come out the same from both,
// key by key and in the same order, with new lists, maps and oneofs for every message; the bench's
// ListTasks page must decode the same, also where code generation from strings is refused; a type is
// compiled once, on its 16th empty message; and the shipped bundles must carry the edit.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { DescFile, DescMessage, Message } from "@bufbuild/protobuf";
import { AnySchema, BytesValueSchema, FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { file_clarifai_api_service, MultiTaskResponseSchema } from "../../gen/clarifai/api/service_pb.js";
import { compiledZero, patchCreate } from "../../scripts/compiled-zero.mjs";
import { leanDecoder } from "../../scripts/lean-decoder.mjs";
import { listPage } from "../../bench/workloads.js";
import { buildOnce, root } from "../support/build.js";
import { bundleProtobuf, shippedCopies, type BundledProtobuf } from "../support/bundled-protobuf.js";
import { proto2Message, stringToInt32Entry } from "../support/proto2.js";

type Protobuf = typeof import("@bufbuild/protobuf");

/** Empty messages of a type made the generic way before its literal is compiled (ZERO_AFTER in the plugin). */
const ZERO_AFTER = 16;

/** A proto2 message (zero values on a prototype, which the plugin leaves to protobuf-es) with a list and a map. */
const PROTO2 = proto2Message("compiled_zero_test.proto", "Old", {
  messageType: [
    {
      name: "Old",
      field: [
        { name: "name", number: 1, label: Label.OPTIONAL, type: Type.STRING, defaultValue: "unnamed" },
        { name: "tags", number: 2, label: Label.REPEATED, type: Type.STRING },
        { name: "counts", number: 3, label: Label.REPEATED, type: Type.MESSAGE, typeName: ".t.Old.CountsEntry" },
      ],
      nestedType: [stringToInt32Entry("CountsEntry")],
    },
  ],
});

/** Every message type of `file` and of the files it imports, nested types included. */
function messageTypes(file: DescFile, seen = new Set<DescFile>()): DescMessage[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const nested = (m: DescMessage): DescMessage[] => [m, ...m.nestedMessages.flatMap(nested)];
  return [...file.dependencies.flatMap((d) => messageTypes(d, seen)), ...file.messages.flatMap(nested)];
}

/** protobuf-es bundled on its own as scripts/build.mjs bundles it (the decoder edits too), with or without the plugin. */
function bundleWithOrWithout(dir: string, withPlugin: boolean): Promise<BundledProtobuf<Protobuf>> {
  const plugins = withPlugin ? [leanDecoder, compiledZero] : [leanDecoder];
  return bundleProtobuf<Protobuf>(dir, withPlugin ? "compiled-zero" : "original", plugins, 'export * from "@bufbuild/protobuf";');
}

/** How many times `new Function` is called while `run` runs (the compiled literal is the only caller). */
function countCompiles(run: () => void): number {
  const real = globalThis.Function;
  let calls = 0;
  globalThis.Function = new Proxy(real, {
    construct(target, args: unknown[]) {
      calls++;
      return Reflect.construct(target, args) as object;
    },
  });
  try {
    run();
  } finally {
    globalThis.Function = real;
  }
  return calls;
}

/** JSON of a message, key order included, 64-bit integers and bytes as text. */
function json(message: unknown): string {
  return JSON.stringify(message, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `bytes:${v.join(",")}` : v));
}

/** `made` is the empty message `generic` is: the same keys in the same order, the same constants, equal lists, maps and oneofs. */
function expectSameZero(made: Message, generic: Message): void {
  expect(Object.keys(made)).toEqual(Object.keys(generic));
  expect(Object.getPrototypeOf(made)).toBe(Object.getPrototypeOf(generic));
  for (const [key, value] of Object.entries(generic)) {
    const got = (made as unknown as Record<string, unknown>)[key];
    if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
      expect(got, key).toStrictEqual(value);
      expect(Object.getPrototypeOf(got), key).toBe(Object.getPrototypeOf(value));
    } else {
      // The very constant: a bytes field's one empty array, a 64-bit zero, "" or 0.
      expect(Object.is(got, value), key).toBe(true);
    }
  }
}

describe("compiled-zero: the bundled protobuf-es makes the empty messages of a type made often from a literal, the same messages as before", () => {
  let dir: string;
  let withPlugin: BundledProtobuf<Protobuf>;
  let original: Protobuf;
  const types = [...messageTypes(file_clarifai_api_service), AnySchema, BytesValueSchema];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "compiled-zero-"));
    const [a, b] = await Promise.all([bundleWithOrWithout(dir, true), bundleWithOrWithout(dir, false)]);
    withPlugin = a;
    original = b.module;
    // Else every comparison below would hold between two unedited copies.
    expect(await readFile(a.file, "utf8")).toContain("zero = compileZero(typeName, properties);");
    expect(await readFile(b.file, "utf8")).not.toContain("compileZero");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("covers the package's types: lists, maps, oneofs, 64-bit and bytes zeros", () => {
    expect(types.map((t) => t.typeName)).toEqual(expect.arrayContaining(["clarifai.api.Task", "clarifai.api.MultiTaskResponse", "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.Any"]));
    const kinds = new Set(types.flatMap((t) => t.members.map((m) => (m.kind === "oneof" ? "oneof" : m.fieldKind === "scalar" ? `scalar ${m.scalar}` : m.fieldKind))));
    // list, map, oneof; a bytes scalar (12) and a 64-bit one (3 int64, 4 uint64).
    for (const kind of ["list", "map", "oneof", "scalar 12"]) expect(kinds, kind).toContain(kind);
    expect(kinds.has("scalar 3") || kinds.has("scalar 4")).toBe(true);
  });

  it("every type is compiled once, on its 16th empty message, and every empty message is protobuf-es' own", () => {
    // Types whose zero values are on a prototype (proto2: descriptor.proto, imported for google.api.http)
    // stay with protobuf-es' loop.
    const onPrototype = (type: DescMessage) => Object.getPrototypeOf(original.create(type)) !== Object.prototype;
    expect(types.filter(onPrototype).map((t) => t.typeName)).toContain("google.protobuf.FieldDescriptorProto");
    expect(types.filter((t) => !onPrototype(t)).length).toBeGreaterThan(40);
    for (const type of types) {
      const made: Message[] = [];
      const before = countCompiles(() => {
        for (let i = 1; i < ZERO_AFTER; i++) made.push(withPlugin.module.create(type));
      });
      expect(before, type.typeName).toBe(0);
      expect(countCompiles(() => made.push(withPlugin.module.create(type))), type.typeName).toBe(onPrototype(type) ? 0 : 1);
      expect(countCompiles(() => made.push(withPlugin.module.create(type), withPlugin.module.create(type))), type.typeName).toBe(0);
      const [generic, compiled, next] = [made[0]!, made.at(-2)!, made.at(-1)!];
      expectSameZero(compiled, generic);
      expectSameZero(next, generic);
      // The same as the unedited copy's (whose constants are its own objects: compared by value).
      expect(json(compiled)).toBe(json(original.create(type)));
      // Each message its own lists, maps and oneofs.
      for (const [key, value] of Object.entries(compiled)) {
        if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) expect((next as unknown as Record<string, unknown>)[key], `${type.typeName}.${key}`).not.toBe(value);
      }
    }
  });

  it("a list filled in one compiled empty message is empty in the next", () => {
    type Page = { tasks: unknown[] };
    for (let i = 0; i < ZERO_AFTER; i++) withPlugin.module.create(MultiTaskResponseSchema);
    const filled = withPlugin.module.create(MultiTaskResponseSchema) as unknown as Page;
    filled.tasks.push(1);
    expect((withPlugin.module.create(MultiTaskResponseSchema) as unknown as Page).tasks).toEqual([]);
  });

  it("messages with an init, and proto2 types, are made as before and compile nothing", () => {
    const compiles = countCompiles(() => {
      for (let i = 0; i < 2 * ZERO_AFTER; i++) {
        const old = withPlugin.module.create(PROTO2);
        expect(Object.getPrototypeOf(old)).not.toBe(Object.prototype);
        expect((old as unknown as { name: string }).name).toBe("unnamed");
        expect(Object.hasOwn(old, "name")).toBe(false);
        expect(json(old)).toBe(json(original.create(PROTO2)));
        const task = withPlugin.module.create(MultiTaskResponseSchema, { tasks: [{ id: `t-${i}` }] });
        expect(json(task)).toBe(json(original.create(MultiTaskResponseSchema, { tasks: [{ id: `t-${i}` }] })));
      }
    });
    // MultiTaskResponse's tasks are made with an init too; no type here has made an empty message.
    expect(compiles).toBe(0);
  });

  it("the bench's 128-task page decodes to the same messages, before and after its types are compiled", () => {
    const bytes = original.toBinary(MultiTaskResponseSchema, listPage());
    const want = json(original.fromBinary(MultiTaskResponseSchema, bytes));
    // The first decode crosses the threshold of most of its types part way through the page.
    for (let i = 0; i < 3; i++) {
      const page = withPlugin.module.fromBinary(MultiTaskResponseSchema, bytes);
      expect(json(page)).toBe(want);
      expect([...original.toBinary(MultiTaskResponseSchema, page)]).toEqual([...bytes]);
    }
  });

  it("where code generation from strings is refused, the page decodes the same, every message the generic way", async () => {
    await buildOnce();
    const bytes = original.toBinary(MultiTaskResponseSchema, listPage());
    const input = join(dir, "page.bin");
    await writeFile(input, bytes);
    // The schema from the package as built (its descriptors work with any copy of protobuf-es 2.x).
    const child = `
      const { readFileSync } = await import("node:fs");
      const pb = await import(${JSON.stringify(pathToFileURL(withPlugin.file).href)});
      const { MultiTaskResponseSchema } = await import(${JSON.stringify(pathToFileURL(join(root, "dist/src/index.js")).href)});
      let generated = "allowed";
      try { new Function("return 1"); } catch (e) { generated = e.constructor.name; }
      const page = readFileSync(${JSON.stringify(input)});
      const json = (m) => JSON.stringify(m, (_, v) => (typeof v === "bigint" ? v + "n" : v instanceof Uint8Array ? "bytes:" + v.join(",") : v));
      const out = [];
      for (let i = 0; i < 3; i++) out.push(json(pb.fromBinary(MultiTaskResponseSchema, page)));
      console.log(JSON.stringify({ generated, out }));
    `;
    // NODE_OPTIONS cleared: a loader or --import hook from the environment would run in the child too.
    const { stdout } = await promisify(execFile)(process.execPath, ["--disallow-code-generation-from-strings", "--input-type=module", "-e", child], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: "" },
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(stdout) as { generated: string; out: string[] };
    expect(result.generated).toBe("EvalError");
    const want = json(original.fromBinary(MultiTaskResponseSchema, bytes));
    expect(result.out).toEqual([want, want, want]);
  }, 300_000);

  it("a protobuf-es whose text changed fails the build, naming what it looked for", async () => {
    const source = await readFile(join(root, "node_modules/@bufbuild/protobuf/dist/esm/create.js"), "utf8");
    const edited = patchCreate(source);
    expect(edited).toContain("const ZERO_AFTER = 16;");
    expect(edited.split("zero = compileZero(typeName, properties);").length - 1).toBe(1);
    expect(() => patchCreate(source.replace("const INIT_MAP = 2;", "const INIT_MAP = 4;"))).toThrow(
      /compiled-zero: expected 1 × "const INIT_SINGULAR = 0;" in @bufbuild\/protobuf\/dist\/esm\/create\.js, found 0: protobuf-es changed/,
    );
    expect(() => patchCreate(source.replace("    return (init) => {\n        let message;", "    return (init) => {\n        let message = undefined;"))).toThrow(
      /compiled-zero: expected 1 × "const \{ properties, prototype \} = compileInitMessage\(desc\);" .* found 0/,
    );
  });

  it("the package as built carries the edit, in the client's bundle and the emulator's", async () => {
    const { texts: creates, client } = await shippedCopies("function compileCreate(");
    // The client's file and one of the emulator's chunks.
    expect(creates.length).toBeGreaterThanOrEqual(2);
    expect(creates).toContain(client);
    for (const text of creates) expect(text).toContain("zero = compileZero(typeName, properties);");
  });
});
