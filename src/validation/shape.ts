// The shape of a message or init object, checked against its schema before `create` and `toBinary`
// see it: `create` silently drops keys it does not know (a snake_case `input_source`, a typo, a oneof
// case written flat as the REST JSON writes it), copies enum names and out-of-range numbers as they
// are, and the encoder then fails with `invalid uint32` far from the caller's mistake. Each issue says
// what to write instead.

import {
  type DescEnum,
  type DescField,
  type DescMessage,
  type DescOneof,
  type MessageInitShape,
  type MessageShape,
  ScalarType,
  create,
  isMessage,
} from "@bufbuild/protobuf";
import { FLOAT32_MAX, FLOAT32_MIN, INT32_MAX, INT32_MIN } from "@bufbuild/protobuf/wire";
import { withArticle } from "./article.js";
import { fitsOf, isPlainObject } from "./fits.js";
import { INT64_RANGES, INT_RANGES } from "./int-ranges.js";
import { describeEnum, enumConstant } from "./enums.js";
import type { ValidationIssue } from "./issue.js";
import { keyPath } from "./path.js";
import { closestName, normalizeName } from "./suggest.js";

/** What {@link checkShape} adds to its messages. @internal */
export interface ShapeHints {
  /**
   * Appended to the message for an enum value given by name, e.g. `"or build the task with
   * labelingTask() or autoAnnotationTask(), which take names"`. Default: nothing.
   */
  readonly enumNames?: string;
}

/**
 * Records an issue at `path`. `covers` lists the paths of fields the caller most likely meant (the
 * `inputSource` of an `input_source`): a rule that finds them empty only echoes this issue.
 */
type Add = (path: string, message: string, covers?: readonly string[]) => void;

interface ShapeReport {
  readonly issues: ValidationIssue[];
  /** The issues' paths and the fields they name as meant. */
  readonly covered: string[];
}

// `undefined` when there is no issue.
function shapeOf(schema: DescMessage, value: unknown, path: string, hints: ShapeHints, fast = true): ShapeReport | undefined {
  // `create` makes an empty message of no init at all; within a message, null and undefined are unset
  // only as a field's or a oneof's value (`checkMessage`, `checkOneof`), not as a list item, a map value or a
  // oneof case's value, which `create` copies as they are.
  // Nearly every value a client sends is well-formed: its compiled check (fits.ts) says so without
  // building a path, an issue, a closure or a report; only a value it does not vouch for gets the full
  // check, which names the problem.
  if (value === undefined || value === null || (fast && fitsOf(schema)?.(value) === true)) return undefined;
  const report: ShapeReport = { issues: [], covered: [] };
  checkMessage(
    schema,
    value,
    path,
    (p, message, covers = []) => {
      report.issues.push({ path: p, message });
      report.covered.push(p, ...covers);
    },
    hints,
  );
  return report.issues.length > 0 ? report : undefined;
}

/**
 * Every way `value` departs from the shape of `schema`'s messages, as protobuf-es init objects and
 * messages write it: keys that are not fields (with the field most likely meant), oneofs not written
 * as `{ case, value }`, enum values given by name, numbers outside their type's range, values of the
 * wrong type. Messages made by `create` or `fromBinary` from valid input have none.
 *
 * @param path - the name of `value` in the paths, e.g. `tasks[0]`.
 * @internal
 */
export function checkShape(schema: DescMessage, value: unknown, path: string, hints: ShapeHints = {}): ValidationIssue[] {
  return shapeOf(schema, value, path, hints)?.issues ?? [];
}

/**
 * {@link checkShape} without its fast path: every value is checked in full. The fast path's tests
 * compare the two.
 * @internal
 */
export function checkShapeInFull(schema: DescMessage, value: unknown, path: string): ValidationIssue[] {
  return shapeOf(schema, value, path, {}, false)?.issues ?? [];
}

/**
 * The shape issues of `value` ({@link checkShape}), then the issues `rules` finds in the message
 * `create` makes of it, less those on the path of a shape issue (at it, above it or below it) or at a
 * field a shape issue names as meant: they are its echo (an empty worker where the caller wrote a
 * oneof case flat, an unknown enum value where it wrote a name, a missing `preQueueWorkflowId` where
 * it wrote `pre_queue_workflow_id`), and the shape issue already says what to write. Rules written
 * for well-formed messages may throw on a malformed one; then the shape issues are the answer.
 *
 * @param message - the message `create` makes of `value`, when the caller has made it already (the
 *   client sends that message, so it is not made twice).
 * @internal
 */
