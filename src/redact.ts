// Keeping the PAT out of everything the client throws. A server may echo the key back (in a status
// message, a trailer, an item's status, binary metadata), and any error we keep may be rendered by
// someone: `String(e)`, `e.stack`, `JSON.stringify(e)`, `util.inspect(e)` at any depth (Node >= 22
// prints every nested `cause` with its stack), a logger walking own properties. So secrets are
// scrubbed where an error is captured, in every place a rendering could reach, not where it is shown.
import { isClarifaiError, type ClarifaiError } from "./errors.js";
import { hasUnreadMetadata } from "./lazy-connect-error.js";

/** What a scrubbed secret is replaced with in text. */
export const REDACTED = "[REDACTED]";

/**
 * Secrets shorter than this are not scrubbed from text (real PATs are 32 characters), unless they are a
 * whole `authorization` value (see {@link createRedactor}). @internal
 */
export const MIN_REDACTED_LENGTH = 6;

// A whole `authorization` value, `Key <pat>` or `Bearer <token>`: it cannot be mistaken for ordinary
// text whatever the key's length, so it is scrubbed even when the key alone is too short to be.
const headerForm = /^(?:Key|Bearer) \S/i;

/** Replaces every occurrence of the secrets in a text. @internal */
export type Redactor = ((text: string) => string) & {
  /** The same for bytes (binary metadata, encoded details): each secret byte masked with `*`, length kept. */
  readonly bytes?: (data: Uint8Array) => Uint8Array;
};

/**
 * A redactor for the given secrets, scrubbed in the order given (a bare key before the header value
 * holding it, so that the text keeps `Key [REDACTED]`). Ones shorter than {@link MIN_REDACTED_LENGTH}
 * are ignored, except a whole `authorization` value (`Key <pat>`, `Bearer <token>`). Each bare secret is
 * also scrubbed where it appears base64-encoded (see base64Forms). @internal
 */
export function createRedactor(...secrets: string[]): Redactor {
  // A secret of a few characters cannot be told apart from ordinary text (scrubbing "p" would mangle
  // every message), and no real PAT is that short.
  const given = secrets.filter((s) => s.length >= MIN_REDACTED_LENGTH || headerForm.test(s));
  if (given.length === 0) return (text) => text;
  // Built at the first use: a call that sends its own key gets a redactor of its own, which only a
  // failure reads (building this took 8-13 µs a call, answered or not).
  let scrub: Scrub | undefined;
  const text = (value: string) => {
    const { live, whole } = (scrub ??= scrubOf(given));
    let out = value;
    for (let i = 0; i < live.length; i++) {
      const s = live[i]!;
      if (!out.includes(s)) continue;
      const bounded = whole[i];
      out = bounded ? out.replace(bounded, REDACTED) : out.split(s).join(REDACTED);
    }
    return out;
  };
  // Bytes keep their length: a secret inside an encoded message (a google.rpc.Status detail) is a
  // length-prefixed string, and a masked copy of it still decodes.
  const bytes = (data: Uint8Array) => {
    let out: Buffer | undefined;
    for (const p of (scrub ??= scrubOf(given)).patterns) {
      const view = out ?? Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      for (let at = view.indexOf(p); at !== -1; at = view.indexOf(p, at + p.length)) {
        out ??= Buffer.from(data);
        out.fill(0x2a, at, at + p.length);
      }
    }
    return out ?? data;
  };
  return Object.assign(text, { bytes });
}

/** What a redactor looks for: each text to scrub, the pattern that bounds it if any, and its bytes. */
interface Scrub {
  readonly live: readonly string[];
  readonly whole: readonly (RegExp | undefined)[];
  readonly patterns: readonly Buffer[];
}

/** The {@link Scrub} of the secrets a redactor keeps (`given`, already filtered by length). */
function scrubOf(given: readonly string[]): Scrub {
  // Each key as it looks inside base64 too (a server may echo it encoded, in a header that is not
  // `-bin`, in a message, in a detail's string), after the keys themselves: a bare key before the
  // header value holding it, as given.
  const live = [...given, ...given.filter((s) => !headerForm.test(s)).flatMap(base64Forms)];
  // A key in its header form is scrubbed only where the key ends: with key "ab", `Key abc` names
  // another key and `Key about to expire` is text. (A long key is scrubbed alone before, anyway.) A
  // dot ends the key unless a token character follows it: `Key ab.` ends a sentence, `Key ab.c` is
  // another key.
  const whole = live.map((s) => (headerForm.test(s) ? new RegExp(`${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w~+/=-]|\\.+[\\w~+/=-])`, "g") : undefined));
  return { live, whole, patterns: live.map((s) => Buffer.from(s, "utf8")) };
}

