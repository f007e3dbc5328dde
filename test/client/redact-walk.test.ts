// redactError's walk at its edges: odd shapes an error can take (a message getter on a subclass, no
// stack, null and null-prototype values, frozen arrays, other typed arrays, setters), how it leaves
// the properties it rewrites (data, writable, configurable, as enumerable as before) and those it does
// not touch, and the bounds that keep a huge or deep graph from making a failure expensive.
import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, redactError } from "../../src/redact.js";

const SECRET = "walk-secret-0123456789";
const redact = createRedactor(SECRET);
// The bounds redact.ts documents: 12 levels below the error, 2000 objects in all.
const MAX_DEPTH = 12;
const MAX_NODES = 2000;

describe("odd shapes", () => {
  it("a subclass whose message is a getter on its prototype gets a clean own message", () => {
    class OddError extends Error {
      override get message() {
        return `odd ${SECRET}`;
      }
    }
    const e = new OddError();
    redactError(e, redact);
    expect(e.message).toBe(`odd ${REDACTED}`);
    expect(Object.getOwnPropertyDescriptor(e, "message")?.value).toBe(`odd ${REDACTED}`);
  });

  it("an error with no message of its own, or without a stack, is walked without throwing", () => {
    const bare = new Error();
    expect(() => redactError(bare, redact)).not.toThrow();
    expect(Object.prototype.hasOwnProperty.call(bare, "message")).toBe(false);
    const stackless = Object.assign(new Error("plain"), { note: `n ${SECRET}` });
    delete (stackless as { stack?: string }).stack;
    expect(() => redactError(stackless, redact)).not.toThrow();
    expect((stackless as unknown as { note: string }).note).toBe(`n ${REDACTED}`);
  });

  it("walks null-valued and null-prototype properties, Map values and frozen arrays", () => {
    const bag = Object.assign(Object.create(null) as Record<string, unknown>, { secret: `bag ${SECRET}` });
    const map = new Map<string, unknown>([
      ["k", `map ${SECRET}`],
      ["clean", "nothing here"],
    ]);
    const frozen = Object.freeze(["nothing here", 1]);
    const e = Object.assign(new Error("x"), { none: null, bag, map, frozen });
    expect(() => redactError(e, redact)).not.toThrow();
    expect(bag["secret"]).toBe(`bag ${REDACTED}`);
    expect(map.get("k")).toBe(`map ${REDACTED}`);
    expect(map.get("clean")).toBe("nothing here");
    expect(e.none).toBeNull();
  });

  it("masks Uint8Arrays only: other typed arrays are left as they are; no secrets, no masking", () => {
    // The secret's bytes, seen as 16-bit words (a buffer of its own, so the view holds nothing else).
    const raw = new Uint8Array(Buffer.from(`${SECRET}${SECRET}`));
    const words = new Uint16Array(raw.buffer, 0, raw.length / 2);
    const e = Object.assign(new Error("x"), { words, bytes: Buffer.from(`b ${SECRET}`) });
    redactError(e, redact);
    expect(e.words).toBe(words);
    expect(Buffer.from(e.bytes).toString()).toBe(`b ${"*".repeat(SECRET.length)}`);
    // A redactor with no secret long enough has no byte masking at all: bytes are left alone.
    const bytes = Buffer.from(SECRET);
    const other = Object.assign(new Error("y"), { bytes });
    expect(() => redactError(other, createRedactor(""))).not.toThrow();
    expect(other.bytes).toBe(bytes);
  });
});

describe("the properties it rewrites, and those it leaves", () => {
  it("a rewritten property is plain data, writable, configurable, and as enumerable as it was", () => {
    const e = new Error(`m ${SECRET}`);
    Object.defineProperty(e, "shown", { value: `s ${SECRET}`, enumerable: true, configurable: true, writable: false });
    Object.defineProperty(e, "computed", { get: () => `c ${SECRET}`, enumerable: true, configurable: true });
    redactError(e, redact);
    for (const key of ["message", "shown", "computed"]) {
      const d = Object.getOwnPropertyDescriptor(e, key)!;
      expect(d.value, key).toContain(REDACTED);
      expect([d.writable, d.configurable], key).toEqual([true, true]);
    }
    expect(Object.getOwnPropertyDescriptor(e, "message")!.enumerable).toBe(false);
    expect(Object.keys(e)).toEqual(["shown", "computed"]);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ shown: `s ${REDACTED}`, computed: `c ${REDACTED}` });
  });

  it("leaves a property without the secret as it was, getters included", () => {
    const e = new Error("clean");
    const get = () => "clean too";
    Object.defineProperty(e, "computed", { get, enumerable: true, configurable: true });
    Object.defineProperty(e, "writeOnly", { set: () => {}, enumerable: false, configurable: true });
    redactError(e, redact);
    expect(Object.getOwnPropertyDescriptor(e, "computed")!.get).toBe(get);
    expect(Object.getOwnPropertyDescriptor(e, "writeOnly")!.set).toBeTypeOf("function");
  });
});

describe("bounds", () => {
  /** `levels` nested containers built by `wrap`, the secret at the bottom. */
  const nested = (levels: number, wrap: (inner: unknown) => unknown) => {
    let v: unknown = `deep ${SECRET}`;
    for (let i = 0; i < levels; i++) v = wrap(v);
    return v;
  };
  const containers: [string, (inner: unknown) => unknown, (outer: unknown, levels: number) => unknown][] = [
    ["plain objects", (inner) => ({ inner }), (outer, levels) => dig(outer, levels, (o) => (o as { inner: unknown }).inner)],
    ["arrays", (inner) => [inner], (outer, levels) => dig(outer, levels, (o) => (o as unknown[])[0])],
    ["Maps", (inner) => new Map([["inner", inner]]), (outer, levels) => dig(outer, levels, (o) => (o as Map<string, unknown>).get("inner"))],
  ];
  function dig(outer: unknown, levels: number, step: (o: unknown) => unknown): unknown {
    let v = outer;
    for (let i = 0; i < levels; i++) v = step(v);
    return v;
  }

  it.each(containers)(`walks ${MAX_DEPTH} levels of %s below the error, and no further`, (_, wrap, unwrap) => {
    // The error is level 0 and its property's container level 1: the text inside the container at
    // level 12 is scrubbed, the text inside one at level 13 is not looked at.
    const within = new Error("x");
    Object.assign(within, { data: nested(MAX_DEPTH, wrap) });
    redactError(within, redact);
    expect(unwrap((within as unknown as { data: unknown }).data, MAX_DEPTH)).toBe(`deep ${REDACTED}`);
    const beyond = new Error("x");
    Object.assign(beyond, { data: nested(MAX_DEPTH + 1, wrap) });
    redactError(beyond, redact);
    expect(unwrap((beyond as unknown as { data: unknown }).data, MAX_DEPTH + 1)).toBe(`deep ${SECRET}`);
  });

  it(`walks ${MAX_NODES} objects in all, and no more`, () => {
    // Objects counted: the error (1), the array (2), then each item: item i is object 3 + i.
    const items = Array.from({ length: MAX_NODES + 10 }, () => ({ text: `item ${SECRET}` }));
    const e = Object.assign(new Error("x"), { items });
    redactError(e, redact);
    const last = MAX_NODES - 3;
    expect(items[last]!.text).toBe(`item ${REDACTED}`);
    expect(items[last + 1]!.text).toBe(`item ${SECRET}`);
  });
});
