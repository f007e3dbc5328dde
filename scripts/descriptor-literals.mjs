// An esbuild plugin for scripts/build.mjs: in the bundles, each generated file's descriptor is read
// from JSON by src/hydrate-file.ts instead of decoded from the base64 that protoc-gen-es embeds.
//
// `fileDesc("Ch…", [deps])` in gen/**/*_pb.ts, in protobuf-es' own well-known types and in connect's
// google.rpc.Status (read for grpc-status-details-bin, loaded with the transport) decodes a
// FileDescriptorProto with the reflective binary decoder, cold, at import: about a tenth of a cold start
// (import + first call) on Node 20, StatusCode's 433 values alone 4–9 ms. gen/ itself is untouched (buf
// generate's output, which the tests load). The build proves, file by file, that hydrateFile gives
// exactly the message `fileDesc` decodes (same fields set, in the same order, same values, the same
// defaults on their prototypes), but for the imports it leaves out on purpose (declaresOnlyOptions),
// and fails otherwise.
import { create, fromBinary } from "@bufbuild/protobuf";
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
 * How `create(schema)` makes a message of `typeName`, as hydrateFile's JSON states it: the defaults
 * unset fields read from the prototype (its own keys, lists, are in the JSON). Descriptor messages are
 * proto2, with neither maps nor oneofs (a oneof's `{ case: undefined }` would not survive JSON): anything
 * but lists among a new message's own keys fails the build rather than be half-copied.
 */
function messageType(typeName) {
  const zero = create(wkt[schemaName(typeName)]);
  for (const key of Object.keys(zero)) {
    if (key === "$typeName") continue;
    if (!Array.isArray(zero[key]) || zero[key].length) throw new Error(`descriptor-literals: ${typeName}.${key} starts as ${String(zero[key])}, not as an empty list`);
  }
  const prototype = Object.getPrototypeOf(zero);
  if (Object.getPrototypeOf(prototype) !== Object.prototype) throw new Error(`descriptor-literals: ${typeName} has no proto2 prototype of defaults`);
  for (const [key, value] of Object.entries(prototype)) {
    if (!["string", "number", "boolean"].includes(typeof value)) throw new Error(`descriptor-literals: ${typeName}.${key} defaults to a ${typeof value}`);
  }
  return { typeName, defaults: { ...prototype } };
}

/**
 * `proto` as the JSON hydrateFile reads (src/hydrate-file.ts): every own key of every message in its
 * order, empty lists included (hydrateFile makes the parsed objects the messages, so their keys come in
 * the order `create()` gives them), but `dependency`'s names, which hydrateFile sets from the imports.
 */
function descriptorJson(proto) {
  const types = [];
  const tree = (v) => {
    if (Array.isArray(v)) return v.map(tree);
    if (v instanceof Uint8Array) return { "#u8": base64Encode(v) };
    if (typeof v === "bigint") throw new Error("descriptor-literals: a 64-bit integer in a descriptor, which the JSON does not carry");
    if (v === null || typeof v !== "object") return v;
    const out = {};
    if (v.$typeName !== undefined) {
      let index = types.findIndex((t) => t.typeName === v.$typeName);
      if (index < 0) index = types.push(messageType(v.$typeName)) - 1;
      out.$typeName = index;
    }
    for (const k of Object.keys(v)) {
      if (k === "$typeName") continue;
      out[k] = k === "dependency" && v.$typeName === "google.protobuf.FileDescriptorProto" ? [] : tree(v[k]);
    }
    return out;
  };
  return JSON.stringify({ types, file: tree(proto) });
}

/** Where `a` and `b` differ (own keys and their order, values, the defaults their prototypes hold), or undefined when they are the same. */
function difference(a, b, path) {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]) ? undefined : path;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return Object.is(a, b) ? undefined : path;
  const [pa, pb] = [Object.getPrototypeOf(a), Object.getPrototypeOf(b)];
  if (pa !== pb && (pa === Object.prototype || pb === Object.prototype || difference(pa, pb, "") !== undefined)) return `${path} (prototype)`;
  const keys = Object.keys(a);
  if (keys.join("\0") !== Object.keys(b).join("\0")) return `${path} (fields ${keys} / ${Object.keys(b)})`;
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
    for (const [name, value] of Object.entries(module)) if (name.startsWith("file_") && value?.proto) files.set(value.proto.name, { desc: value, identifier: name });
  };
  collect(wkt);
  collect(await import(pathToFileURL(join(root, CONNECT_STATUS)).href));
  // Inside the project, so that the build's imports of protobuf-es resolve to node_modules (one copy,
  // the one `wkt` above comes from).
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
 * Whether `file` only declares custom options (extensions), like google/api/annotations.proto: a file
 * importing it uses it in nothing but options, which its descriptor keeps as unknown option bytes that
 * `getOption(element, extension)` reads with the extension alone. The bundles leave such imports out,
 * so that the descriptors the client loads do not need google/protobuf/descriptor.proto's (which
 * protobuf-es builds at import, a tenth of a cold start): only the REST transport reads the options,
 * and it imports the extension itself.
 */
