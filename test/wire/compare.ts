// Compares the proto subset we declare (protobuf-es descriptors) with upstream's definitions (the
// oracle's protobufjs Root). Kept apart from the test so the test can also feed it deliberately broken
// descriptors and prove that each kind of difference is reported.
import { ScalarType, type DescEnum, type DescField, type DescFile, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { nestedTypes, protoCamelCase } from "@bufbuild/protobuf/reflect";
import type { PbjsEnum, PbjsField, PbjsRoot, PbjsService, PbjsType } from "../support/upstream.js";

/** protobufjs spells scalar types by their .proto keyword. */
const scalarNames: Record<ScalarType, string> = {
  [ScalarType.DOUBLE]: "double",
  [ScalarType.FLOAT]: "float",
  [ScalarType.INT64]: "int64",
  [ScalarType.UINT64]: "uint64",
  [ScalarType.INT32]: "int32",
  [ScalarType.FIXED64]: "fixed64",
  [ScalarType.FIXED32]: "fixed32",
  [ScalarType.BOOL]: "bool",
  [ScalarType.STRING]: "string",
  [ScalarType.BYTES]: "bytes",
  [ScalarType.UINT32]: "uint32",
  [ScalarType.SFIXED32]: "sfixed32",
  [ScalarType.SFIXED64]: "sfixed64",
  [ScalarType.SINT32]: "sint32",
  [ScalarType.SINT64]: "sint64",
};

/** What decides a field's wire and JSON form, reduced to comparable strings. */
interface FieldShape {
  /** "single", "repeated" or "map<keyType>". */
  cardinality: string;
  /** A scalar keyword, or the referenced message/enum full name (no leading dot). */
  type: string;
  /** The real oneof the field belongs to, or "" (none). */
  oneof: string;
}

function ourShape(field: DescField): FieldShape {
  const oneof = field.oneof?.name ?? "";
  const valueType = (kind: "scalar" | "enum" | "message", f: { scalar?: ScalarType; enum?: DescEnum; message?: DescMessage }) =>
    kind === "scalar" ? scalarNames[f.scalar as ScalarType] : kind === "enum" ? f.enum!.typeName : f.message!.typeName;
  switch (field.fieldKind) {
    case "scalar":
      return { cardinality: "single", type: scalarNames[field.scalar], oneof };
    case "enum":
      return { cardinality: "single", type: field.enum.typeName, oneof };
    case "message":
      return { cardinality: "single", type: field.message.typeName, oneof };
    case "list":
      return { cardinality: "repeated", type: valueType(field.listKind, field as never), oneof };
    case "map":
      return { cardinality: `map<${scalarNames[field.mapKey]}>`, type: valueType(field.mapKind, field as never), oneof };
  }
}

function upstreamShape(field: PbjsField): FieldShape {
  field.resolve();
  const type = field.resolvedType ? field.resolvedType.fullName.replace(/^\./, "") : field.type;
  const cardinality = field.map ? `map<${field.keyType}>` : field.repeated ? "repeated" : "single";
  return { cardinality, type, oneof: field.partOf?.name ?? "" };
}

function isType(x: unknown): x is PbjsType {
  return typeof x === "object" && x !== null && Array.isArray((x as PbjsType).fieldsArray);
}
function isEnum(x: unknown): x is PbjsEnum {
  return typeof x === "object" && x !== null && "values" in x && !("fieldsArray" in x) && typeof (x as PbjsEnum).values === "object";
}
function isService(x: unknown): x is PbjsService {
  return typeof x === "object" && x !== null && "methods" in x;
}

function compareMessage(ours: DescMessage, root: PbjsRoot, out: string[]): void {
  const path = ours.typeName;
  const theirs = root.lookup(path);
  if (!isType(theirs)) {
    out.push(`${path}: message missing upstream`);
    return;
  }
  const byName = new Map(theirs.fieldsArray.map((f) => [f.name, f]));
  const byNumber = new Map(theirs.fieldsArray.map((f) => [f.id, f]));
  for (const field of ours.fields) {
    const fpath = `${path}.${field.name}`;
    const up = byName.get(field.name);
    if (!up) {
      const taken = byNumber.get(field.number);
      out.push(taken ? `${fpath}: no such field upstream (number ${field.number} is upstream's ${taken.name})` : `${fpath}: no such field upstream`);
      continue;
    }
    if (up.id !== field.number) out.push(`${fpath}: number ${field.number}, upstream ${up.id}`);
    const a = ourShape(field);
    const b = upstreamShape(up);
    if (a.type !== b.type) out.push(`${fpath}: type ${a.type}, upstream ${b.type}`);
    if (a.cardinality !== b.cardinality) out.push(`${fpath}: cardinality ${a.cardinality}, upstream ${b.cardinality}`);
    if (a.oneof !== b.oneof) out.push(`${fpath}: oneof ${a.oneof || "(none)"}, upstream ${b.oneof || "(none)"}`);
    // Upstream sets no json_name anywhere, so its JSON name is the default lowerCamelCase of the field name.
    if (field.jsonName !== protoCamelCase(up.name)) out.push(`${fpath}: json name ${field.jsonName}, upstream ${protoCamelCase(up.name)}`);
  }
}

function compareEnum(ours: DescEnum, root: PbjsRoot, out: string[]): void {
  const path = ours.typeName;
  const theirs = root.lookup(path);
  if (!isEnum(theirs)) {
    out.push(`${path}: enum missing upstream`);
    return;
  }
  const oursByName = new Map(ours.values.map((v) => [v.name, v.number]));
  for (const [name, number] of oursByName) {
    const up = theirs.values[name];
    if (up === undefined) out.push(`${path}.${name}: no such value upstream`);
    else if (up !== number) out.push(`${path}.${name}: number ${number}, upstream ${up}`);
  }
  for (const [name, number] of Object.entries(theirs.values)) {
    if (!oursByName.has(name)) out.push(`${path}.${name}: upstream value ${number} missing`);
  }
}

function compareService(ours: DescService, root: PbjsRoot, out: string[]): void {
  const path = ours.typeName;
  const theirs = root.lookup(path);
  if (!isService(theirs)) {
    out.push(`${path}: service missing upstream`);
    return;
  }
  for (const method of ours.methods) {
    const mpath = `${path}.${method.name}`;
    const up = theirs.methods[method.name] as (PbjsService["methods"][string] & { requestStream?: boolean; responseStream?: boolean }) | undefined;
    if (!up) {
      out.push(`${mpath}: rpc missing upstream`);
      continue;
    }
    up.resolve();
    const req = up.resolvedRequestType?.fullName.replace(/^\./, "");
    const res = up.resolvedResponseType?.fullName.replace(/^\./, "");
    if (req !== method.input.typeName) out.push(`${mpath}: request ${method.input.typeName}, upstream ${req}`);
    if (res !== method.output.typeName) out.push(`${mpath}: response ${method.output.typeName}, upstream ${res}`);
    const kind = `${up.requestStream ? "client" : ""}${up.responseStream ? "server" : ""}` || "unary";
    const ourKind = { unary: "unary", server_streaming: "server", client_streaming: "client", bidi_streaming: "clientserver" }[method.methodKind];
    if (ourKind !== kind) out.push(`${mpath}: kind ${method.methodKind}, upstream ${kind}`);
  }
}

/** Every message, enum and service declared in `file`, nested messages and enums included. */
export function* declaredTypes(file: DescFile): Iterable<DescMessage | DescEnum | DescService> {
  for (const t of nestedTypes(file)) if (t.kind !== "extension") yield t;
}

/**
 * Compares every message, field, enum value and RPC declared in `files` with upstream and returns one
 * line per difference, each starting with the exact path (`clarifai.api.Task.sample_ms: number 9, upstream 10`).
 * Fields that upstream has and we leave out are not differences (they stay unknown fields on our side).
 */
export function compareWithUpstream(files: readonly DescFile[], root: PbjsRoot): string[] {
  const out: string[] = [];
  for (const file of files) {
    for (const t of declaredTypes(file)) {
      if (t.kind === "message") compareMessage(t, root, out);
      else if (t.kind === "enum") compareEnum(t, root, out);
      else compareService(t, root, out);
    }
  }
  return out;
}
