// google.api.http path templates: `/v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/tasks`.
// Parsed once; matched against a request path (server side) and expanded from field values (client
// side), so both directions read one grammar.

/** One `/`-separated piece of a template. */
export type TemplateSegment =
  | { readonly kind: "literal"; readonly value: string }
  /** `*`: any one segment, bound to nothing. */
  | { readonly kind: "wildcard" }
  /** `{a.b}` or `{a.b=*}`: one segment, bound to the field path `a.b` (proto field names). */
  | { readonly kind: "variable"; readonly fieldPath: string };

/** A parsed path template. */
export interface PathTemplate {
  /** The template as written in the proto. */
  readonly source: string;
  readonly segments: readonly TemplateSegment[];
  /** The custom verb after `:` in the last segment (`/v1/x:cancel`), or `""`. */
  readonly verb: string;
  /** Number of literal segments: among templates matching one path, the one with more wins. */
  readonly literals: number;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Parses a template. Supports literals, `*`, single-segment variables (`{f}`, `{f=*}`) and a trailing
 * `:verb`. Multi-segment forms (`**`, `{f=a/*}`) are refused: no rule in scope uses them, and reading
 * them wrongly would route requests to the wrong RPC.
 */
export function parsePathTemplate(source: string): PathTemplate {
  const fail = (why: string): never => {
    throw new Error(`path template ${JSON.stringify(source)}: ${why}`);
  };
  if (!source.startsWith("/")) fail("must start with /");
  let body = source.slice(1);
  let verb = "";
  // A verb follows the last segment; a `:` inside braces belongs to nobody (identifiers have none).
  const lastSlash = body.lastIndexOf("/");
  const colon = body.indexOf(":", lastSlash + 1);
  if (colon >= 0 && !body.slice(colon).includes("}")) {
    verb = body.slice(colon + 1);
    body = body.slice(0, colon);
    if (!verb) fail("empty verb after :");
  }
  const segments = body.split("/").map((part): TemplateSegment => {
    if (part === "") return fail("empty segment");
    if (part === "*") return { kind: "wildcard" };
    if (part === "**") return fail("** (multi-segment match) is not supported");
    if (part.startsWith("{")) {
      if (!part.endsWith("}")) return fail(`unclosed variable ${part}`);
      const [fieldPath, pattern] = part.slice(1, -1).split("=", 2) as [string, string | undefined];
      if (pattern !== undefined && pattern !== "*") return fail(`variable ${part}: only single-segment variables are supported`);
      if (!identifier.test(fieldPath)) return fail(`variable ${part}: not a field path`);
      return { kind: "variable", fieldPath };
    }
    if (/[{}*]/.test(part)) return fail(`segment ${part}`);
    return { kind: "literal", value: part };
  });
  return { source, segments, verb, literals: segments.filter((s) => s.kind === "literal").length };
}

/**
 * Matches a request path (as sent: percent-encoded, no query) against `template`. Returns each
 * variable's decoded value by field path, or `undefined` when the path does not match (including a
 * segment whose percent-encoding is broken: such a path names nothing).
 */
export function matchPathTemplate(template: PathTemplate, path: string): Map<string, string> | undefined {
  if (!path.startsWith("/")) return undefined;
  let rest = path.slice(1);
  if (template.verb) {
    const suffix = `:${template.verb}`;
    if (!rest.endsWith(suffix)) return undefined;
    rest = rest.slice(0, -suffix.length);
  }
  const parts = rest.split("/");
  if (parts.length !== template.segments.length) return undefined;
  const values = new Map<string, string>();
  for (const [i, segment] of template.segments.entries()) {
    let part: string;
    try {
      part = decodeURIComponent(parts[i]!);
    } catch {
      return undefined;
    }
    if (part === "") return undefined;
    if (segment.kind === "literal" && part !== segment.value) return undefined;
    if (segment.kind === "variable") values.set(segment.fieldPath, part);
  }
  return values;
}

/**
 * Percent-encodes a single-segment variable's value: everything but `[-_.~0-9a-zA-Z]`, as the
 * google.api.http rules require (stricter than `encodeURIComponent`, which leaves `!'()*`).
 */
export function encodePathSegment(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Expands `template` with the value of each variable's field path. Returns the path, or the field
 * paths whose value is empty (a path with an empty segment would name another resource or none).
 */
export function expandPathTemplate(
  template: PathTemplate,
  valueOf: (fieldPath: string) => string,
): { readonly path: string } | { readonly missing: readonly string[] } {
  const missing: string[] = [];
  const parts = template.segments.map((segment) => {
    if (segment.kind === "literal") return segment.value;
    if (segment.kind === "wildcard") {
      missing.push("*");
      return "";
    }
    const value = valueOf(segment.fieldPath);
    if (value === "") missing.push(segment.fieldPath);
    return encodePathSegment(value);
  });
  if (missing.length > 0) return { missing };
  return { path: `/${parts.join("/")}${template.verb ? `:${template.verb}` : ""}` };
}
