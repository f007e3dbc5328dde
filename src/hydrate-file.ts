// What the shipped bundles call instead of protobuf-es' `fileDesc(base64, imports)`: the build
// (scripts/descriptor-literals.mjs) turns each generated file's embedded descriptor into JSON of the
// same `FileDescriptorProto`, so that loading the package neither decodes ~40 KB of base64 with the
// reflective binary decoder, cold, nor needs google/protobuf/descriptor.proto's own schemas to do it:
// together a sixth of a cold start (import + first call). The sources and the tests keep the generated
// `fileDesc` calls; the build checks, file by file, that this gives the same descriptor.
import { createFileRegistry } from "@bufbuild/protobuf";
import type { GenFile } from "@bufbuild/protobuf/codegenv2";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { base64Decode } from "@bufbuild/protobuf/wire";

/**
 * A descriptor message type as `create(schema)` makes its messages: `lists` are the fields that start as
 * fresh empty arrays, `defaults` what unset fields read (proto2: from the prototype, not set on the message).
 */
interface MessageType {
  readonly typeName: string;
  readonly lists: readonly string[];
  readonly defaults: Readonly<Record<string, string | number | boolean>>;
}

/** The JSON the build writes: the message types, and the file, in which `$` is an index into `types`. */
interface DescriptorJson {
  readonly types: readonly MessageType[];
  readonly file: unknown;
}

/**
 * A value of the file's JSON as a message value: an object with `$` is a message of `types[$]` (its
 * other keys are its set fields, by local name), an array a list, `{ "#u8": base64 }` bytes, and any
 * other object (an unknown field) stays as it is.
 */
function revive(value: unknown, types: readonly MessageType[]): unknown {
  if (Array.isArray(value)) return value.map((item) => revive(item, types));
  if (value === null || typeof value !== "object") return value;
  const json = value as Record<string, unknown>;
  if (typeof json["#u8"] === "string") return base64Decode(json["#u8"]);
  let message: Record<string, unknown> = {};
  if (typeof json.$ === "number") {
    // The type's defaults object is the prototype of all its messages in the file, as create()'s is.
    const type = types[json.$]!;
    message = Object.create(type.defaults) as Record<string, unknown>;
    message.$typeName = type.typeName;
    for (const list of type.lists) message[list] = [];
  }
  for (const key of Object.keys(json)) if (key !== "$") message[key] = revive(json[key], types);
  return message;
}

/**
 * The file described by `json`, its imports resolved among `imports`: what `fileDesc(base64, imports)`
 * of `@bufbuild/protobuf/codegenv2` gives for the same descriptor. Like `fileDesc`, it names the
 * imports as the file's dependencies (the embedded descriptor leaves them out).
 * @internal
 */
export function hydrateFile(json: string, imports?: readonly GenFile[]): GenFile {
  const { types, file } = JSON.parse(json) as DescriptorJson;
  const proto = revive(file, types) as FileDescriptorProto;
  proto.dependency = imports?.map((f) => f.proto.name) ?? [];
  const desc = createFileRegistry(proto, (name) => imports?.find((f) => f.proto.name === name)).getFile(proto.name);
  if (!desc) throw new Error(`hydrateFile: ${proto.name} is not in its own registry`);
  return desc;
}
