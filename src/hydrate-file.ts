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
 * A descriptor message type as `create(schema)` makes its messages: `defaults` is what unset fields read
 * (proto2: from the prototype, not set on the message).
 */
interface MessageType {
  readonly typeName: string;
  readonly defaults: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The JSON the build writes: the message types, and the file, in which a message's `$typeName` is an
 * index into `types` until hydrateFile makes it the type's name.
 */
interface DescriptorJson {
  readonly types: readonly MessageType[];
  readonly file: unknown;
}

/**
 * Makes the file's parsed JSON into message values, in place, and returns `value` as a message value:
 * an object whose `$typeName` is a number is a message of `types[$typeName]` (its other keys are its
 * own fields, by local name, in the order `create()` sets them: lists, empty or not, then the fields
 * set), an array a list, `{ "#u8": base64 }` bytes, and any other object (an unknown field) keeps its
 * keys. In place rather than copied into new messages: the copy made every object twice at import, and
 * garbage to collect (see "Bundling and CommonJS" in the README for what it saved).
 */
function revive(value: unknown, types: readonly MessageType[]): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], types);
    return value;
  }
  if (value === null || typeof value !== "object") return value;
  const json = value as Record<string, unknown>;
  if (typeof json["#u8"] === "string") return base64Decode(json["#u8"]);
  // for…in, not Object.keys (an array per object, which cost the gain back); own keys only, so that
  // an enumerable property someone set on Object.prototype is neither walked nor copied in.
  for (const key in json) {
    const v = json[key];
    if (v !== null && typeof v === "object" && Object.hasOwn(json, key)) json[key] = revive(v, types);
  }
  const index = json.$typeName;
  if (typeof index === "number") {
    // The type's defaults object is the prototype of all its messages in the file, as create()'s is.
    const type = types[index]!;
    json.$typeName = type.typeName;
    Object.setPrototypeOf(json, type.defaults);
  }
  return json;
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
