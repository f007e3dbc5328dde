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

/** Scrubs the secrets from an error's message, stack and cause chain, in place; returns it. @internal */
export function redactError<E>(error: E, redact: Redactor, seen = new Set<unknown>()): E {
  if (!(error instanceof Error) || seen.has(error)) return error;
  seen.add(error);
  for (const key of ["message", "stack", "description", "details", "developerNotes", "rawMessage"] as const) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === "string") {
      const clean = redact(value);
      if (clean !== value) {
        try {
          Object.defineProperty(error, key, { value: clean, configurable: true, writable: true, enumerable: key !== "message" && key !== "stack" });
        } catch {
          // A frozen error keeps its text; nothing we can do, and nothing we should crash over.
        }
      }
    }
  }
  redactError((error as { cause?: unknown }).cause, redact, seen);
  return error;
}