/**
 * What `secret` looks like inside any base64 text (standard or URL-safe) of bytes that contain it: its
 * bytes fall at one of three offsets within the encoding's 3-byte groups, and at each offset the
 * characters whose bits are all the secret's are the same whatever surrounds it. The characters
 * shared with the neighbouring bytes are left out, so each form is found wherever the key was.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const form = text.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    forms.add(form);
    forms.add(form.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms];
}

// How far into an error's properties the walk goes: deep enough for a ConnectError's details and a
// grpc-js error's metadata under two levels of `cause`, bounded so that a caller's odd abort reason
// (a graph of objects) cannot make a failure expensive. A ClarifaiError's own lists are not held to
// MAX_NODES (see scrubOwnLists).
const MAX_DEPTH = 12;
const MAX_NODES = 2000;

interface Walk {
  readonly redact: Redactor;
  // Each object walked, and its clean version: itself (cleaned in place), or a masked copy of bytes.
  // An object reached again by another path (a ConnectError's detail bytes, shared by the
  // ClarifaiError's `statusDetails`) gets the same clean version there too.
  readonly seen: Map<object, unknown>;
  nodes: number;
}

/**
 * Scrubs the secrets from an error in place and returns it: every own property, string- or
 * symbol-keyed, data or accessor (`stack` is an accessor on Node >= 22), replaced by a clean data
 * property where it held a secret; and, the same way, every error and plain object it refers to — the
 * `cause` chain, an `AggregateError`'s `errors`, a ConnectError's `metadata` (`Headers`) and `details`,
 * a grpc-js error's `metadata` (`Metadata`), `Map`s, arrays and bytes (`-bin` header values are
 * base64: decoded, masked and encoded again). An object reached by two paths gets the same clean
 * version on both. @internal
 */
export function redactError<E>(error: E, redact: Redactor): E {
  if (typeof error !== "object" || error === null) return error;
  scrub(error, { redact, seen: new Map(), nodes: 0 }, 0);
  return error;
}

/** A clean version of `value`: strings and bytes replaced, objects cleaned in place and returned. */
function scrub(value: unknown, walk: Walk, depth: number): unknown {
  if (typeof value === "string") return walk.redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (walk.seen.has(value)) return walk.seen.get(value);
  if (depth > MAX_DEPTH || ++walk.nodes > MAX_NODES) return value;
  if (ArrayBuffer.isView(value)) {
    const clean = value instanceof Uint8Array ? (walk.redact.bytes?.(value) ?? value) : value;
    walk.seen.set(value, clean);
    return clean;
  }
  walk.seen.set(value, value);
  if (isHeaders(value)) return scrubHeaders(value, walk);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const clean = typeof v === "string" ? scrubText(k, v, walk) : scrub(v, walk, depth + 1);
      if (clean !== v) value.set(k, clean);
    }
    return value;
  }
  if (Array.isArray(value)) {
    const out = cleanList(value, (entry) => scrub(entry, walk, depth + 1));
    // A copy (of a frozen list) takes its place on every other path to it too.
    walk.seen.set(value, out);
    return out;
  }
  if (!walkable(value)) return value;
  if (value instanceof Error && isClarifaiError(value)) scrubOwnLists(value, walk, depth);
  for (const key of Reflect.ownKeys(value)) scrubProperty(value, key, walk, depth);
  // `message` and `stack` may live on the prototype chain of an odd error (a subclass that defines a
  // getter): an own clean copy shadows them.
  if (value instanceof Error) {
    for (const key of ["message", "stack"] as const) if (!Object.prototype.hasOwnProperty.call(value, key)) scrubProperty(value, key, walk, depth);
  }
  return value;
}

/**
 * `headers` scrubbed: in place, or, when they are immutable (a fetch response's), in a clean copy that
 * takes their place in their parent and on every other path to them.
 */
function scrubHeaders(headers: Headers, walk: Walk): Headers {
  let out = headers;
  const write = (edit: (h: Headers) => void) => {
    try {
      edit(out);
    } catch {
      // Immutable headers refuse every edit, the first included: nothing was changed, so the copy is
      // of the headers as they came. (Reading the global Headers costs nothing now: fetch made these.)
      if (out !== headers) return;
      try {
        const copy = new Headers(headers);
        edit(copy);
        walk.seen.set(headers, (out = copy));
      } catch {
        // Not a Headers the global one can copy (a look-alike with the same tag): kept as it came, as
        // a frozen error keeps its text; redaction never throws.
      }
    }
  };
  for (const [k, v] of [...headers.entries()]) {
    // Iteration yields each set-cookie value apart, and set() would leave only the one given: the
    // cookies are scrubbed as a list below.
    if (k === "set-cookie") continue;
    const clean = scrubText(k, v, walk);
    if (clean !== v) write((h) => h.set(k, clean));
  }
  const cookies = headers.getSetCookie();
  const clean = cookies.map((c) => walk.redact(c));
  if (clean.some((c, i) => c !== cookies[i])) {
    write((h) => {
      h.delete("set-cookie");
      for (const c of clean) h.append("set-cookie", c);
    });
  }
  return out;
}

