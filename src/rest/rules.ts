// The one REST rule table: every binding of every `google.api.http` rule of a service, read from the
// generated descriptors at run time (never a copied list), with each path variable and body field
// resolved to its descriptor. The REST transport picks a binding from it to send a call; the emulator
// matches incoming requests against it.
import { fromBinary, mergeFromBinary, type DescField, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { HttpRuleSchema, type HttpRule } from "../../gen/google/api/http_pb.js";
import { parsePathTemplate, type PathTemplate } from "./path-template.js";

/** One way to reach an RPC over HTTP: a verb, a path template and where the request's fields go. */
export interface RestBinding {
  /** The RPC. */
  readonly method: DescMethod;
  /** Upper-case HTTP method: `GET`, `POST`, `PATCH`, `PUT`, `DELETE` (or a custom rule's kind). */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** The path variables, each resolved from the request message down to its scalar field. */
  readonly pathFields: ReadonlyMap<string, readonly DescField[]>;
  /**
   * `"*"`: every field not in the path travels in the JSON body. A field name: that field is the body,
   * the rest goes to the query. `""`: no body, every field not in the path goes to the query.
   */
  readonly body: string;
  /** The field a named body maps to (`undefined` for `"*"` and no body). */
  readonly bodyField: DescField | undefined;
  /** 0 for the rule itself, 1… for its additional bindings, in declaration order. */
  readonly index: number;
}

/** Resolves a dotted path of proto field names, e.g. `user_app_id.user_id`, or throws naming it. */
export function resolveFieldPath(message: DescMessage, fieldPath: string, where: string): DescField[] {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of fieldPath.split(".")) {
    const field: DescField | undefined = current?.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${where}: ${message.typeName} has no field ${fieldPath}`);
    fields.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields;
}

function bindingOf(method: DescMethod, rule: HttpRule, index: number): RestBinding {
  const where = `${method.parent.typeName}.${method.name} (google.api.http${index ? ` additional_bindings[${index - 1}]` : ""})`;
  const pattern = rule.pattern;
  if (pattern.case === undefined) throw new Error(`${where}: no verb and path`);
  const [httpMethod, path] = pattern.case === "custom" ? [pattern.value.kind, pattern.value.path] : [pattern.case.toUpperCase(), pattern.value];
  const template = parsePathTemplate(path);
  const pathFields = new Map<string, readonly DescField[]>();
  for (const segment of template.segments) {
    if (segment.kind !== "variable") continue;
    const fields = resolveFieldPath(method.input, segment.fieldPath, where);
    const leaf = fields[fields.length - 1]!;
    // The rules allow only singular non-message fields in a path.
    if (leaf.fieldKind !== "scalar" && leaf.fieldKind !== "enum") throw new Error(`${where}: path variable ${segment.fieldPath} is not a singular scalar`);
    pathFields.set(segment.fieldPath, fields);
  }
  let bodyField: DescField | undefined;
  if (rule.body !== "" && rule.body !== "*") {
    bodyField = method.input.fields.find((f) => f.name === rule.body);
    if (!bodyField || bodyField.fieldKind === "list" || bodyField.fieldKind === "map") throw new Error(`${where}: body ${rule.body} is not a singular top-level field`);
  }
  return { method, httpMethod, template, pathFields, body: rule.body, bodyField, index };
}

/**
 * The field number of the `google.api.http` extension of `MethodOptions` (google/api/annotations.proto;
 * test/rest/http-option.test.ts checks it against the generated extension). The rule is read from the
 * method's option bytes, not with protobuf-es' `getOption`, which needs the extension's descriptor and so
 * google/protobuf/descriptor.proto's, built on first use: several ms of the REST transport's first call.
 * @internal
 */
export const HTTP_OPTION_FIELD = 72295728;

/** The `google.api.http` rule of `method`, if it has one (given twice, merged, as protobuf merges a message). @internal */
export function httpRuleOf(method: DescMethod): HttpRule | undefined {
  let rule: HttpRule | undefined;
  for (const field of method.proto.options?.$unknown ?? []) {
    if (field.no !== HTTP_OPTION_FIELD || field.wireType !== WireType.LengthDelimited) continue;
    // The unknown field's data is the value as it was on the wire: its length, then the message.
    const bytes = new BinaryReader(field.data).bytes();
    rule = rule === undefined ? fromBinary(HttpRuleSchema, bytes) : mergeFromBinary(HttpRuleSchema, rule, bytes);
  }
  return rule;
}

/** Every binding of every rule of `service`, rule first, then its additional bindings. */
export function restBindings(service: DescService): RestBinding[] {
  const bindings: RestBinding[] = [];
  for (const method of service.methods) {
    const rule = httpRuleOf(method);
    if (rule === undefined) continue;
    bindings.push(bindingOf(method, rule, 0), ...rule.additionalBindings.map((b, i) => bindingOf(method, b, i + 1)));
  }
  return bindings;
}

const byMethod = new WeakMap<DescMethod, readonly RestBinding[]>();

/** The bindings of one RPC (cached per service on first use); empty when it has no rule. */
export function restBindingsOf(method: DescMethod): readonly RestBinding[] {
  let found = byMethod.get(method);
  if (!found) {
    const all = restBindings(method.parent);
    for (const m of method.parent.methods) byMethod.set(m, all.filter((b) => b.method === m));
    found = byMethod.get(method)!;
  }
  return found;
}
