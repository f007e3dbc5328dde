// redactError on every shape an error can take, so that no rendering of it carries the secret: the
// chain of causes, accessor stacks (Node >= 22), symbol-keyed and non-enumerable properties, an
// AggregateError's errors, fetch Headers, grpc-js Metadata (text and binary values), bytes inside
// details, cycles; and the errors stay usable (bytes keep their length, frozen errors do not throw).
import * as grpc from "@grpc/grpc-js";
import { ConnectError, Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { authorizationSecrets, createRequestMetadata } from "../../src/auth.js";
import { hasUnreadMetadata, lazyConnectError } from "../../src/lazy-connect-error.js";
import { createRedactor, MIN_REDACTED_LENGTH, REDACTED, redactError } from "../../src/redact.js";
import { renderings } from "../support/renderings.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const redact = createRedactor(SECRET);
const clean = (e: unknown) => {
  const texts = renderings(e);
  for (const t of texts) expect(t).not.toContain(SECRET);
  return texts;
};

describe("createRedactor", () => {
  it("replaces every occurrence in text and masks bytes in place of the same length", () => {
    expect(redact(`a ${SECRET} b ${SECRET}`)).toBe(`a ${REDACTED} b ${REDACTED}`);
    const bytes = Buffer.from(`x${SECRET}y${SECRET}`);
    const masked = Buffer.from(redact.bytes!(bytes));
    expect(masked.length).toBe(bytes.length);
    expect(masked.toString()).toBe(`x${"*".repeat(SECRET.length)}y${"*".repeat(SECRET.length)}`);
    // The caller's bytes are not modified, and bytes without the secret come back as they are.
    expect(bytes.toString()).toContain(SECRET);
    const plain = Buffer.from("nothing here");
    expect(redact.bytes!(plain)).toBe(plain);
  });

  it(`scrubs secrets of ${MIN_REDACTED_LENGTH} characters or more, and leaves shorter ones alone`, () => {
    const short = "x".repeat(MIN_REDACTED_LENGTH - 1);
    const shortest = "y".repeat(MIN_REDACTED_LENGTH);
    expect(createRedactor(short)(`a ${short} b`)).toBe(`a ${short} b`);
    expect(createRedactor(shortest)(`a ${shortest} b`)).toBe(`a ${REDACTED} b`);
    expect(createRedactor("")("text")).toBe("text");
  });

  it("scrubs a whole authorization value whatever its length: `Key <pat>` and `Bearer <token>` cannot be ordinary text", () => {
    // One character: even `Key x` is shorter than MIN_REDACTED_LENGTH.
    const short = "x";
    const redactShort = createRedactor(short, `Key ${short}`, `Bearer ${short}`);
    expect(redactShort(`bad key: Key ${short}; bearer: Bearer ${short}; bare: ${short}`)).toBe(`bad key: ${REDACTED}; bearer: ${REDACTED}; bare: ${short}`);
    expect(Buffer.from(redactShort.bytes!(Buffer.from(`=Key ${short}=`))).toString()).toBe(`=${"*".repeat(4 + short.length)}=`);
    // A long key is scrubbed first, alone: the text keeps its scheme. "Key " alone is no secret.
    expect(createRedactor(SECRET, `Key ${SECRET}`)(`Key ${SECRET}`)).toBe(`Key ${REDACTED}`);
    expect(createRedactor("", "Key ")("Key x")).toBe("Key x");
  });

  it("scrubs a short key's header form only where the key ends: a longer word that starts with it is text", () => {
    const redactShort = createRedactor("ab", "Key ab");
    expect(redactShort("Missing Key abc header; Key about to expire; bad: Key ab; end")).toBe(`Missing Key abc header; Key about to expire; bad: ${REDACTED}; end`);
    expect(redactShort("Key ab")).toBe(REDACTED);
  });

  it("takes the secrets of an authorization value trimmed, and none from a scheme without credentials", () => {
    expect(authorizationSecrets("Key client-key-0123456789 ")).toEqual(["client-key-0123456789", "Key client-key-0123456789"]);
    expect(createRedactor(...authorizationSecrets("Key client-key-0123456789 "))("bad key client-key-0123456789.")).toBe(`bad key ${REDACTED}.`);
    for (const bare of ["Bearer", " key ", ""]) expect(authorizationSecrets(bare), bare).toEqual([]);
    expect(createRedactor(...authorizationSecrets("Bearer"))("use a Bearer token")).toBe("use a Bearer token");
    // A value without a scheme may be the key itself.
    expect(authorizationSecrets(" raw-key-0123 ")).toEqual(["raw-key-0123"]);
  });

  it("reads the scheme as the value's first word, whatever the spacing, and credentials of any length", () => {
    // Any run of spaces or tabs after the scheme; a one-character token is still a credential.
    expect(authorizationSecrets("Key  \tk-0123")).toEqual(["k-0123", "Key  \tk-0123"]);
    expect(authorizationSecrets("Bearer t")).toEqual(["t", "Bearer t"]);
    // The first word is the scheme only when it starts with a letter: "1Key abc" is no scheme and a
    // credential, so the whole value is the secret, not "abc".
    expect(authorizationSecrets("1Key abc")).toEqual(["1Key abc"]);
    // A bare scheme is the whole word: a key that contains or starts with a scheme's name is a key.
    for (const key of ["mykey", "keyboard-0123", "xbearer"]) expect(authorizationSecrets(key), key).toEqual([key]);
  });

  it("takes a call's secrets from its authorization header only, not from a header that happens to be named \"undefined\"", () => {
    const metadata = createRequestMetadata("pat-0123456789", "option", {});
    const text = "echo: Key other-0123456789";
    expect(metadata.redactFor({ undefined: "Key other-0123456789" })(text)).toBe(text);
    expect(metadata.redactFor({ Authorization: "Key other-0123456789" })(text)).toBe(`echo: Key ${REDACTED}`);
  });

  it("gives a call with a key of its own a redactor that scrubs that key, the client's PAT and both as bytes, whichever it is asked first", () => {
    const metadata = createRequestMetadata("pat-0123456789", "option", {});
    const call = { authorization: "Key other-0123456789" };
    const masked = (data: Uint8Array | undefined) => (data === undefined ? undefined : Buffer.from(data).toString());
    // Bytes first: the redactor is built by whichever use comes first, and both then see the same keys.
    const bytesFirst = metadata.redactFor(call);
    expect(masked(bytesFirst.bytes?.(Buffer.from("a other-0123456789 b")))).toBe(`a ${"*".repeat(16)} b`);
    expect(bytesFirst("pat-0123456789, Key other-0123456789")).toBe(`${REDACTED}, Key ${REDACTED}`);
    const textFirst = metadata.redactFor(call);
    expect(textFirst("other-0123456789")).toBe(REDACTED);
    expect(masked(textFirst.bytes?.(Buffer.from("pat-0123456789")))).toBe("*".repeat(14));
    // A call without one has the client's own.
    expect(metadata.redactFor({ "x-other": "1" })).toBe(metadata.redact);
  });

  it("finds no secret in a value that is not a string (such a header is refused before anything is sent)", () => {
    for (const value of [undefined, null, 5, ["Key k-0123"]]) expect(authorizationSecrets(value as unknown as string), String(value)).toEqual([]);
  });
});

describe("redactError", () => {
  it("scrubs message and stack (accessor or data) down a cause chain", () => {
    const inner = new Error(`inner ${SECRET}`);
    const middle = new Error(`middle ${SECRET}`, { cause: inner });
    const outer = new Error("outer", { cause: middle });
    redactError(outer, redact);
    clean(outer);
    expect(inner.message).toBe(`inner ${REDACTED}`);
    expect(inner.stack).toContain(`inner ${REDACTED}`);
  });

  it("scrubs symbol-keyed, non-enumerable and nested plain-object properties", () => {
    const e = new Error("x");
    const sym = Symbol("hidden");
    Object.defineProperty(e, sym, { value: SECRET, enumerable: false, configurable: true });
    Object.defineProperty(e, "fixed", { value: `f ${SECRET}`, enumerable: true, writable: true, configurable: false });
    Object.defineProperty(e, "quiet", { value: { deep: [{ deeper: `k=${SECRET}` }] }, enumerable: false });
    redactError(e, redact);
    clean(e);
    expect((e as unknown as Record<symbol, unknown>)[sym]).toBe(REDACTED);
  });

  it("scrubs an AggregateError's errors and a getter's text", () => {
    const withGetter = new Error("g");
    Object.defineProperty(withGetter, "details", { get: () => `details ${SECRET}`, enumerable: true, configurable: true });
    const agg = new AggregateError([new Error(SECRET), withGetter], "many");
    redactError(new Error("top", { cause: agg }), redact);
    clean(agg);
    expect((withGetter as unknown as { details: string }).details).toBe(`details ${REDACTED}`);
  });

  it("scrubs a ConnectError's metadata and details, keeping encoded details decodable (same length)", () => {
    const value = Buffer.from(`\x12\x20${SECRET}`);
    const e = new ConnectError(`bad ${SECRET}`, Code.Unauthenticated, { "x-echo": `Key ${SECRET}` });
    e.details.push({ type: "google.rpc.DebugInfo", value });
    redactError(e, redact);
    clean(e);
    expect(e.metadata.get("x-echo")).toBe(`Key ${REDACTED}`);
    const detail = e.details[0] as { value: Uint8Array };
    expect(detail.value.length).toBe(value.length);
    expect(detail.value[1]).toBe(0x20);
  });

  it("scrubs grpc-js Metadata, text and binary values", () => {
    const md = new grpc.Metadata();
    md.set("x-echo", `Key ${SECRET}`);
    md.set("x-echo-bin", Buffer.from(SECRET));
    const e = Object.assign(new Error("16 UNAUTHENTICATED"), { code: 16, details: `bad ${SECRET}`, metadata: md });
    redactError(new ConnectError("wrapped", Code.Unauthenticated, undefined, undefined, e), redact);
    clean(e);
    expect(md.get("x-echo")).toEqual([`Key ${REDACTED}`]);
    expect(Buffer.from(md.get("x-echo-bin")[0] as Buffer).toString()).toBe("*".repeat(SECRET.length));
  });

  it("survives cycles and frozen errors, and leaves other values alone", () => {
    const a = new Error(`a ${SECRET}`);
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(redactError(b, redact)).toBe(b);
    clean(b);
    const frozen = Object.freeze(new Error(`frozen ${SECRET}`));
    expect(() => redactError(frozen, redact)).not.toThrow();
    expect(redactError("text", redact)).toBe("text");
    expect(redactError(undefined, redact)).toBe(undefined);
  });

  it("does not walk into class instances that are not errors (a socket hung on an abort reason)", () => {
    class Resource {
      note = SECRET;
    }
    const r = new Resource();
    redactError(Object.assign(new Error("x"), { resource: r }), redact);
    expect(r.note).toBe(SECRET);
  });

  it("leaves a lazy ConnectError's unread (empty) metadata unread, and scrubs it once it holds something", () => {
    const lazy = lazyConnectError(`the deadline passed (Key ${SECRET})`, Code.DeadlineExceeded, new Error(`cause ${SECRET}`));
    redactError(lazy, redact);
    expect(hasUnreadMetadata(lazy)).toBe(true);
    expect(lazy.rawMessage).toBe(`the deadline passed (Key ${REDACTED})`);
    expect((lazy.cause as Error).message).toBe(`cause ${REDACTED}`);
    // Rendering it reads the metadata (JSON.stringify, inspect): empty, and clean like the rest.
    clean(lazy);

    const given = lazyConnectError("relabelled", Code.Unavailable);
    given.metadata.set("x-echo", SECRET);
    clean(redactError(given, redact));
    expect(given.metadata.get("x-echo")).toBe(REDACTED);
  });
});
