// Helpers for feeding the oracle's protobufjs codec the docs' Node request objects.
import type { JsonValue } from "@bufbuild/protobuf";
import type { PbjsType } from "../support/upstream.js";

/** A JSON value in the shape protobufjs expects for google.protobuf.Value (camelCase even with keepCase). */
export function oracleValue(v: JsonValue): Record<string, unknown> {
  if (v === null) return { nullValue: 0 };
  if (typeof v === "number") return { numberValue: v };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(oracleValue) } };
  return { structValue: oracleStruct(v) };
}

/** A plain object (`{ "worker-1": 1 }`) in the shape protobufjs expects for google.protobuf.Struct. */
export function oracleStruct(o: { [k: string]: JsonValue }): { fields: Record<string, unknown> } {
  return { fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, oracleValue(v)])) };
}

/**
 * Rewrites a request object written the way the docs write it for the official Node stub (plain objects
 * for Struct fields) into the form protobufjs' `fromObject` understands, guided by upstream's type:
 * without this, `fromObject` turns `{ "worker-1": 1 }` into an empty Struct.
 */
export function toOracleObject(type: PbjsType, object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = new Map(type.fieldsArray.map((f) => [f.name, f.resolve()]));
  for (const [key, value] of Object.entries(object)) {
    const field = fields.get(key);
    const sub = field?.resolvedType as (PbjsType & { fullName: string }) | null | undefined;
    if (!field || !sub || !("fieldsArray" in sub) || value === null || typeof value !== "object") {
      out[key] = value;
      continue;
    }
    const convert = (v: unknown) =>
      sub.fullName === ".google.protobuf.Struct"
        ? oracleStruct(v as { [k: string]: JsonValue })
        : toOracleObject(sub, v as Record<string, unknown>);
    if (field.map) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    else if (field.repeated) out[key] = (value as unknown[]).map(convert);
    else out[key] = convert(value);
  }
  return out;
}

/**
 * The plain JSON object behind a google.protobuf.Struct as protobufjs' `toObject` renders it (any
 * `enums`/`oneofs` option: `nullValue` may be 0 or "NULL_VALUE", a `kind` key may name the case).
 */
export function fromOracleStruct(struct: { fields?: Record<string, unknown> }): { [k: string]: JsonValue } {
  return Object.fromEntries(Object.entries(struct.fields ?? {}).map(([k, v]) => [k, fromOracleValue(v as Record<string, unknown>)]));
}

function fromOracleValue(v: Record<string, unknown>): JsonValue {
  if ("nullValue" in v) return null;
  if ("numberValue" in v) return v.numberValue as number;
  if ("stringValue" in v) return v.stringValue as string;
  if ("boolValue" in v) return v.boolValue as boolean;
  if ("listValue" in v) return ((v.listValue as { values?: Record<string, unknown>[] }).values ?? []).map(fromOracleValue);
  if ("structValue" in v) return fromOracleStruct(v.structValue as { fields?: Record<string, unknown> });
  throw new Error(`not a google.protobuf.Value: ${JSON.stringify(v)}`);
}
