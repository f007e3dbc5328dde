// The shape check's compiled fast path (src/validation/fits.ts) against its full check: what the fast
// path vouches for, the full check finds nothing in, over every request of the docs' examples and a
// schema with the kinds of field they lack, each changed one place at a time to a value of the wrong
// kind. Then that the well-formed messages themselves take the fast path, through checkShape too.
// Where code generation is refused: test/packaging/code-generation-refused.test.ts.
import { create, createRegistry, type DescMessage, fromBinary, fromJson, toBinary } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { TaskSchema, UserSchema } from "../../gen/clarifai/api/resources_pb.js";
import { file_clarifai_api_service } from "../../gen/clarifai/api/service_pb.js";
import { fitsOf, forgetCompiledChecks } from "../../src/validation/fits.js";
import { checkShape, checkShapeInFull } from "../../src/validation/shape.js";
import { seedList } from "../fixtures/seeds.js";
import { ShapesSchema } from "../support/shapes-schema.js";

// The values the fast path vouched for, wherever it was asked (checkShape asks it through shapeOf).
const vouched = vi.hoisted(() => [] as unknown[]);
vi.mock("../../src/validation/fits.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/validation/fits.js")>();
  return {
    ...real,
    fitsOf: (desc: DescMessage) => {
      const fits = real.fitsOf(desc);
      return (
        fits &&
        ((value: unknown) => {
          const ok = fits(value);
          if (ok) vouched.push(value);
          return ok;
        })
      );
    },
  };
});
beforeEach(() => {
  vouched.length = 0;
  // Each test compiles its checks itself, so that a change to the generator shows in every test.
  forgetCompiledChecks();
});

const registry = createRegistry(file_clarifai_api_service);

/** Every docs' request as its message, and a `fixture.Shapes` that sets each kind of field. */
const bases: [name: string, schema: DescMessage, message: object][] = [
  ...seedList.map((s): [string, DescMessage, object] => {
    const schema = registry.getMessage(s.requestType)!;
    return [s.key, schema, fromJson(schema, s.requestJson)];
  }),
  // Two fields of one message type (Timestamp) in one message, as a task read from the API has them.
  ["a task as read back", TaskSchema, create(TaskSchema, { id: "t", createdAt: { seconds: 1n }, modifiedAt: { seconds: 2n, nanos: 3 } })],
  [
    "fixture.Shapes",
    ShapesSchema,
    create(ShapesSchema, {
      int32: -5,
      uint32: 7,
      sfixed32: 1,
      fixed32: 2,
      sint32: -1,
      // Beyond a float's range: a double has none of its own.
      double: 1e300,
      float: 1.5,
      bool: true,
      string: "s",
      counts: { a: 1, "b.c": 2 },
      kinds: { k: 1 },
      children: { c: { string: "child", kindList: [2] } },
      kindList: [1, 2],
      value: { kind: { case: "stringValue", value: "v" } },
      list: { values: [{ kind: { case: "numberValue", value: 1 } }] },
      struct: { a: 1, b: [true, null], c: { d: "e" } },
    } as never),
  ],
];

// Values of every kind, for any field: each is wrong for most fields and right for a few.
const odd: unknown[] = [
  ...[undefined, null, "x", "", true, 1, -0, 1.5, -1, 2 ** 32, -(2 ** 31) - 1, NaN, Infinity, 1e39],
  ...[10n, -1n, 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n],
  // Arrays: empty, a null item, a number, a hole at index 0, one of a null prototype.
  ...[[], [null], [1], new Array(1), Object.setPrototypeOf([1], null)],
  ...[{}, { case: "nope" }, { case: undefined }, { case: null }, Object.create(null), Object.create({ id: "inherited" })],
  ...[new Date(0), new Uint8Array(1), create(UserSchema, { id: "u" })],
];

type Path = (string | number)[];

/** A value as the assertion messages show it (JSON with bigints). */
const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x));

/** The path of every value in `value` (fields, list items, map values, oneof parts), and of every object. */
function paths(value: unknown, at: Path = []): { values: Path[]; objects: Path[] } {
  const out = { values: [] as Path[], objects: [] as Path[] };
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return out;
  if (!Array.isArray(value)) out.objects.push(at);
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    if (k === "$typeName" || k === "$unknown") continue;
    out.values.push([...at, k]);
    const inner = paths(v, [...at, k]);
    out.values.push(...inner.values);
    out.objects.push(...inner.objects);
  }
  return out;
}

