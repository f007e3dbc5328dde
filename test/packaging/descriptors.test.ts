// The package as built reads its descriptors from JSON (src/hydrate-file.ts, written by
// scripts/descriptor-literals.mjs) where the sources decode protoc-gen-es' base64 with `fileDesc`. The
// two must describe the same files to the last option: every file the service reaches, message by
// message, field by field, and messages must cross between the two unchanged.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { create, fromBinary, toBinary, type DescEnum, type DescFile, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import { file_clarifai_api_service } from "../../gen/clarifai/api/service_pb.js";
import { buildOnce, root } from "../support/build.js";
import { consensusTask } from "../../bench/workloads.js";

/** `file` and every file it imports, by name. */
function closure(file: DescFile, into = new Map<string, DescFile>()): Map<string, DescFile> {
  if (into.has(file.name + ".proto")) return into;
  into.set(file.name + ".proto", file);
  for (const dep of file.dependencies) closure(dep, into);
  return into;
}

/** What a descriptor tells protobuf-es' runtime, in plain data. */
function summary(file: DescFile): unknown {
  const enumSummary = (e: DescEnum) => ({ typeName: e.typeName, values: e.values.map((v) => [v.name, v.number, v.localName]), open: e.open });
  const messageSummary = (m: DescMessage): unknown => ({
    typeName: m.typeName,
    fields: m.fields.map((f) => ({
      name: f.name,
      number: f.number,
      localName: f.localName,
      jsonName: f.jsonName,
      kind: f.fieldKind,
      presence: f.presence,
      oneof: f.oneof?.name,
      type: f.fieldKind === "message" || f.fieldKind === "list" || f.fieldKind === "map" ? (f.message?.typeName ?? f.scalar ?? f.enum?.typeName) : (f.scalar ?? f.enum?.typeName),
      packed: f.fieldKind === "list" ? f.packed : undefined,
      deprecated: f.deprecated,
    })),
    oneofs: m.oneofs.map((o) => o.name),
    nestedMessages: m.nestedMessages.map(messageSummary),
    nestedEnums: m.nestedEnums.map(enumSummary),
    deprecated: m.deprecated,
  });
  const serviceSummary = (s: DescService) => ({
    typeName: s.typeName,
    methods: s.methods.map((m) => [m.name, m.localName, m.methodKind, m.input.typeName, m.output.typeName, m.idempotency, m.deprecated]),
  });
  return {
    dependencies: file.dependencies.map((d) => d.name),
    messages: file.messages.map(messageSummary),
    enums: file.enums.map(enumSummary),
    services: file.services.map(serviceSummary),
    extensions: file.extensions.map((x) => [x.typeName, x.number, x.extendee.typeName]),
  };
}

let built: Map<string, DescFile>;
let builtService: DescFile;
const sources = closure(file_clarifai_api_service);

beforeAll(async () => {
  await buildOnce();
  const entry = (await import(pathToFileURL(join(root, "dist/src/index.js")).href)) as { file_clarifai_api_service: DescFile };
  builtService = entry.file_clarifai_api_service;
  built = closure(builtService);
}, 240_000);

describe("the built package's descriptors", () => {
  it("are the files the sources describe, down to the embedded FileDescriptorProto", () => {
    expect([...built.keys()].sort()).toEqual([...sources.keys()].sort());
    for (const [name, source] of sources) {
      const shipped = built.get(name)!;
      expect(toBinary(FileDescriptorProtoSchema, shipped.proto), name).toEqual(toBinary(FileDescriptorProtoSchema, source.proto));
      expect(summary(shipped), name).toEqual(summary(source));
    }
  });

  it("carry messages both ways unchanged: the docs' consensus task inside a PostTasks request", () => {
    const sourceSchema = file_clarifai_api_service.messages.find((m) => m.name === "PostTasksRequest")!;
    const shippedSchema = builtService.messages.find((m) => m.name === "PostTasksRequest")!;
    const bytes = toBinary(sourceSchema, create(sourceSchema, { tasks: [consensusTask()] }));
    const decoded = fromBinary(shippedSchema, bytes);
    expect(toBinary(shippedSchema, decoded)).toEqual(bytes);
    expect(toBinary(sourceSchema, fromBinary(sourceSchema, toBinary(shippedSchema, decoded)))).toEqual(bytes);
  });

  it("are not decoded from base64: no fileDesc call is left in the client's bundle", async () => {
    const dir = join(root, "dist/src");
    const files = ["index.js", ...(await readdir(join(dir, "chunks"))).filter((f) => f.startsWith("client-")).map((f) => `chunks/${f}`)];
    const calls: string[] = [];
    for (const file of files) {
      const text = await readFile(join(dir, file), "utf8");
      for (const m of text.matchAll(/\bvar (\w+) = \/\* @__PURE__ \*\/ fileDesc\(/g)) calls.push(m[1]!);
    }
    expect(calls).toEqual([]);
  });
});