export function withShape<S extends DescMessage>(
  schema: S,
  value: MessageShape<S> | MessageInitShape<S>,
  path: string,
  hints: ShapeHints,
  rules: (message: MessageShape<S>) => ValidationIssue[],
  // `create` returns a message of this schema as it is, so a message is not copied.
  message: MessageShape<S> = create(schema, value),
): ValidationIssue[] {
  const shape = shapeOf(schema, value, path, hints);
  if (shape === undefined) return rules(message);
  let ruled: ValidationIssue[];
  try {
    ruled = rules(message);
  } catch {
    return shape.issues;
  }
  const echoes = (r: ValidationIssue) => shape.covered.some((c) => isWithin(c, r.path) || isWithin(r.path, c));
  return [...shape.issues, ...ruled.filter((r) => !echoes(r))];
}

/** Whether the field at path `inner` is the one at `outer` or inside it (`a.b` and `a.b[0].c` are within `a.b`). @internal */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

/** `path.key`, or `key` alone at the top (a request's own fields, such as `perPage`). @internal */
export function childPath(path: string, key: string): string {
  return path === "" ? key : keyPath(path, key);
}

function checkMessage(desc: DescMessage, value: unknown, path: string, add: Add, hints: ShapeHints): void {
  if (!isPlainObject(value)) {
    add(path, `${lastName(path)} must be ${withArticle(desc.name)} object; it is ${describe(value)}`);
    return;
  }
  const typeName = (value as { $typeName?: unknown }).$typeName;
  if (typeof typeName === "string" && typeName !== desc.typeName) {
    add(path, `${lastName(path)} must be ${withArticle(desc.name)}; it is a ${typeName} message`);
    return;
  }
  const members = membersOf(desc);
  // Every message the fast path does not vouch for comes here, every message where code generation is
  // refused: for-in allocates no key array.
  for (const key in value) {
    // protobuf-es' own keys: the type name (checked above) and the unknown fields a decode kept.
    if (!Object.hasOwn(value, key) || key === "$typeName" || key === "$unknown") continue;
    const v = (value as Record<string, unknown>)[key];
    const member = members.byLocalName.get(key);
    if (member?.kind === "oneof") checkOneof(member, v, path, add, hints);
    else if (member !== undefined && member.oneof === undefined) {
      // A field's own null or undefined is unset, as `create` reads it. A field's name is an
      // identifier: no quoting to decide.
      if (v !== undefined && v !== null) checkField(member, v, path === "" ? key : `${path}.${key}`, add, hints);
    } else if (v !== undefined) {
      const { message, meant } = unknownKey(desc, key, v);
      add(childPath(path, key), message, meant?.map((m) => m.split(".").reduce(childPath, path)));
    }
  }
}

// Paths name a oneof's value by its case, as the rules do: `worker.partitionedStrategyInfo.type`, not
// `worker.strategyInfo.value.type`.
function checkOneof(oneof: DescOneof, value: unknown, parent: string, add: Add, hints: ShapeHints): void {
  if (value === undefined || value === null) return;
  const path = parent === "" ? oneof.localName : `${parent}.${oneof.localName}`;
  const cases = oneof.fields.map((f) => f.localName);
  if (!isPlainObject(value) || !("case" in value)) {
    // `worker: { user: { id } }`: the REST JSON's case key one level too deep.
    const inner = isPlainObject(value) ? Object.keys(value) : [];
    const f = inner.length === 1 ? oneof.fields.find((c) => normalizeName(c.localName) === normalizeName(inner[0]!)) : undefined;
    const example = f
      ? oneofLiteral(oneof, f, preview((value as Record<string, unknown>)[inner[0]!]))
      : `${oneof.localName}: { case: "${cases[0]}", value: … }`;
    add(path, `${oneof.localName} is a oneof: write ${example}${f ? "" : ` (case is one of ${cases.join(", ")})`}`);
    return;
  }
  const { case: c, value: v } = value as { case: unknown; value?: unknown };
  if (c === undefined) return;
  const field = oneof.fields.find((f) => f.localName === c);
  if (field === undefined) {
    const guess = typeof c === "string" ? closestName(c, cases) : undefined;
    add(
      path,
      `case ${typeof c === "string" ? JSON.stringify(c) : describe(c)} is not a case of the oneof ${oneof.localName} (${cases.join(", ")})` +
        (guess ? `; did you mean "${guess}"?` : ""),
    );
    return;
  }
  checkField(field, v, parent === "" ? field.localName : `${parent}.${field.localName}`, add, hints);
}