function changed(message: object, at: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): object {
  const copy = structuredClone(message) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  change(parent, at[at.length - 1]!);
  return copy;
}

/** The base, then each value of it replaced by each odd value, and each object given a key it does not have. */
function variants(message: object): object[] {
  const { values, objects } = paths(message);
  const out: object[] = [message];
  for (const at of values) for (const v of odd) out.push(changed(message, at, (p, k) => (p[k] = v)));
  for (const at of objects) {
    const into = (extra: Record<string, unknown>) =>
      out.push(at.length === 0 ? { ...structuredClone(message), ...extra } : changed(message, at, (p, k) => Object.assign(p[k] as object, extra)));
    // An unknown key, a snake_case one, one holding undefined (which `create` skips), a wrong type name.
    into({ bogus: 1 });
    into({ user_app_id: {} });
    into({ bogus: undefined });
    into({ $typeName: "clarifai.api.Nothing" });
  }
  return out;
}

describe("the compiled shape check", () => {
  it.each(bases)("vouches only for what the full check accepts: %s changed one place at a time", (_, schema, message) => {
    const fits = fitsOf(schema)!;
    let yes = 0;
    let no = 0;
    for (const v of variants(message)) {
      const issues = checkShapeInFull(schema, v, "r");
      // The same through checkShape, which asks the fast path first.
      expect(checkShape(schema, v, "r"), show(v)).toEqual(issues);
      if (fits(v)) {
        yes++;
        expect(issues, show(v)).toEqual([]);
      } else no++;
    }
    // Both answers occur: the changes reach the fast path's every kind of check.
    expect(yes).toBeGreaterThan(1);
    expect(no).toBeGreaterThan(10);
  });

  it.each(bases)("vouches for the well-formed message itself, as made, decoded and with unknown fields kept: %s", (_, schema, message) => {
    const fits = fitsOf(schema)!;
    expect(fits(message)).toBe(true);
    const decoded = fromBinary(schema, toBinary(schema, message as never));
    expect(fits(decoded)).toBe(true);
    // A field number no schema has: kept in $unknown by the decode.
    const withUnknown = fromBinary(schema, new Uint8Array([...toBinary(schema, message as never), 0xf8, 0xff, 0x7f, 0x01]));
    expect((withUnknown as { $unknown?: unknown[] }).$unknown).toHaveLength(1);
    expect(fits(withUnknown)).toBe(true);
    // The full check reads past protobuf-es' own keys as well.
    expect(checkShapeInFull(schema, withUnknown, "r")).toEqual([]);
  });

  it.each(bases)("is what checkShape asks first: %s, well-formed, is vouched for there", (_, schema, message) => {
    expect(checkShape(schema, message, "r")).toEqual([]);
    expect(vouched).toContain(message);
  });

  it.each(bases)("is never asked by checkShapeInFull, which the comparisons above need unaided: %s", (_, schema, message) => {
    expect(checkShapeInFull(schema, message, "r")).toEqual([]);
    expect(vouched).toEqual([]);
  });

  it("a schema it cannot compile vouches for nothing (its values get the full check), and the others still compile", () => {
    const broken = {
      ...ShapesSchema,
      get members(): never {
        throw new TypeError("a descriptor the generator cannot read");
      },
    } as DescMessage;
    expect(fitsOf(broken)?.(create(ShapesSchema))).toBe(false);
    // A type no other test here compiles: had the failure switched the fast path off, it would get none.
    expect(fitsOf(DurationSchema)?.(create(DurationSchema, { seconds: 5n }))).toBe(true);
  });

  it("refuses what the full check names, field by field (each a case the fast path must not vouch for)", () => {
    const fits = fitsOf(ShapesSchema)!;
    const wrong: Record<string, unknown>[] = [
      { int32: 2 ** 31 },
      { uint32: -1 },
      { float: 1e39 },
      { string: 1 },
      { bool: 0 },
      { counts: { a: "1" } },
      { counts: create(ShapesSchema) },
      { kinds: { k: 1.5 } },
      { children: { c: { string: 2 } } },
      { kindList: [1, "KIND_ROUND"] },
      { value: { kind: { case: "stringValue", value: 1 } } },
      { value: { stringValue: "flat" } },
      { list: { values: [null] } },
    ];
    for (const w of wrong) {
      expect(fits(w), show(w)).toBe(false);
      expect(checkShapeInFull(ShapesSchema, w, "s"), show(w)).not.toEqual([]);
    }
  });
});
