// The PAT and the request metadata of every call: the key is checked once, held in a closure (never a
// property anyone can enumerate or print) and sent as `authorization: Key <pat>`; `src/redact.ts`
// keeps it out of what leaves the client.
import { createRedactor, type Redactor } from "./redact.js";

/** The header Clarifai reads the key from. */
export const AUTHORIZATION_HEADER = "authorization";

/** Where the client's PAT came from (said in authentication errors; never the PAT itself). */
export type PatSource = "option" | "env" | "none";

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

/** Per-call headers as `CallOptions.headers` takes them. */
export type HeadersInput = Readonly<Record<string, string>> | Headers;

/** The request metadata of calls, and where their key came from. @internal */
export interface RequestMetadata {
  /**
   * The metadata of one call: the client's headers, then the call's (names lower-cased, the call's
   * winning), then `authorization: Key <pat>` unless one of those set `authorization` or the PAT is
   * empty (then the server's own "missing key" status comes back). A value that could smuggle a
   * second header (CR, LF, NUL) is a TypeError naming the header, before anything is sent.
   */
  headers(call: HeadersInput | undefined): Record<string, string>;
  /** What an authentication failure of such a call says about its key. */
  keySource(call: HeadersInput | undefined): string;
  /**
   * Scrubs every key the client sends from text: the PAT (also as `Key <pat>`, whatever its length)
   * and the client's own `authorization` header, with and without its scheme.
   */
  readonly redact: Redactor;
  /**
   * The redactor of a call with these headers: {@link RequestMetadata.redact}, or, for a call that
   * sends its own `authorization` header, one that scrubs that key too.
   */
  redactFor(call: HeadersInput | undefined): Redactor;
}

// eslint-disable-next-line no-control-regex
const unsafeValue = /[\r\n\0]/;

function put(out: Record<string, string>, name: string, value: string, where: string): void {
  if (typeof value !== "string") throw new TypeError(`${where} header ${JSON.stringify(name)} must be a string`);
  if (unsafeValue.test(value)) throw new TypeError(`${where} header ${JSON.stringify(name)} contains CR, LF or NUL; nothing was sent`);
  out[name.toLowerCase()] = value;
}

// Recognised by shape, not `instanceof Headers`: reading the global `Headers` makes Node load its
// fetch implementation (undici, ~7 ms), which a call that was given no headers does not need.
function isHeaders(call: HeadersInput): call is Headers {
  return typeof (call as Headers).forEach === "function" && typeof (call as Headers).has === "function";
}

/** The `authorization` value a call's own headers set, if any. */
function callAuthorization(call: HeadersInput | undefined): string | undefined {
  // Not an object: the call's options are refused before anything is sent (checkCallOptions).
  if (typeof call !== "object" || call === null) return undefined;
  if (isHeaders(call)) return call.get(AUTHORIZATION_HEADER) ?? undefined;
  const name = Object.keys(call).find((k) => k.toLowerCase() === AUTHORIZATION_HEADER);
  return name === undefined ? undefined : (call as Record<string, string>)[name];
}

/**
 * The secrets an `authorization` value holds: the credentials after its scheme (`Key <pat>`,
 * `Bearer <token>`), then the whole value. A server may echo either. @internal
 */
export function authorizationSecrets(value: string): string[] {
  // A value that is not a string is refused before anything is sent (see `headers`): it was never a key.
  if (typeof value !== "string") return [];
  // Trimmed: a server echoing the key does not echo the spaces around it.
  const trimmed = value.trim();
  const credentials = /^[A-Za-z][\w-]*\s+(\S(?:.*\S)?)$/.exec(trimmed)?.[1];
  if (credentials !== undefined) return [credentials, trimmed];
  // A scheme without credentials holds no secret; scrubbing the word "Bearer" would only mangle text.
  return trimmed === "" || /^(?:key|bearer|basic)$/i.test(trimmed) ? [] : [trimmed];
}

/** The metadata step of the call path, for a client with this PAT and these default headers. @internal */
export function createRequestMetadata(pat: string, source: PatSource, clientHeaders: Readonly<Record<string, string>>): RequestMetadata {
  const defaults: Record<string, string> = {};
  for (const [k, v] of Object.entries(clientHeaders)) put(defaults, k, v, "client");
  const clientSetsKey = AUTHORIZATION_HEADER in defaults;
  const sourceText = clientSetsKey
    ? "the key came from the client's `headers.authorization` option"
    : source === "option"
      ? "the key came from the `pat` option"
      : source === "env"
        ? "the key came from the CLARIFAI_PAT environment variable"
        : "no key was sent: set the `pat` option or CLARIFAI_PAT";
  const auth = pat === "" ? undefined : `Key ${pat}`;
  // `Key <pat>` as well as the PAT: a PAT too short to scrub alone is still scrubbed as the header
  // value the server may echo (validatePat accepts any visible-ASCII PAT, however short).
  const secrets = [pat, `Key ${pat}`, ...(clientSetsKey ? authorizationSecrets(defaults[AUTHORIZATION_HEADER]!) : [])];
  const redact = createRedactor(...secrets);
  return {
    redact,
    redactFor(call) {
      const own = callAuthorization(call);
      return own === undefined ? redact : createRedactor(...secrets, ...authorizationSecrets(own));
    },
    headers(call) {
      const out = { ...defaults };
      if (call !== undefined) {
        if (isHeaders(call)) call.forEach((v, k) => put(out, k, v, "call"));
        else for (const [k, v] of Object.entries(call)) put(out, k, v, "call");
      }
      if (auth !== undefined && !(AUTHORIZATION_HEADER in out)) out[AUTHORIZATION_HEADER] = auth;
      return out;
    },
    keySource(call) {
      return callAuthorization(call) !== undefined ? "the key came from this call's `authorization` header" : sourceText;
    },
  };
}