function checkField(field: DescField, value: unknown, path: string, add: Add, hints: ShapeHints): void {
  switch (field.fieldKind) {
    case "scalar":
      return checkScalar(field.scalar, value, path, add);
    case "enum":
      return checkEnum(field.enum, value, path, add, hints);
    case "message":
      return checkMessageField(field.message, value, path, add, hints);
    case "list": {
      if (!Array.isArray(value)) {
        add(path, `${lastName(path)} is a repeated field and must be an array; it is ${describe(value)}`);
        return;
      }
      // Indexed, as the fast path and the encoder read a list: a hole is an undefined item, and an array
      // whose prototype was changed has no forEach.
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const p = `${path}[${i}]`;
        if (field.listKind === "scalar") checkScalar(field.scalar, item, p, add);
        else if (field.listKind === "enum") checkEnum(field.enum, item, p, add, hints);
        else checkMessageField(field.message, item, p, add, hints);
      }
      return;
    }
    case "map": {
      if (!isPlainObject(value) || isMessage(value)) {
        add(path, `${lastName(path)} is a map and must be a plain object; it is ${describe(value)}`);
        return;
      }
      for (const [k, item] of Object.entries(value)) {
        const p = keyPath(path, k);
        if (field.mapKind === "scalar") checkScalar(field.scalar, item, p, add);
        else if (field.mapKind === "enum") checkEnum(field.enum, item, p, add, hints);
        else checkMessageField(field.message, item, p, add, hints);
      }
      return;
    }
  }
}

// protobuf-es writes a google.protobuf.Struct field as a plain JSON object; every other message, Timestamp,
// Value and ListValue included, is an object of its fields (a JSON value in a Value field fails `toBinary`).
function checkMessageField(desc: DescMessage, value: unknown, path: string, add: Add, hints: ShapeHints): void {
  if (desc.typeName !== "google.protobuf.Struct") return checkMessage(desc, value, path, add, hints);
  if (!isPlainObject(value) || isMessage(value)) {
    add(path, `${lastName(path)} is a google.protobuf.Struct, written as a plain JSON object; it is ${describe(value)}`);
  }
}

function checkScalar(type: ScalarType, value: unknown, path: string, add: Add): void {
  // Named only in a message: this runs for every scalar of every message.
  const name = () => lastName(path);
  const int = INT_RANGES[type];
  if (int !== undefined) {
    const [min, max, label] = int;
    if (typeof value !== "number") add(path, `${name()} must be a number (${label}); it is ${describe(value)}`);
    else if (!Number.isInteger(value) || value < min || value > max) {
      add(path, `${name()} must be a whole number from ${min} to ${max} (${label}); it is ${value}`);
    }
    return;
  }
  const int64 = INT64_RANGES[type];
  if (int64 !== undefined) {
    const [min, max, label] = int64;
    // protobuf-es holds 64-bit integers as bigint; its encoder also takes a safe integer or a decimal string.
    const n =
      typeof value === "bigint"
        ? value
        : typeof value === "number" && Number.isSafeInteger(value)
          ? BigInt(value)
          : typeof value === "string" && /^-?\d+$/.test(value)
            ? BigInt(value)
            : undefined;
    if (n === undefined) add(path, `${name()} must be a whole number (${label}, a bigint); it is ${describe(value)}`);
    else if (n < min || n > max) add(path, `${name()} must be a whole number from ${min} to ${max} (${label}); it is ${n}`);
    return;
  }
  switch (type) {
    case ScalarType.FLOAT:
      if (typeof value !== "number") add(path, `${name()} must be a number (float); it is ${describe(value)}`);
      else if (Number.isFinite(value) && (value > FLOAT32_MAX || value < FLOAT32_MIN)) {
        add(path, `${name()} is beyond the range of a float (±${FLOAT32_MAX}); it is ${value}`);
      }
      return;
    case ScalarType.DOUBLE:
      if (typeof value !== "number") add(path, `${name()} must be a number (double); it is ${describe(value)}`);
      return;
    case ScalarType.BOOL:
      if (typeof value !== "boolean") add(path, `${name()} must be true or false; it is ${describe(value)}`);
      return;
    case ScalarType.STRING:
      if (typeof value !== "string") add(path, `${name()} must be a string; it is ${describe(value)}`);
      return;
    case ScalarType.BYTES:
      if (!(value instanceof Uint8Array) && !Array.isArray(value)) add(path, `${name()} must be a Uint8Array; it is ${describe(value)}`);
      return;
  }
}

