// The PAT: checked once, sent as `authorization: Key <pat>` by an interceptor that holds it in a closure
// (never a property anyone can enumerate or print), and scrubbed from any text that leaves the client.
import type { Interceptor } from "@connectrpc/connect";

/** The header Clarifai reads the key from. */
export const AUTHORIZATION_HEADER = "authorization";

/** What a scrubbed secret is replaced with. */
export const REDACTED = "[REDACTED]";

/**
 * Refuses a PAT that cannot be a valid header value or that would be silently mangled (whitespace, a
 * trailing newline from a file read, control characters). The error never quotes the PAT. @internal
 */
export function validatePat(pat: string): void {
  if (typeof pat !== "string") throw new TypeError("pat must be a string");
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(pat)) {
    throw new TypeError(
      `pat contains whitespace or control characters (${pat.length} characters); check for a trailing newline in CLARIFAI_PAT or the file it came from`,
    );
  }
  if (/[^\x21-\x7e]/.test(pat)) {
    throw new TypeError("pat contains non-ASCII characters, which HTTP/2 headers cannot carry");
  }
}

/**
 * An interceptor that sets `authorization: Key <pat>` unless the call already carries an
 * `authorization` header (a caller may override per call). No header when `pat` is empty, so the
 * server's own "missing key" status comes back. @internal
 */
export function createAuthInterceptor(pat: string): Interceptor {
  return (next) => async (req) => {
    if (pat !== "" && !req.header.has(AUTHORIZATION_HEADER)) req.header.set(AUTHORIZATION_HEADER, `Key ${pat}`);
    return next(req);
  };
}

/** Secrets shorter than this are not scrubbed from text (real PATs are 32 characters). @internal */
export const MIN_REDACTED_LENGTH = 6;

/** Replaces every occurrence of the secrets in a text. @internal */
export type Redactor = (text: string) => string;

/** A redactor for the given secrets (ones shorter than {@link MIN_REDACTED_LENGTH} ignored). @internal */
export function createRedactor(...secrets: string[]): Redactor {
  // A secret of a few characters cannot be told apart from ordinary text (scrubbing "p" would mangle
  // every message), and no real PAT is that short.
  const live = secrets.filter((s) => s.length >= MIN_REDACTED_LENGTH);
  if (live.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const s of live) out = out.split(s).join(REDACTED);
    return out;
  };
}

/** Scrubs secrets from header-like values (fetch `Headers`, grpc-js `Metadata`) in place. */
function redactHeaders(value: unknown, redact: Redactor): void {
  if (value instanceof Headers) {
    for (const [k, v] of [...value.entries()]) {
      const clean = redact(v);
      if (clean !== v) value.set(k, clean);
    }
    return;
  }
  const md = value as { getMap?: () => Record<string, unknown>; set?: (k: string, v: string) => void } | null;
  if (md && typeof md.getMap === "function" && typeof md.set === "function") {
    for (const [k, v] of Object.entries(md.getMap())) {
      if (typeof v === "string" && redact(v) !== v) md.set(k, redact(v));
    }
  }
}

/**
 * Scrubs the secrets from an error in place — every own string property (message, stack, details, …),
 * header-like properties (a ConnectError's `metadata`, a grpc-js error's `metadata`), and the same for
 * each error down the `cause` chain — and returns it. A hostile or careless server may echo the key
 * back in a message or a trailer. @internal
 */
export function redactError<E>(error: E, redact: Redactor, seen = new Set<unknown>()): E {
  if (!(error instanceof Error) || seen.has(error)) return error;
  seen.add(error);
  for (const key of new Set([...Object.getOwnPropertyNames(error), "message", "stack", "rawMessage"])) {
    const descriptor = findDescriptor(error, key);
    if (!descriptor || !("value" in descriptor)) continue;
    const value: unknown = descriptor.value;
    if (typeof value === "string") {
      const clean = redact(value);
      if (clean !== value) {
        try {
          Object.defineProperty(error, key, { value: clean, configurable: true, writable: true, enumerable: descriptor.enumerable ?? false });
        } catch {
          // A frozen error keeps its text; nothing we can do, and nothing we should crash over.
        }
      }
    } else if (typeof value === "object" && value !== null && key !== "cause") {
      redactHeaders(value, redact);
    }
  }
  redactError((error as { cause?: unknown }).cause, redact, seen);
  return error;
}

function findDescriptor(object: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = object; o && o !== Error.prototype; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}
