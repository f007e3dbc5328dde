// The package as built reads its descriptors from JSON (src/hydrate-file.ts, written by
// scripts/descriptor-literals.mjs) where the sources decode protoc-gen-es' base64 with `fileDesc`. The
// two must describe the same files to the last option: every file the service reaches, message by
// message, field by field, and messages must cross between the two unchanged. One difference is on
// purpose: the shipped service.proto does not import google/api/annotations.proto (only its methods'
// options use it, kept as option bytes), so that loading the client does not build descriptor.proto;
// the REST transport still reads every google.api.http rule from those bytes.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { clone, create, fromBinary, getOption, toBinary, type DescEnum, type DescFile, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { http } from "../../gen/google/api/annotations_pb.js";
import { file_clarifai_api_service } from "../../gen/clarifai/api/service_pb.js";
import { buildOnce, root } from "../support/build.js";
import { consensusTask } from "../../bench/workloads.js";

const ANNOTATIONS = "google/api/annotations.proto";

/** `file` and every file it imports, by name; `skip`: imports not to follow. */
function closure(file: DescFile, skip: readonly string[] = [], into = new Map<string, DescFile>()): Map<string, DescFile> {
  if (into.has(file.proto.name)) return into;
  into.set(file.proto.name, file);
  for (const dep of file.dependencies) if (!skip.includes(dep.proto.name)) closure(dep, skip, into);
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

type Entry = typeof import("../../src/index.js");
let entry: Entry;
let built: Map<string, DescFile>;
let builtService: DescFile;
let emulator: Emulator;
const sources = closure(file_clarifai_api_service, [ANNOTATIONS]);

beforeAll(async () => {
  await buildOnce();
  entry = (await import(pathToFileURL(join(root, "dist/src/index.js")).href)) as Entry;
  builtService = entry.file_clarifai_api_service;
  built = closure(builtService);
  emulator = await startEmulator({ users: { "descriptors-pat": "descriptors-user" } });
  return () => emulator.close();
}, 240_000);

describe("the built package's descriptors", () => {
  it("are the files the sources describe, down to the embedded FileDescriptorProto, but service.proto's options-only import", () => {
    expect(file_clarifai_api_service.proto.dependency).toContain(ANNOTATIONS);
    expect(builtService.proto.dependency).toEqual(file_clarifai_api_service.proto.dependency.filter((d) => d !== ANNOTATIONS));
    expect([...built.keys()].sort()).toEqual([...sources.keys()].sort());
    for (const [name, source] of sources) {
      const shipped = built.get(name)!;
      const expected = clone(FileDescriptorProtoSchema, source.proto);
      expected.dependency = expected.dependency.filter((d) => d !== ANNOTATIONS);
      expect(toBinary(FileDescriptorProtoSchema, shipped.proto), name).toEqual(toBinary(FileDescriptorProtoSchema, expected));
      const [a, b] = [summary(shipped), summary(source)] as { dependencies: string[] }[];
      b!.dependencies = b!.dependencies.filter((d) => d !== "google/api/annotations");
      expect(a, name).toEqual(b);
    }
  });

  it("keep every method's google.api.http rule, read from the option bytes with the extension alone", () => {
    const rules = (file: DescFile) => file.services.flatMap((s) => s.methods.map((m) => [m.name, toBinary(http.message!, getOption(m, http))]));
    expect(rules(builtService).length).toBeGreaterThan(0);
    expect(rules(builtService)).toEqual(rules(file_clarifai_api_service));
  });

  it("serve a call over every transport of the built client, REST's routes included", async () => {
    for (const transport of ["connect", "grpc-js", "rest"] as const) {
      const client = new entry.ClarifaiClient({ pat: "descriptors-pat", userId: "descriptors-user", appId: "descriptors-app", baseUrl: emulator.baseUrl, transport, retry: false });
      try {
        const id = `descriptors-${transport}`;
        await client.tasks.create(entry.labelingTask({ id, name: transport, type: "CONCEPTS_CLASSIFICATION", concepts: ["water"], workers: { strategy: "DYNAMIC", users: ["worker-1"] }, inputSource: { type: "ALL_INPUTS" } }));
        expect((await client.tasks.get(id)).name, transport).toBe(transport);
      } finally {
        await client.close();
      }
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

  it("load from every ./gen/* file, the google.api ones (not exported by the main entry) included", async () => {
    const files = (await readdir(join(root, "dist/gen"), { recursive: true })).filter((f) => f.endsWith("_pb.js"));
    expect(files).toContain(join("google", "api", "annotations_pb.js"));
    for (const file of files) {
      const module = (await import(pathToFileURL(join(root, "dist/gen", file)).href)) as Record<string, unknown>;
      const names = Object.keys(module);
      expect(names.filter((n) => n.startsWith("file_")), file).toHaveLength(1);
      expect(names.filter((n) => module[n] === undefined), file).toEqual([]);
    }
    const { http: shipped } = (await import(pathToFileURL(join(root, "dist/gen/google/api/annotations_pb.js")).href)) as { http: typeof http };
    expect(getOption(builtService.services[0]!.methods[0]!, shipped)).toEqual(getOption(builtService.services[0]!.methods[0]!, http));
  });

  it("are not decoded from base64: no fileDesc call is left in the client's files, each read from JSON", async () => {
    const dir = join(root, "dist");
    const chunks = (await readdir(join(dir, "src/chunks"))).filter((f) => f.startsWith("google-")).map((f) => `src/chunks/${f}`);
    const files = ["src/index.js", ...chunks, "gen/google/api/annotations_pb.js", "gen/google/api/http_pb.js"];
    const calls: string[] = [];
    const hydrated: string[] = [];
    for (const file of files) {
      const text = await readFile(join(dir, file), "utf8");
      // At the top of a file (`var`) or in a module esbuild sets up lazily (assigned in its wrapper).
      for (const m of text.matchAll(/\b(\w+) = \/\* @__PURE__ \*\/ fileDesc\(/g)) calls.push(`${file}: ${m[1]!}`);
      for (const m of text.matchAll(/\b(\w+) = \/\* @__PURE__ \*\/ hydrateFile\(/g)) hydrated.push(m[1]!);
    }
    expect(calls).toEqual([]);
    expect(hydrated).toEqual(expect.arrayContaining(["file_clarifai_api_status_status_code", "file_clarifai_api_resources", "file_clarifai_api_service", "file_google_api_http"]));
  });
});
