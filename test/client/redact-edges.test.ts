// Edges of redact.ts: how a secret's header form is recognised and matched, `-bin` values encoded as
// they came (padding, other parts, a redactor without bytes), set-cookie lists and look-alike
// Headers, Maps of header values, and a ClarifaiError's own lists (depth, frozen or odd lists).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ClarifaiError, type ItemStatus, type StatusDetail } from "../../src/errors.js";
import { createRedactor, REDACTED, redactError, type Redactor } from "../../src/redact.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const redact = createRedactor(SECRET);
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const decode = (text: string) => Buffer.from(text.trim(), "base64").toString("utf8");
const stars = "*".repeat(SECRET.length);
// The walk's depth bound that redact.ts documents.
const MAX_DEPTH = 12;
const MAX_NODES = 2000;

describe("a secret's header form", () => {
  it("a long secret with `Key ` inside it (not at its start) is scrubbed wherever it occurs, even before word characters", () => {
    const secret = "x-Key abcdef";
    const r = createRedactor(secret);
    const out = r(`got x-Key abcdefgh and (x-Key abcdef)`);
    expect(out).not.toContain(secret);
    expect(out).toBe(`got ${REDACTED}gh and (${REDACTED})`);
  });

  it("a `Bearer` value with regex characters (a JWT's dots, a `+`) is scrubbed literally, every time it occurs", () => {
    const token = "Bearer a.b+c";
    const r = createRedactor(token);
    expect(r(`first ${token}; again ${token}`)).toBe(`first ${REDACTED}; again ${REDACTED}`);
    // The dot is not a wildcard: text that only looks like it stays.
    expect(r("Bearer aXb+c")).toBe("Bearer aXb+c");
  });

  it("a short key's header form is scrubbed at every occurrence", () => {
    const r = createRedactor("ab", "Key ab");
    expect(r("Key ab, then Key ab and Key abc")).toBe(`${REDACTED}, then ${REDACTED} and Key abc`);
  });
});