/**
 * The lists a ClarifaiError holds (its items' statuses, the server's rich details, the earlier
 * attempts' failures) are the server's answer, however long: each entry gets a node budget of its own,
 * so that a batch of a thousand items is scrubbed to its last item. The budget is for what a caller
 * may have hung on an error (an odd abort reason), not for what the client made.
 */
function scrubOwnLists(error: ClarifaiError, walk: Walk, depth: number): void {
  for (const key of ["items", "statusDetails", "previousErrors"] as const) {
    const list: unknown = error[key];
    if (!Array.isArray(list)) continue;
    const out = cleanList(list, (entry) => scrub(entry, { redact: walk.redact, seen: walk.seen, nodes: 0 }, depth + 2));
    // The walk of the error's own properties that follows finds the list seen, clean, and puts a copy
    // (of a frozen list) in its place, as for any property; a frozen error keeps its list, as it keeps
    // its text.
    walk.seen.set(list, out);
  }
}

/**
 * `list` with each entry replaced by `clean(entry)` where that differs: in place, or, for a frozen
 * list, in a copy (returned, for the caller to put in its place, as a masked copy of bytes is).
 */
function cleanList(list: unknown[], clean: (entry: unknown) => unknown): unknown[] {
  let out = list;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    const cleaned = clean(entry);
    if (cleaned === entry) continue;
    if (out === list && Object.isFrozen(list)) out = [...list];
    try {
      out[i] = cleaned;
    } catch {
      // A read-only entry of a list that is not frozen: kept, as a frozen error keeps its text.
    }
  }
  return out;
}

/**
 * A header value, scrubbed. The value of a `-bin` header is base64 (comma-separated when repeated):
 * a key inside it is masked in the decoded bytes, which are encoded again, so that the value still
 * decodes; then the text pass, for a key the server put there as plain text.
 */
function scrubText(name: unknown, text: string, walk: Walk): string {
  if (typeof name !== "string" || !name.endsWith("-bin") || !walk.redact.bytes) return walk.redact(text);
  // Bytes first: the text redactor would put `[REDACTED]` over the key's base64 form, and the value
  // would no longer decode.
  const parts = text.split(",");
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const bytes = Buffer.from(part.trim(), "base64");
    const masked = walk.redact.bytes(bytes);
    if (masked === bytes) continue;
    // Encoded as it came: gRPC accepts base64 with or without padding, and repeated values are joined by ", ".
    const encoded = Buffer.from(masked).toString("base64");
    parts[i] = part.slice(0, part.length - part.trimStart().length) + (part.trimEnd().endsWith("=") ? encoded : encoded.replace(/=+$/, ""));
    changed = true;
  }
  return walk.redact(changed ? parts.join(",") : text);
}

// Not `instanceof Headers`: the first read of the global `Headers` loads Node's fetch implementation
// (17 ms of CPU in a profile of close()) into a process that may never use it, and every failure passes
// through here. An object that fetch (or connect, through it) made says what it is by its toStringTag.
// (A hostile object's toStringTag getter may throw: that is not Headers, and redaction never throws.)
function isHeaders(value: object): value is Headers {
  try {
    return Object.prototype.toString.call(value) === "[object Headers]" && typeof (value as Headers).getSetCookie === "function";
  } catch {
    return false;
  }
}

/**
 * Objects whose properties are data a rendering shows: errors, plain objects (protobuf-es messages
 * among them) and grpc-js `Metadata` (found by its `internalRepr` map). Other class instances (a
 * socket a caller hung on an abort reason) are left alone rather than walked.
 */
function walkable(value: object): boolean {
  if (value instanceof Error) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return true;
  return (value as { internalRepr?: unknown }).internalRepr instanceof Map;
}

function scrubProperty(object: object, key: string | symbol, walk: Walk, depth: number): void {
  // Empty until read, so nothing to scrub; and reading it would make a `Headers` (lazy-connect-error.ts).
  if (key === "metadata" && hasUnreadMetadata(object)) return;
  const descriptor = findDescriptor(object, key);
  if (!descriptor) return;
  let value: unknown;
  if ("value" in descriptor) {
    value = descriptor.value;
  } else if (descriptor.get) {
    try {
      value = descriptor.get.call(object);
    } catch {
      return;
    }
  } else {
    return;
  }
  const clean = typeof value === "string" ? scrubText(key, value, walk) : scrub(value, walk, depth + 1);
  if (clean === value) return;
  try {
    Object.defineProperty(object, key, { value: clean, configurable: true, writable: true, enumerable: descriptor.enumerable ?? false });
  } catch {
    // A non-configurable property can still be writable; a frozen error keeps its text (nothing we
    // can do, and nothing we should crash over).
    try {
      if (descriptor.writable) (object as Record<string | symbol, unknown>)[key] = clean;
    } catch {
      // frozen
    }
  }
}

function findDescriptor(object: object, key: string | symbol): PropertyDescriptor | undefined {
  for (let o: object | null = object; o && o !== Error.prototype && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}
