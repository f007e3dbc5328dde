// What the shipped bundles call instead of protobuf-es' `fileDesc(base64, imports)`: the build
// (scripts/descriptor-literals.mjs) turns each generated file's embedded descriptor into JSON of the
// same `FileDescriptorProto`, so that loading the package does not decode ~40 KB of base64 descriptors
// with the reflective binary decoder, cold, which was about a tenth of a cold start (import + first
// call); `JSON.parse` and the walk below take a fraction of that. The sources and the tests keep the
// generated `fileDesc` calls; the build checks, file by file, that this gives the same descriptor.
import { create, createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import type { GenFile } from "@bufbuild/protobuf/codegenv2";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { base64Decode } from "@bufbuild/protobuf/wire";

/**
 * A value of the descriptor's JSON as a message value. In that JSON a message is an object whose `$`
 * is the index of its schema in `schemas` (its other keys are its set fields, by local name), a list is
 * an array, bytes are `{ "#u8": base64 }`, and any other object (an unknown field) is kept as it is.
 */
function revive(value: unknown, schemas: readonly DescMessage[]): unknown {
  if (Array.isArray(value)) return value.map((item) => revive(item, schemas));
  if (value === null || typeof value !== "object") return value;
  const json = value as Record<string, unknown>;
  if (typeof json["#u8"] === "string") return base64Decode(json["#u8"]);
  // `create` gives what `fromBinary` starts from: empty lists, unset fields reading their defaults.
  const message: Record<string, unknown> = typeof json.$ === "number" ? create(schemas[json.$]!) : {};
  for (const key of Object.keys(json)) if (key !== "$") message[key] = revive(json[key], schemas);
  return message;
}

/**
 * The file described by `json` (see {@link revive}), its imports resolved among `imports`: what
 * `fileDesc(base64, imports)` of `@bufbuild/protobuf/codegenv2` gives for the same descriptor. Like
 * `fileDesc`, it names the imports as the file's dependencies (the embedded descriptor leaves them out).
 * @internal
 */
export function hydrateFile(json: string, schemas: readonly DescMessage[], imports?: readonly GenFile[]): GenFile {
  const proto = revive(JSON.parse(json), schemas) as FileDescriptorProto;
  proto.dependency = imports?.map((f) => f.proto.name) ?? [];
  const file = createFileRegistry(proto, (name) => imports?.find((f) => f.proto.name === name)).getFile(proto.name);
  if (!file) throw new Error(`hydrateFile: ${proto.name} is not in its own registry`);
  return file;
}
