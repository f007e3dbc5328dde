// The PAT: checked once, sent as `authorization: Key <pat>` by an interceptor that holds it in a closure
// (never a property anyone can enumerate or print); `src/redact.ts` keeps it out of what leaves the client.
import type { Interceptor } from "@connectrpc/connect";

/** The header Clarifai reads the key from. */
export const AUTHORIZATION_HEADER = "authorization";

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