function checkEnum(desc: DescEnum, value: unknown, path: string, add: Add, hints: ShapeHints): void {
  const name = () => lastName(path);
  if (typeof value === "number") {
    // Open enums: an unknown number in range is legal on the wire; the rules of each field decide.
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      add(path, `${name()} must be a value of ${enumConstant(desc)}; it is ${value}`);
    }
    return;
  }
  const also = hints.enumNames ? `, ${hints.enumNames}` : "";
  if (typeof value === "string") {
    const exact = desc.values.find((v) => v.name === value);
    if (exact !== undefined) {
      add(path, `${name()} is the name "${value}"; an init object takes the enum value ${enumConstant(desc)}.${value}${also}`);
      return;
    }
    const guess = closestName(value, desc.values.map((v) => v.name));
    const known = desc.values.length <= 12 ? describeEnum(desc) : desc.name;
    add(
      path,
      `${name()} ${JSON.stringify(value)} is not a value of ${known}` +
        (guess ? `; did you mean ${enumConstant(desc)}.${guess}?` : `; write a value such as ${enumConstant(desc)}.${desc.values[1]?.name ?? desc.values[0]!.name}`),
    );
    return;
  }
  add(path, `${name()} must be a value of ${enumConstant(desc)} (a number); it is ${describe(value)}`);
}

// ---------------------------------------------------------------------------------------------------
// Unknown keys: what the caller most likely meant.
// ---------------------------------------------------------------------------------------------------

/** One step from a message to a field: a field, or a oneof with one of its cases. */
type Step = { readonly field: DescField; readonly oneof?: DescOneof };

/** What to say about a key that is not a field, and the fields (relative paths) it most likely meant, if any. */
function unknownKey(desc: DescMessage, key: string, value: unknown): { message: string; meant?: string[] } {
  const members = membersOf(desc);
  const shown = preview(value);
  // A oneof case written flat, as REST JSON writes it: `{ user: { id } }` for `{ worker: { case: "user", … } }`.
  const flat = members.oneofCase.get(key);
  if (flat !== undefined) {
    return { message: `${key} is a case of the oneof ${flat.oneof!.localName}: write ${oneofLiteral(flat.oneof!, flat, shown)}` };
  }
  const snake = key.includes("_") ? ` (to send REST JSON as the docs write it, parse it with fromJson(${desc.name}Schema, json))` : "";
  const same = members.byNormalName.get(normalizeName(key));
  if (same !== undefined) {
    // Same name in another spelling: snake_case or JSON's names for protobuf-es' camelCase.
    return {
      message: `unknown field "${key}" in ${desc.name}: init objects use camelCase names, so write ${suggestion(same, shown)}${snake}`,
      meant: [same.localName],
    };
  }
  const elsewhere = findDeeper(desc, normalizeName(key));
  if (elsewhere.length > 0) {
    return {
      message: `${key} is not a field of ${desc.name}; it belongs deeper: ${elsewhere.map((steps) => render(steps, shown)).join(", or ")}`,
      // Rules name a oneof's case, not the oneof; a list's items cannot be named without an index.
      meant: elsewhere.filter((steps) => steps.every((s) => s.field.fieldKind !== "list")).map((steps) => steps.map((s) => s.field.localName).join(".")),
    };
  }
  const close = closestName(key, members.byNormalName.keys());
  const meant = close === undefined ? undefined : members.byNormalName.get(close);
  if (meant !== undefined) {
    return { message: `unknown field "${key}" in ${desc.name}; did you mean ${suggestion(meant, shown)}?`, meant: [meant.localName] };
  }
  return { message: `unknown field "${key}" in ${desc.name}: ${desc.name} has no such field, and it would be dropped before sending${snake}` };
}

// `inputSource`, or the oneof form for a case: `strategyInfo: { case: "partitionedStrategyInfo", value: … }`.
function suggestion(member: DescField | DescOneof, shown: string): string {
  if (member.kind === "field" && member.oneof !== undefined) return oneofLiteral(member.oneof, member, shown);
  return member.localName;
}

function oneofLiteral(oneof: DescOneof, field: DescField, shown: string): string {
  return `${oneof.localName}: { case: "${field.localName}", value: ${shown} }`;
}

