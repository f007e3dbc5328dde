// Transcoding between a request message and an HTTP request, both ways, under the RPC's
// google.api.http rule: path variables from (and into) fields, the JSON body for `body: "*"` (or a
// named field), query parameters for everything else. The REST transport encodes; the emulator
// matches and decodes; both read the same rule table.
import { create, toJson, type DescMessage, type DescMethod, type JsonObject, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { jsonToMessage, mergeJson, parseJsonText, requestReadOptions, requestWriteOptions } from "./json.js";
import { RestMappingError } from "./mapping-error.js";
import { expandPathTemplate, matchPathTemplate } from "./path-template.js";
import { appendQuery, queryToJson } from "./query.js";
import { restBindingsOf, type RestBinding } from "./rules.js";

/** An HTTP request for one call, relative to the API's base URL. */
export interface RestRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path with percent-encoded variables, e.g. `/v2/users/me/apps/a/tasks/t1`. */
  readonly path: string;
  /** Query string without `?` (empty when there is none). */
  readonly query: string;
  /** The JSON body, or `undefined` for a rule without one. */
  readonly body: string | undefined;
  /** The binding used. */
  readonly binding: RestBinding;
}

function valueAt(json: JsonObject, fieldPath: string): JsonValue | undefined {
  let value: JsonValue | undefined = json;
  for (const name of fieldPath.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = value[name];
  }
  return value;
}

/** Removes `fieldPath` from `json`, and each message on the way that it leaves empty. */
function removeAt(json: JsonObject, fieldPath: string): void {
  const [head, ...rest] = fieldPath.split(".") as [string, ...string[]];
  if (rest.length === 0) {
    delete json[head];
    return;
  }
  const child = json[head];
  if (child === null || typeof child !== "object" || Array.isArray(child)) return;
  removeAt(child, rest.join("."));
  if (Object.keys(child).length === 0) delete json[head];
}

/**
 * The HTTP request for `message` under `method`'s rule. The rule's own binding is used when every
 * path variable has a value, else the first additional binding that has all of its own: a request
 * without `user_app_id` (an app-scoped key names its app) goes to `/v2/tasks`, not
 * `/v2/users//apps//tasks`. Fields not in the path go to the body (`body: "*"`) or the query.
 *
 * Throws a {@link RestMappingError} when no binding can be filled (naming the missing fields of the
 * binding that needs the fewest), when the RPC has no rule, or when a field cannot be a parameter.
 * Unknown fields of `message` have no JSON form and are not sent.
 */
export function encodeRestRequest<S extends DescMessage>(method: DescMethod & { input: S }, message: MessageShape<S>): RestRequest {
  const bindings = restBindingsOf(method);
  if (bindings.length === 0) throw new RestMappingError("", `${method.name} has no google.api.http rule: it cannot be called over REST`);
  const json = toJson(method.input, message, requestWriteOptions) as JsonObject;
  let best: { binding: RestBinding; missing: readonly string[] } | undefined;
  for (const binding of bindings) {
    const expanded = expandPathTemplate(binding.template, (fieldPath) => {
      const v = valueAt(json, fieldPath);
      return v === undefined || v === null ? "" : String(v);
    });
    if ("missing" in expanded) {
      if (!best || expanded.missing.length < best.missing.length) best = { binding, missing: expanded.missing };
      continue;
    }
    for (const fieldPath of binding.pathFields.keys()) removeAt(json, fieldPath);
    const params = new URLSearchParams();
    let body: string | undefined;
    if (binding.body === "*") {
      body = JSON.stringify(json);
    } else {
      if (binding.body !== "") {
        body = JSON.stringify(json[binding.body] ?? {});
        delete json[binding.body];
      }
      appendQuery(params, method.input, json);
    }
    return { method: binding.httpMethod, path: expanded.path, query: params.toString(), body, binding };
  }
  const { binding, missing } = best!;
  throw new RestMappingError(
    missing[0]!,
    `${method.name}: ${missing.join(", ")} must be set: ${missing.length > 1 ? "they are" : "it is"} part of the path ${binding.template.source}`,
  );
}

/** A request that matched a binding, with the values its path gave. */
export interface RestRouteMatch {
  readonly binding: RestBinding;
  readonly pathValues: ReadonlyMap<string, string>;
}

/**
 * Finds the binding among `bindings` that serves `httpMethod` on `path` (percent-encoded, no query).
 * When several templates match, the one with more literal segments wins. Returns `{ allow }` when the
 * path matches only under other HTTP methods (a 405 answer), `undefined` when nothing matches.
 */
export function matchRestRoute(
  bindings: readonly RestBinding[],
  httpMethod: string,
  path: string,
): RestRouteMatch | { readonly allow: readonly string[] } | undefined {
  let found: RestRouteMatch | undefined;
  const allow = new Set<string>();
  for (const binding of bindings) {
    const pathValues = matchPathTemplate(binding.template, path);
    if (!pathValues) continue;
    if (binding.httpMethod !== httpMethod.toUpperCase()) {
      allow.add(binding.httpMethod);
      continue;
    }
    if (!found || binding.template.literals > found.binding.template.literals) found = { binding, pathValues };
  }
  if (found) return found;
  return allow.size > 0 ? { allow: [...allow].sort() } : undefined;
}

/** The proto-JSON object `{ a: { b: value } }` for one path variable's field path. */
function pathJson(binding: RestBinding, pathValues: ReadonlyMap<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const [fieldPath, value] of pathValues) {
    const names = fieldPath.split(".");
    let target = out;
    for (const name of names.slice(0, -1)) target = (target[name] ??= {}) as JsonObject;
    const leaf = binding.pathFields.get(fieldPath)!.at(-1)!;
    // An enum or number in a path arrives as text; proto-JSON reads numeric strings and enum names.
    target[names.at(-1)!] = leaf.fieldKind === "enum" && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}

/**
 * The request message of a matched HTTP request: the body (for `body: "*"` the whole message, for a
 * named body that field), then the query parameters (rules without `body: "*"`), then the path
 * variables, which win over anything the body said about the same fields.
 *
 * Throws a {@link RestMappingError}: a body that is not JSON or does not decode (an unknown field, a
 * bad enum name), an unknown query parameter, or query parameters on a `body: "*"` route (whose
 * fields all travel in the body; a parameter there would be silently ignored).
 */
export function decodeRestRequest(match: RestRouteMatch, query: URLSearchParams, body: string): MessageShape<DescMessage> {
  const { binding } = match;
  const schema = binding.method.input;
  const text = body.trim();
  let message: MessageShape<DescMessage>;
  if (binding.body === "*") {
    const first = [...query.keys()][0];
    if (first !== undefined) {
      throw new RestMappingError(first, `query parameter ${first}: ${binding.httpMethod} ${binding.template.source} takes every field in the JSON body`);
    }
    message = text === "" ? create(schema) : jsonToMessage(schema, parseJsonText(text), requestReadOptions);
  } else {
    message =
      binding.bodyField && text !== "" ? jsonToMessage(schema, { [binding.body]: parseJsonText(text) }, requestReadOptions) : create(schema);
    mergeJson(schema, message, queryToJson(schema, query), requestReadOptions);
  }
  mergeJson(schema, message, pathJson(binding, match.pathValues), requestReadOptions);
  return message;
}
