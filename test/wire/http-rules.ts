// The google.api.http rules of our RPCs (read from the generated descriptors, as the REST transport and
// the emulator read them) and of upstream's (parsed from the oracle's service.proto by its protobufjs),
// reduced to one comparable shape, and compared rule by rule.
import { getOption, hasOption, type DescService } from "@bufbuild/protobuf";
import { http } from "../../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../../gen/google/api/http_pb.js";
import type { PbjsRoot } from "../support/upstream.js";

/** One binding of a rule: what decides the HTTP form of a call. */
export interface BindingShape {
  /** `get`, `post`, `patch`, `put`, `delete`, or `custom:<kind>`. */
  verb: string;
  path: string;
  /** `""` (no body), `"*"` or a field name. */
  body: string;
  responseBody: string;
}

/** A method's rule: its binding, then each additional binding in order. */
export type RuleShape = readonly BindingShape[];

function bindingOf(rule: HttpRule): BindingShape {
  const p = rule.pattern;
  const verb = p.case === undefined ? "" : p.case === "custom" ? `custom:${p.value.kind}` : p.case;
  const path = p.case === undefined ? "" : p.case === "custom" ? p.value.path : p.value;
  return { verb, path, body: rule.body, responseBody: rule.responseBody };
}

/** Every method's rule as our generated descriptors carry it; methods without one are left out. */
export function ourHttpRules(service: DescService): Map<string, RuleShape> {
  const rules = new Map<string, RuleShape>();
  for (const method of service.methods) {
    if (!hasOption(method, http)) continue;
    const rule = getOption(method, http);
    rules.set(method.name, [bindingOf(rule), ...rule.additionalBindings.map(bindingOf)]);
  }
  return rules;
}

const verbs = ["get", "put", "post", "delete", "patch"];

/**
 * Reads one `(google.api.http)` option object as protobufjs 6 parses it. Its parser renames every
 * `additional_bindings` block to `additional_bindings<N>` (N: a counter it keeps), so any key of that
 * form is a binding, in source order. Any other key is reported, so a rule we do not understand
 * fails the comparison instead of being read as empty.
 */
function upstreamRule(option: Record<string, unknown>, where: string): RuleShape {
  const one = (o: Record<string, unknown>, nested: boolean): BindingShape[] => {
    let verb = "";
    let path = "";
    const extra: BindingShape[] = [];
    for (const [key, value] of Object.entries(o)) {
      if (verbs.includes(key)) [verb, path] = [key, String(value)];
      else if (key === "custom") {
        const c = value as { kind: string; path: string };
        [verb, path] = [`custom:${c.kind}`, c.path];
      } else if (!nested && /^additional_bindings\d*$/.test(key)) {
        for (const b of Array.isArray(value) ? value : [value]) extra.push(...one(b as Record<string, unknown>, true));
      } else if (key !== "body" && key !== "response_body" && key !== "selector") {
        throw new Error(`${where}: unexpected key ${key} in (google.api.http)`);
      }
    }
    return [{ verb, path, body: String(o["body"] ?? ""), responseBody: String(o["response_body"] ?? "") }, ...extra];
  };
  return one(option, false);
}

/** The rules of `serviceName`'s methods named in `methods`, as upstream's service.proto declares them. */
export function upstreamHttpRules(root: PbjsRoot, serviceName: string, methods: readonly string[]): Map<string, RuleShape> {
  const service = root.lookupService(serviceName) as unknown as {
    methods: Record<string, { parsedOptions?: Record<string, unknown>[] }>;
  };
  const rules = new Map<string, RuleShape>();
  for (const name of methods) {
    const options = (service.methods[name]?.parsedOptions ?? []).filter((o) => "(google.api.http)" in o);
    if (options.length > 1) throw new Error(`${name}: ${options.length} (google.api.http) options`);
    if (options.length === 1) rules.set(name, upstreamRule(options[0]!["(google.api.http)"] as Record<string, unknown>, name));
  }
  return rules;
}

/** Every difference between two rule sets, one line each, naming the method and binding. */
export function compareHttpRules(ours: ReadonlyMap<string, RuleShape>, upstream: ReadonlyMap<string, RuleShape>): string[] {
  const problems: string[] = [];
  for (const name of new Set([...ours.keys(), ...upstream.keys()])) {
    const a = ours.get(name);
    const b = upstream.get(name);
    if (!a || !b) {
      problems.push(`${name}: rule ${a ? "not upstream's" : "missing"}`);
      continue;
    }
    if (a.length !== b.length) problems.push(`${name}: ${a.length} bindings, upstream has ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const where = i === 0 ? `${name}` : `${name} additional_bindings[${i - 1}]`;
      for (const key of ["verb", "path", "body", "responseBody"] as const) {
        if (a[i]![key] !== b[i]![key]) problems.push(`${where}: ${key} ${JSON.stringify(a[i]![key])}, upstream ${JSON.stringify(b[i]![key])}`);
      }
    }
  }
  return problems;
}