describe("a key echoed in base64", () => {
  const url = (text: string) => text.replace(/\+/g, "-").replace(/\//g, "_");
  // Bytes around the key that put it at each of the three offsets within base64's 3-byte groups, and
  // that make the standard and URL-safe alphabets differ inside its encoding.
  const around = ["", "a", "ab", "abc", "\xff\xfe"].flatMap((before) => ["", "z", "\xfb\xff"].map((after) => [before, after] as const));

  it("is scrubbed at any offset, in either alphabet, with or without padding, wherever it is in the text", () => {
    for (const [before, after] of around) {
      const bytes = Buffer.concat([Buffer.from(before, "latin1"), Buffer.from(SECRET), Buffer.from(after, "latin1")]);
      for (const encoded of [bytes.toString("base64"), url(bytes.toString("base64")).replace(/=+$/, "")]) {
        const out = redact(`echo: ${encoded}.`);
        expect(out, encoded).toContain(REDACTED);
        // What is left decodes to no key in either alphabet.
        for (const word of out.split(/[\s[\]:.]+/)) expect(Buffer.from(word, "base64").includes(SECRET), `${encoded} -> ${out}`).toBe(false);
      }
    }
    // The characters shared with the bytes around the key are kept: the key fills 42 of the 44.
    const alone = b64(SECRET);
    expect(redact(alone)).toBe(`${REDACTED}${alone.slice(42)}`);
  });

  it("a key whose encoding holds `+` and `/` is scrubbed in the URL-safe alphabet too, at every offset", () => {
    // "~~~" encodes to "fn5+" and "???" to "Pz8/": any visible-ASCII key is a valid PAT.
    const key = "k~~~???~~~???~~~???-0123";
    const r = createRedactor(key);
    for (const before of ["", "a", "ab"]) {
      const standard = Buffer.from(`${before}${key}`).toString("base64");
      const safe = url(standard);
      expect(/[+/]/.test(standard) && /[-_]/.test(safe), standard).toBe(true);
      for (const encoded of [standard, safe]) {
        const out = r(encoded);
        expect(out, encoded).toContain(REDACTED);
        expect(out.length, encoded).toBeLessThan(encoded.length);
      }
    }
  });

  it("leaves base64 of other text alone, and a key too short to scrub stays unscrubbed encoded too", () => {
    const other = b64(`${SECRET.slice(1)}!`);
    expect(redact(other)).toBe(other);
    const short = "abcde";
    expect(createRedactor(short)(b64(`x${short}y`))).toBe(b64(`x${short}y`));
    // A short key's header form is found in text only where the key ends, which base64 cannot show:
    // "Key ab" encoded is also the start of "Key about to expire" encoded. It is not looked for there.
    const text = b64("Key about to expire");
    expect(createRedactor("ab", "Key ab")(text)).toBe(text);
  });

  it("is masked in bytes (a detail's string holding the encoded key), keeping their length", () => {
    const bytes = Buffer.from(`\x0a\x2c${b64(SECRET)}`, "latin1");
    const masked = Buffer.from(redact.bytes!(bytes));
    expect(masked.length).toBe(bytes.length);
    expect(masked.toString("latin1")).toBe(`\x0a\x2c${"*".repeat(42)}${b64(SECRET).slice(42)}`);
  });

  it("a text header holding it reads [REDACTED]; a `-bin` header holding it is masked in its bytes and still decodes", () => {
    const echoed = b64(`Key ${SECRET}`);
    const metadata = new Headers([
      ["x-echo", echoed],
      ["x-echo-bin", echoed],
    ]);
    const map = new Map<string, unknown>([
      ["x-echo", echoed],
      ["x-echo-bin", echoed],
    ]);
    const e = Object.assign(new Error(`m ${echoed}`), { metadata, map });
    redactError(e, redact);
    const text = redact(echoed);
    expect(text).toContain(REDACTED);
    for (const got of [metadata.get("x-echo"), map.get("x-echo"), e.message.slice(2)]) expect(got).toBe(text);
    for (const got of [metadata.get("x-echo-bin"), map.get("x-echo-bin")]) expect(got).toBe(b64(`Key ${stars}`));
  });

  it("a short key's header form followed by a dot that ends a sentence is scrubbed; a dot inside a longer key is not", () => {
    const r = createRedactor("ab", "Key ab");
    expect(r("bad: Key ab. Next: Key ab.c, Key ab... and Key ab.")).toBe(`bad: ${REDACTED}. Next: Key ab.c, ${REDACTED}... and ${REDACTED}.`);
  });
});

describe("set-cookie values", () => {
  it("a single set-cookie that echoes the key is scrubbed", () => {
    const metadata = new Headers([["set-cookie", `pat=${SECRET}; Path=/`]]);
    const e = Object.assign(new Error("x"), { metadata });
    redactError(e, redact);
    expect(metadata.getSetCookie()).toEqual([`pat=${REDACTED}; Path=/`]);
  });

  it("an immutable Headers (a fetch response's) without the key is left alone, and redaction does not throw", async () => {
    const server: Server = createServer((_, res) => {
      res.setHeader("set-cookie", ["lb=node-1; Path=/", "session=abc"]);
      res.setHeader("x-other", "fine");
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.text();
      const e = Object.assign(new Error(`m ${SECRET}`), { headers: response.headers });
      expect(() => redactError(e, redact)).not.toThrow();
      expect(e.message).toBe(`m ${REDACTED}`);
      expect(response.headers.getSetCookie()).toEqual(["lb=node-1; Path=/", "session=abc"]);
      // Nothing to clean, so no copy either: the error keeps the response's own headers.
      expect(e.headers).toBe(response.headers);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("an object with a getSetCookie method that is not a Headers is walked as a plain object", () => {
    const jar = { note: `Key ${SECRET}`, getSetCookie: () => [] as string[] };
    const e = Object.assign(new Error("x"), { jar });
    expect(() => redactError(e, redact)).not.toThrow();
    expect(jar.note).toBe(`Key ${REDACTED}`);
  });
});

describe("-bin values", () => {
  it("a Map's `-bin` string value is decoded and masked, not only searched as text", () => {
    const map = new Map<string, unknown>([
      ["grpc-status-details-bin", b64(`Key ${SECRET}`)],
      ["x-text", `Key ${SECRET}`],
    ]);
    redactError(Object.assign(new Error("x"), { map }), redact);
    expect(decode(map.get("grpc-status-details-bin") as string)).toBe(`Key ${stars}`);
    expect(map.get("x-text")).toBe(`Key ${REDACTED}`);
  });

  it("a padded value stays padded, an unpadded one unpadded, also before whitespace", () => {
    // 34 bytes: the encoding ends with "==".
    const payload = `ab${SECRET}`;
    const padded = b64(payload);
    expect(padded.endsWith("==")).toBe(true);
    const unpadded = padded.replace(/=+$/, "");
    const maskedPadded = b64(`ab${stars}`);
    const maskedUnpadded = maskedPadded.replace(/=+$/, "");
    const metadata = new Headers([
      ["a-bin", padded],
      ["b-bin", unpadded],
      ["c-bin", `${padded} , ${unpadded}`],
    ]);
    redactError(Object.assign(new Error("x"), { metadata }), redact);
    expect(metadata.get("a-bin")).toBe(maskedPadded);
    expect(metadata.get("b-bin")).toBe(maskedUnpadded);
    expect(metadata.get("c-bin")).toBe(`${maskedPadded}, ${maskedUnpadded}`);
    for (const name of ["a-bin", "b-bin", "c-bin"]) {
      for (const part of metadata.get(name)!.split(",")) expect(decode(part)).toBe(`ab${stars}`);
    }
  });

  it("a part without the key is kept exactly as it came, even in a form gRPC accepts but would not write (base64url)", () => {
    const other = "-_8"; // bytes fb ff, base64url without padding
    const metadata = new Headers([
      ["x-trace-bin", `${other}, ${b64(`Key ${SECRET}`)}`],
      ["y-trace-bin", other],
    ]);
    const e = Object.assign(new Error("x"), { metadata, raw: { "z-bin": other } });
    redactError(e, redact);
    expect(metadata.get("x-trace-bin")).toBe(`${other}, ${b64(`Key ${stars}`)}`);
    expect(metadata.get("y-trace-bin")).toBe(other);
    expect(e.raw["z-bin"]).toBe(other);
  });

  it("a `-bin` value that is not base64 but holds the key as text is scrubbed as text after its bytes", () => {
    const metadata = new Headers([["x-echo-bin", `Key ${SECRET}`]]);
    redactError(Object.assign(new Error("x"), { metadata }), redact);
    expect(metadata.get("x-echo-bin")).toBe(`Key ${REDACTED}`);
  });

  it("a redactor without bytes (text only) scrubs `-bin` values as text and does not throw", () => {
    const textOnly: Redactor = (t) => t.split(SECRET).join(REDACTED);
    const metadata = new Headers([
      ["x-trace-bin", b64("trace")],
      ["x-echo-bin", `Key ${SECRET}`],
    ]);
    const e = Object.assign(new Error(`m ${SECRET}`), { metadata, "note-bin": b64("n") });
    expect(() => redactError(e, textOnly)).not.toThrow();
    expect(e.message).toBe(`m ${REDACTED}`);
    expect(metadata.get("x-trace-bin")).toBe(b64("trace"));
    expect(metadata.get("x-echo-bin")).toBe(`Key ${REDACTED}`);
    // And a redactor for no secret at all has no bytes either.
    expect(() => redactError(Object.assign(new Error("x"), { metadata }), createRedactor())).not.toThrow();
  });
});

describe("a ClarifaiError's own lists", () => {
  const item = (description: string, extra?: unknown): ItemStatus =>
    ({ index: 0, id: "i0", status: { code: 10000, description }, extra }) as unknown as ItemStatus;
  const nested = (levels: number) => {
    let v: unknown = `deep ${SECRET}`;
    for (let i = 0; i < levels; i++) v = { inner: v };
    return v;
  };
  const dig = (v: unknown, levels: number) => {
    for (let i = 0; i < levels; i++) v = (v as { inner: unknown }).inner;
    return v;
  };

  it("a ClarifaiError whose lists a caller removed or replaced is scrubbed, not a crash", () => {
    const e = new ClarifaiError({ code: 10010, description: `d ${SECRET}` });
    delete (e as unknown as { items?: unknown }).items;
    Object.defineProperty(e, "previousErrors", { value: undefined, configurable: true });
    Object.assign(e, { statusDetails: null, note: `n ${SECRET}` });
    expect(() => redactError(e, redact)).not.toThrow();
    expect(e.message).not.toContain(SECRET);
    expect(e.description).toBe(`d ${REDACTED}`);
    expect((e as unknown as { note: string }).note).toBe(`n ${REDACTED}`);
  });

  it(`an item is at the depth it would have as a property: ${MAX_DEPTH} levels below the error, and no further`, () => {
    // The error is level 0, `items` level 1, the item level 2, its `extra` container level 3.
    const levels = MAX_DEPTH - 2;
    const within = new ClarifaiError({ code: 10010, items: [item("x", nested(levels))] });
    redactError(within, redact);
    expect(dig((within.items[0] as unknown as { extra: unknown }).extra, levels)).toBe(`deep ${REDACTED}`);
    const beyond = new ClarifaiError({ code: 10010, items: [item("x", nested(levels + 1))] });
    redactError(beyond, redact);
    expect(dig((beyond.items[0] as unknown as { extra: unknown }).extra, levels + 1)).toBe(`deep ${SECRET}`);
  });

  it("a frozen items list is scrubbed entry by entry, without throwing", () => {
    const items = Object.freeze([item(`bad key ${SECRET}`)]);
    const e = new ClarifaiError({ code: 10010, items });
    expect(() => redactError(e, redact)).not.toThrow();
    expect(e.items[0]!.status.description).toBe(`bad key ${REDACTED}`);
    expect(e.message).not.toContain(SECRET);
  });

  it("a list with read-only entries (not frozen) is scrubbed in its entries, without throwing", () => {
    const entry = item(`bad key ${SECRET}`);
    const items: ItemStatus[] = [];
    Object.defineProperty(items, 0, { value: entry, writable: false, enumerable: true, configurable: false });
    const e = new ClarifaiError({ code: 10010, items });
    expect(() => redactError(e, redact)).not.toThrow();
    expect(entry.status.description).toBe(`bad key ${REDACTED}`);
  });

  it("an odd list (bare bytes for details) is scrubbed even when the walk's node budget went elsewhere", () => {
    // The cause, walked before the lists, spends the whole budget for odd objects; the error's own
    // lists are not held to it.
    const cause = Array.from({ length: MAX_NODES + 10 }, () => ({}));
    const bytes = new Uint8Array(Buffer.from(`Key ${SECRET}`));
    const statusDetails = [bytes] as unknown as StatusDetail[];
    const e = new ClarifaiError({ code: 10010, cause, statusDetails });
    redactError(e, redact);
    expect(Buffer.from(e.statusDetails[0] as unknown as Uint8Array).toString()).toBe(`Key ${stars}`);
  });

  it("a frozen odd list does not make redaction throw", () => {
    const cause = Array.from({ length: MAX_NODES + 10 }, () => ({}));
    const statusDetails = Object.freeze([new Uint8Array(Buffer.from(`Key ${SECRET}`))]) as unknown as StatusDetail[];
    const e = new ClarifaiError({ code: 10010, description: `d ${SECRET}`, cause, statusDetails });
    expect(() => redactError(e, redact)).not.toThrow();
    expect(e.message).not.toContain(SECRET);
    expect(e.description).toBe(`d ${REDACTED}`);
    // The list cannot change, so a clean copy takes its place.
    expect(Buffer.from(e.statusDetails[0] as unknown as Uint8Array).toString()).toBe(`Key ${stars}`);
  });
});

describe("what cannot be cleaned in place", () => {
  it("a frozen list holding the key is replaced by a clean copy, on every path to it", () => {
    const list = Object.freeze([`Key ${SECRET}`, "kept"]);
    const error = Object.assign(new Error("x"), { list, again: { list } });
    expect(() => redactError(error, redact)).not.toThrow();
    expect(error.list).toEqual([`Key ${REDACTED}`, "kept"]);
    expect(error.again.list).toBe(error.list);
    expect(list[0]).toBe(`Key ${SECRET}`);
  });

  it("a list is cleaned in place when it can be, and a frozen one is copied only when it holds the key", () => {
    const open = [`Key ${SECRET}`, "kept"];
    const frozenClean = Object.freeze(["kept"]);
    const frozenTwice = Object.freeze([`a ${SECRET}`, "kept", `b ${SECRET}`]);
    const error = Object.assign(new Error("x"), { open, frozenClean, frozenTwice });
    redactError(error, redact);
    expect(error.open).toBe(open);
    expect(open).toEqual([`Key ${REDACTED}`, "kept"]);
    expect(error.frozenClean).toBe(frozenClean);
    // Every entry holding the key is clean in the one copy.
    expect(error.frozenTwice).toEqual([`a ${REDACTED}`, "kept", `b ${REDACTED}`]);
  });

  it("a Headers look-alike that refuses edits and cannot be copied is kept as it came: redaction does not throw", () => {
    const lookAlike = {
      [Symbol.toStringTag]: "Headers",
      "not a header name": "x",
      entries: () => [["x-echo", `Key ${SECRET}`]][Symbol.iterator](),
      getSetCookie: () => [],
      set: () => {
        throw new TypeError("immutable");
      },
    };
    const error = Object.assign(new Error("x"), { lookAlike });
    expect(() => redactError(error, redact)).not.toThrow();
    expect(error.lookAlike).toBe(lookAlike);
  });

  it("immutable Headers without the key stay the same object", () => {
    const headers = Response.redirect("https://h.example/elsewhere", 302).headers;
    const error = Object.assign(new Error("x"), { headers });
    redactError(error, redact);
    expect(error.headers).toBe(headers);
  });

  it("immutable Headers holding the key (a redirect's Location) are replaced by a clean copy, on every path to them", () => {
    const headers = Response.redirect(`https://h.example/?k=${SECRET}`, 302).headers;
    const error = Object.assign(new Error("x"), { headers, again: [headers] });
    expect(() => redactError(error, redact)).not.toThrow();
    expect(error.headers).not.toBe(headers);
    expect(error.headers.get("location")).toBe(`https://h.example/?k=${REDACTED}`);
    expect(error.again[0]).toBe(error.headers);
    expect(JSON.stringify([...error.headers])).not.toContain(SECRET);
  });
});