// Where a field of that name lives below `desc` (its nearest occurrences, at most two), so that
// `partitionedStrategyInfo` written on the task points to `worker.strategyInfo`. No field of `desc`
// itself has that name: the caller has looked there first.
function findDeeper(desc: DescMessage, normal: string): Step[][] {
  let frontier: { desc: DescMessage; steps: Step[] }[] = [{ desc, steps: [] }];
  const seen = new Set<string>([desc.typeName]);
  for (let depth = 0; depth < 3; depth++) {
    const found: Step[][] = [];
    const next: typeof frontier = [];
    for (const { desc: d, steps } of frontier) {
      for (const field of d.fields) {
        const step: Step = field.oneof ? { field, oneof: field.oneof } : { field };
        const here = [...steps, step];
        if (normalizeName(field.localName) === normal) found.push(here);
        // The message of a field, or of a list's items; not of a map's values, which advice could not write without a key.
        const child = field.fieldKind === "map" ? undefined : field.message;
        if (child && !child.typeName.startsWith("google.protobuf.") && !seen.has(child.typeName)) {
          seen.add(child.typeName);
          next.push({ desc: child, steps: here });
        }
      }
    }
    if (found.length > 0) return found.slice(0, 2);
    frontier = next;
  }
  return [];
}

// The steps as the nested init object a caller writes: `worker: { strategyInfo: { case: …, value: … } }`.
function render(steps: readonly Step[], leaf: string): string {
  let inner: string | undefined;
  for (let i = steps.length - 1; i >= 0; i--) {
    const { field, oneof } = steps[i]!;
    const content = inner === undefined ? leaf : `{ ${inner} }`;
    if (oneof !== undefined) inner = `${oneof.localName}: { case: "${field.localName}", value: ${content} }`;
    else inner = `${field.localName}: ${field.fieldKind === "list" && inner !== undefined ? `[${content}]` : content}`;
  }
  return inner ?? leaf;
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

interface Members {
  /** Fields (oneof cases included) and oneofs by their protobuf-es name. */
  readonly byLocalName: Map<string, DescField | DescOneof>;
  /** The same, by {@link normalizeName} of the name (oneofs' cases and the oneofs themselves). */
  readonly byNormalName: Map<string, DescField | DescOneof>;
  /** Oneof cases by their protobuf-es name. */
  readonly oneofCase: Map<string, DescField>;
}

const membersCache = new WeakMap<DescMessage, Members>();

function membersOf(desc: DescMessage): Members {
  let m = membersCache.get(desc);
  if (m === undefined) {
    const byLocalName = new Map<string, DescField | DescOneof>();
    const byNormalName = new Map<string, DescField | DescOneof>();
    const oneofCase = new Map<string, DescField>();
    for (const member of desc.members) {
      byLocalName.set(member.localName, member);
      byNormalName.set(normalizeName(member.localName), member);
      if (member.kind === "oneof") {
        for (const f of member.fields) {
          byLocalName.set(f.localName, f);
          byNormalName.set(normalizeName(f.localName), f);
          oneofCase.set(f.localName, f);
        }
      }
    }
    m = { byLocalName, byNormalName, oneofCase };
    membersCache.set(desc, m);
  }
  return m;
}

// `concepts[0]` of `task.concepts[0]`, `counts["a.b"]` of `s.counts["a.b"]`: the last step of a path, as
// messages name the field. A map key in brackets may hold dots, so the step's dot is looked for before
// its `["` (a key's own quotes are escaped in the brackets, so `["` opens the key).
function lastName(path: string): string {
  const end = path.endsWith('"]') ? path.lastIndexOf('["') : path.length;
  return path.slice(path.lastIndexOf(".", end) + 1);
}

/** What a value is, for messages: `the string "1000"`, `the number 1.5`, `an array`, `a Date`. @internal */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case "number":
      return `the number ${v}`;
    case "bigint":
      return `the bigint ${v}n`;
    case "boolean":
      return `the boolean ${v}`;
    case "object": {
      const ctor = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
      return ctor && ctor !== "Object" ? withArticle(ctor) : "an object";
    }
    case "undefined":
      return "undefined";
    default:
      return `a ${typeof v}`;
  }
}

/** A short literal of the caller's value for "write …" advice, or `…` when it would not be short. @internal */
export function preview(v: unknown, depth = 0): string {
  const text = literal(v, depth);
  return text.length <= 60 ? text : "…";
}

function literal(v: unknown, depth: number): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object" || v === null) return String(v);
  if (depth >= 3) return "…";
  if (Array.isArray(v)) return `[${v.slice(0, 3).map((x) => literal(x, depth + 1)).join(", ")}${v.length > 3 ? ", …" : ""}]`;
  const entries = Object.entries(v).filter(([k]) => k !== "$typeName" && k !== "$unknown");
  if (entries.length === 0) return "{}";
  const shown = entries.slice(0, 3).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(x, depth + 1)}`);
  return `{ ${shown.join(", ")}${entries.length > 3 ? ", …" : ""} }`;
}
