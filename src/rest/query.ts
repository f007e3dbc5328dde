// Query parameters as the google.api.http rules map them: every field of the request not bound by the
// path (nor by a named body) is a parameter named by its field path, `user_app_id.user_id=me`, and a
// repeated field repeats its parameter, `worker_user_ids=a&worker_user_ids=b`. Only scalar, enum and
// repeated scalar/enum leaves can travel this way (messages are walked into; lists of messages, maps
// and Struct cannot be written as parameters).
import { ScalarType, type DescField, type DescMessage, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { RestMappingError } from "./mapping-error.js";

// Well-known types whose proto-JSON is an object or array: no single parameter can carry them.
const objectJsonTypes = new Set(["google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Any"]);

/**
 * Appends the parameters for `json` (a message of `schema` in proto-JSON with proto field names) to
 * `params`. Throws a {@link RestMappingError} naming a field that cannot be a parameter.
 */
export function appendQuery(params: URLSearchParams, schema: DescMessage, json: JsonObject, prefix = ""): void {
  for (const [key, value] of Object.entries(json)) {
    const field = schema.fields.find((f) => f.name === key);
    const name = `${prefix}${key}`;
    if (!field) throw new RestMappingError(name, `${name} is not a field of ${schema.typeName}`);
    if (field.fieldKind === "map") throw new RestMappingError(name, `${name} is a map, which query parameters cannot carry`);
    if (field.fieldKind === "list") {
      if (field.listKind === "message") throw new RestMappingError(name, `${name} is a list of messages, which query parameters cannot carry`);
      for (const item of value as JsonValue[]) params.append(name, String(item));
    } else if (field.fieldKind === "message" && value !== null && typeof value === "object") {
      if (objectJsonTypes.has(field.message.typeName)) throw new RestMappingError(name, `${name} is a ${field.message.typeName}, which a query parameter cannot carry`);
      appendQuery(params, field.message, value as JsonObject, `${name}.`);
    } else {
      // Scalars, enums (by name) and well-known types whose JSON is a string (Timestamp, Duration…).
      params.append(name, String(value));
    }
  }
}

function fieldNamed(schema: DescMessage, name: string): DescField | undefined {
  return schema.fields.find((f) => f.name === name || f.jsonName === name);
}

/** A parameter's text as the JSON value fromJson expects for `field`'s scalar or enum type. */
function jsonOf(field: DescField, text: string, name: string): JsonValue {
  const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
  if (kind === "enum") return /^-?\d+$/.test(text) ? Number(text) : text;
  if (kind === "scalar" && field.scalar === ScalarType.BOOL) {
    const lower = text.toLowerCase();
    if (lower === "true" || lower === "1") return true;
    if (lower === "false" || lower === "0") return false;
    throw new RestMappingError(name, `${name} must be true or false, got ${JSON.stringify(text)}`);
  }
  // Numbers stay text: proto-JSON accepts numeric strings for every number type and checks the range.
  return text;
}

/**
 * Reads query parameters into a proto-JSON object for `schema` (proto field names; a parameter may
 * use either the proto or the JSON name at each step). Throws a {@link RestMappingError} naming an
 * unknown parameter, one that names a message, map or list of messages, and a singular field given
 * twice: a misspelt filter must not silently widen what a call reads or changes.
 */
export function queryToJson(schema: DescMessage, params: URLSearchParams): JsonObject {
  const out: JsonObject = {};
  for (const [name, text] of params) {
    let target = out;
    let message = schema;
    const parts = name.split(".");
    for (const [i, part] of parts.entries()) {
      const field = fieldNamed(message, part);
      if (!field) throw new RestMappingError(name, `query parameter ${name}: ${message.typeName} has no field ${part}`);
      const last = i === parts.length - 1;
      if (!last) {
        if (field.fieldKind !== "message") throw new RestMappingError(name, `query parameter ${name}: ${field.name} is not a message`);
        target = (target[field.name] ??= {}) as JsonObject;
        message = field.message;
        continue;
      }
      if (field.fieldKind === "map" || (field.fieldKind === "list" && field.listKind === "message")) {
        throw new RestMappingError(name, `query parameter ${name}: ${field.name} cannot be given as a parameter`);
      }
      if (field.fieldKind === "message" && objectJsonTypes.has(field.message.typeName)) {
        throw new RestMappingError(name, `query parameter ${name}: ${field.name} is a ${field.message.typeName}, which no parameter can carry`);
      }
      // Of the messages, only well-known types written as one string (Timestamp, Duration…) fit.
      if (field.fieldKind === "message" && !field.message.typeName.startsWith("google.protobuf.")) {
        throw new RestMappingError(name, `query parameter ${name}: ${field.name} is a ${field.message.typeName}; give its fields as ${name}.<field>=…`);
      }
      if (field.fieldKind === "list") {
        ((target[field.name] ??= []) as JsonValue[]).push(jsonOf(field, text, name));
      } else {
        if (field.name in target) throw new RestMappingError(name, `query parameter ${name} is given more than once`);
        target[field.name] = field.fieldKind === "message" ? text : jsonOf(field, text, name);
      }
    }
  }
  return out;
}
