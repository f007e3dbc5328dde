// An esbuild plugin for scripts/build.mjs: in the bundles, each generated file's descriptor is read
// from JSON by src/hydrate-file.ts instead of decoded from the base64 that protoc-gen-es embeds.
//
// `fileDesc("Ch…", [deps])` in gen/**/*_pb.ts, in protobuf-es' own well-known types and in connect's
// google.rpc.Status (read for grpc-status-details-bin, loaded with the transport) decodes a
// FileDescriptorProto with the reflective binary decoder, cold, at import: about a tenth of a cold start
// (import + first call) on Node 20, StatusCode's 433 values alone 4–9 ms. gen/ itself is untouched (buf
// generate's output, which the tests load). The build proves, file by file, that hydrateFile gives
// exactly the message `fileDesc` decodes (same fields set, same values, same prototypes), and fails
// otherwise.
import { fromBinary } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import * as wkt from "@bufbuild/protobuf/wkt";
import * as esbuild from "esbuild";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const FILE_DESC = /\bfileDesc\("([A-Za-z0-9+/=]*)"/;
/** Where the generated files are whose fileDesc calls the plugin replaces, besides gen/. */
const PROTOBUF_WKT = "node_modules/@bufbuild/protobuf/dist/esm/wkt/google/protobuf/";
const CONNECT_STATUS = "node_modules/@connectrpc/connect/dist/esm/protocol-grpc/gen/status_pb.js";

/** `google.protobuf.DescriptorProto.ExtensionRange` → `DescriptorProto_ExtensionRangeSchema`, as descriptor_pb exports it. */
function schemaName(typeName) {
  return `${typeName.replace(/^google\.protobuf\./, "").replaceAll(".", "_")}Schema`;
}

/**
 * `proto` as the JSON hydrateFile reads, and the names of the descriptor_pb schemas its `$` indexes.
 * Empty lists are left to `create`, and `dependency` to hydrateFile, which sets it from the imports.
 */
function descriptorJson(proto) {
  const schemas = [];
  const tree = (v) => {
    if (Array.isArray(v)) return v.map(tree);
    if (v instanceof Uint8Array) return { "#u8": base64Encode(v) };
    if (typeof v === "bigint") throw new Error("descriptor-literals: a 64-bit integer in a descriptor, which the JSON does not carry");
    if (v === null || typeof v !== "object") return v;
    const out = {};
    if (v.$typeName !== undefined) {
      const name = schemaName(v.$typeName);
      if (!schemas.includes(name)) schemas.push(name);
      out.$ = schemas.indexOf(name);
    }
    for (const k of Object.keys(v)) {
      if (k === "$typeName" || (Array.isArray(v[k]) && v[k].length === 0)) continue;
      if (k === "dependency" && v.$typeName === "google.protobuf.FileDescriptorProto") continue;
      out[k] = tree(v[k]);
    }
    return out;
  };
  return { json: JSON.stringify(tree(proto)), schemas };
}

/** Where `a` and `b` differ (own keys, prototypes, values), or undefined when they are the same. */
function difference(a, b, path) {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]) ? undefined : path;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return Object.is(a, b) ? undefined : path;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path} (prototype)`;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length || keys.some((k) => !Object.hasOwn(b, k))) return `${path} (fields ${keys} / ${Object.keys(b)})`;
  for (const k of keys) {
    const d = difference(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

/**
 * Every generated file as `fileDesc` gives it, by proto file name (ours from gen/, and the well-known
 * types), and src/hydrate-file.ts's `hydrateFile`, loaded from a build of the sources.
 */
async function load(root, genFiles) {
  const files = new Map();
  const collect = (module) => {
    for (const [name, value] of Object.entries(module)) if (name.startsWith("file_") && value?.proto) files.set(value.proto.name, value);
  };
  collect(wkt);
  collect(await import(pathToFileURL(join(root, CONNECT_STATUS)).href));
  // Inside the project, so that the build's imports of protobuf-es resolve to node_modules (one copy,
  // the one `wkt` above comes from: the check compares prototypes).
  mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
  const tmp = mkdtempSync(join(root, "node_modules/.cache/clarifai-descriptors-"));
  try {
    const entryPoints = [...genFiles, "src/hydrate-file.ts"];
    const result = await esbuild.build({ absWorkingDir: root, entryPoints, outdir: tmp, outbase: ".", bundle: true, splitting: true, format: "esm", platform: "node", packages: "external", write: true, metafile: true, logLevel: "warning" });
    let hydrateFile;
    for (const [out, output] of Object.entries(result.metafile.outputs)) {
      if (!out.endsWith(".js")) continue;
      const module = await import(pathToFileURL(join(root, out)).href);
      collect(module);
      if (output.entryPoint === "src/hydrate-file.ts") hydrateFile = module.hydrateFile;
    }
    return { files, hydrateFile };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The plugin. `root` is the project, `genFiles` the generated files (paths relative to it).
 * @returns {Promise<import("esbuild").Plugin>}
 */
export async function descriptorLiterals(root, genFiles) {
  const { files, hydrateFile } = await load(root, genFiles);
  const hydrate = join(root, "src/hydrate-file.ts");
  const descriptorPb = join(root, PROTOBUF_WKT, "descriptor_pb.js");
  const generated = (path) => /[\\/]gen[\\/].*_pb\.ts$/.test(path) || path.startsWith(join(root, PROTOBUF_WKT)) || path === join(root, CONNECT_STATUS);
  const checked = new Set();
  return {
    name: "descriptor-literals",
    setup(build) {
      // descriptor_pb itself is built by protobuf-es' boot(), not fileDesc: the regex finds nothing there.
      build.onLoad({ filter: /_pb\.[jt]s$/ }, (args) => {
        if (!generated(args.path)) return undefined;
        const source = readFileSync(args.path, "utf8");
        const loader = args.path.endsWith(".ts") ? "ts" : "js";
        const match = FILE_DESC.exec(source);
        if (!match) return { contents: source, loader };
        const { name } = fromBinary(wkt.FileDescriptorProtoSchema, Buffer.from(match[1], "base64"));
        const file = files.get(name);
        if (!file) throw new Error(`descriptor-literals: no decoded descriptor for ${name} (${args.path})`);
        const { json, schemas } = descriptorJson(file.proto);
        if (!checked.has(name)) {
          const imports = file.proto.dependency.map((dep) => files.get(dep));
          const hydrated = hydrateFile(json, schemas.map((s) => wkt[s]), imports.length ? imports : undefined);
          const where = difference(hydrated.proto, file.proto, name);
          if (where) throw new Error(`descriptor-literals: hydrateFile gives ${name} a descriptor that differs from fileDesc's at ${where}`);
          checked.add(name);
        }
        const header = `import { hydrateFile as $hydrateFile } from ${JSON.stringify(hydrate)};\nimport { ${schemas.map((s) => `${s} as $${s}`).join(", ")} } from ${JSON.stringify(descriptorPb)};\n`;
        const call = `$hydrateFile(${JSON.stringify(json)}, [${schemas.map((s) => `$${s}`).join(", ")}]`;
        return { contents: header + source.replace(FILE_DESC, () => call), loader };
      });
    },
  };
}