function declaresOnlyOptions(file) {
  return file.messages.length === 0 && file.enums.length === 0 && file.services.length === 0 && file.extensions.length > 0;
}

/**
 * The plugin. `root` is the project, `genFiles` the generated files (paths relative to it).
 * @returns {Promise<import("esbuild").Plugin>}
 */
export async function descriptorLiterals(root, genFiles) {
  const { files, hydrateFile } = await load(root, genFiles);
  const hydrate = join(root, "src/hydrate-file.ts");
  const generated = (path) => /[\\/]gen[\\/].*_pb\.ts$/.test(path) || path.startsWith(join(root, PROTOBUF_WKT)) || path === join(root, CONNECT_STATUS);
  const checked = new Set();
  return {
    name: "descriptor-literals",
    setup(build) {
      // descriptor_pb itself is built by protobuf-es' boot(), not fileDesc: the regex finds nothing there.
      build.onLoad({ filter: /_pb\.[jt]s$/ }, (args) => {
        if (!generated(args.path)) return undefined;
        let source = readFileSync(args.path, "utf8");
        const loader = args.path.endsWith(".ts") ? "ts" : "js";
        const match = FILE_DESC.exec(source);
        if (!match) return { contents: source, loader };
        const { name } = fromBinary(wkt.FileDescriptorProtoSchema, Buffer.from(match[1], "base64"));
        const file = files.get(name)?.desc;
        if (!file) throw new Error(`descriptor-literals: no decoded descriptor for ${name} (${args.path})`);
        const dependencies = file.dependencies.map((dep) => files.get(dep.proto.name));
        const dropped = dependencies.filter((dep) => declaresOnlyOptions(dep.desc));
        const imports = dependencies.filter((dep) => !dropped.includes(dep));
        const json = descriptorJson(file.proto);
        if (!checked.has(name)) {
          const hydrated = hydrateFile(json, imports.length ? imports.map((dep) => dep.desc) : undefined);
          const names = hydrated.proto.dependency;
          hydrated.proto.dependency = file.proto.dependency;
          const where = difference(hydrated.proto, file.proto, name);
          if (where) throw new Error(`descriptor-literals: hydrateFile gives ${name} a descriptor that differs from fileDesc's at ${where}`);
          if (names.join() !== imports.map((dep) => dep.desc.proto.name).join()) throw new Error(`descriptor-literals: ${name} imports ${names}`);
          checked.add(name);
        }
        for (const dep of dropped) {
          const statement = new RegExp(`^import \\{ ${dep.identifier} \\} from "[^"]+";\\r?\\n`, "m");
          if (!statement.test(source)) throw new Error(`descriptor-literals: ${args.path} imports ${dep.identifier} in a way the build does not recognize`);
          source = source.replace(statement, "");
        }
        const call = new RegExp(`${FILE_DESC.source}(?:, \\[[\\w, ]*\\])?\\)`);
        if (!call.test(source)) throw new Error(`descriptor-literals: ${args.path} calls fileDesc in a way the build does not recognize`);
        const replacement = `$hydrateFile(${JSON.stringify(json)}${imports.length ? `, [${imports.map((dep) => dep.identifier).join(", ")}]` : ""})`;
        const header = `import { hydrateFile as $hydrateFile } from ${JSON.stringify(hydrate)};\n`;
        return { contents: header + source.replace(call, () => replacement), loader };
      });
    },
  };
}
