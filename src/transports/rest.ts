// The REST transport: each unary call is one `fetch` to the route the RPC's google.api.http rule gives
// (src/rest), with a proto-JSON body. It needs nothing but a global `fetch`: no node:http2, no
// connect-node, no grpc-js, so the client runs where HTTP/2 gRPC cannot (edge runtimes, browsers,
// proxies that pass only HTTP/1.1).
import type { DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeFromHttpStatus } from "@connectrpc/connect/protocol-connect";
import { jsonToMessage, responseReadOptions } from "../rest/json.js";
import { RestMappingError } from "../rest/mapping-error.js";
import { encodeRestRequest } from "../rest/transcode.js";
import type { Endpoint, TlsOptions } from "../options.js";
import { onAbort } from "../abort.js";
import { AUTHORIZATION_HEADER, authorizationSecrets } from "../auth.js";
import { createRedactor } from "../redact.js";
import { answerTooLargeError } from "../status.js";
import type { ClientTransport, UnaryAttempt, UnaryResult } from "./transport.js";

/** Options of {@link createRestTransport}. @internal */
export interface RestTransportOptions {
  /** The API's base URL; routes are appended to it (`https://api.clarifai.com` + `/v2/tasks`). */
  readonly endpoint: Endpoint;
  /**
   * Must not carry `ca`: the transport calls the runtime's `fetch`, which trusts what the runtime
   * trusts (in Node: its built-in roots plus `NODE_EXTRA_CA_CERTS`). Default `{}`.
   */
  readonly tls?: TlsOptions;
  /**
   * The largest answer body taken, in bytes, as `fetch` hands it over (inflated when the server
   * compressed it). See `ClarifaiClientOptions.maxReceiveBytes`.
   */
  readonly maxReceiveBytes: number;
}

const trustHint = "the rest transport trusts the CAs the runtime's fetch trusts; in Node, add yours with NODE_EXTRA_CA_CERTS";

/** At most this much of a non-JSON error body goes into the error message. */
const SNIPPET_CHARS = 200;

// Stateless for whole-buffer decoding; like `Response.text()`: UTF-8, a leading BOM dropped, bad bytes
// replaced.
const utf8 = new TextDecoder();

/**
 * The body of `response` as text, as `response.text()` reads it, read no further than `maxBytes`. An
 * answer past it fails the call with an answer-too-large error (never retried); an HTTP error's body is
 * cut there instead, since its status, not its size, says what happened (and whether to retry).
 */
async function readBody(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stops the download; a failure to cancel changes nothing about this call's outcome.
      reader.cancel().catch(() => {});
      if (!response.ok) {
        chunks.push(value.subarray(0, value.byteLength - (size - maxBytes)));
        size = maxBytes;
        break;
      }
      throw answerTooLargeError(`the answer's body is more than ${maxBytes} bytes, the most the client accepts (maxReceiveBytes)`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return utf8.decode(chunks[0]);
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return utf8.decode(body);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * What an HTTP error's message says of a redirect: where it pointed (`Location`), and that it was not
 * followed; `""` for any other answer. (A browser's fetch hides a redirect's status and headers.)
 */
function redirectNote(response: Response): string {
  if (response.type === "opaqueredirect") return " (a redirect, not followed)";
  const location = response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
  return location === null ? "" : ` (a redirect to ${location}, not followed)`;
}

/** Response headers plus the code the transport derived, marking the failure as the server's answer. */
function serverMetadata(headers: Headers, code: Code): Headers {
  const metadata = new Headers(headers);
  metadata.set("grpc-status", String(code));
  return metadata;
}

/**
 * The REST transport. Per attempt: the request is transcoded by the RPC's rule (a request that does
 * not fit, e.g. an empty path variable, fails with INVALID_ARGUMENT before anything is sent), sent
 * with `fetch`, and the JSON body decoded as the response message, unknown fields skipped.
 *
 * What the attempt resolves with: any 2xx answer whose body decodes, and any other answer whose JSON
 * body carries a `status` (the API answers a Clarifai failure as HTTP 4xx/5xx with the status in the
 * body; the client checks it, as for every transport). What it rejects with: a `ConnectError` whose
 * code comes from the HTTP status as connect's `codeFromHttpStatus` maps it (for an answer without a
 * status: a proxy's 502 page, a 404 from something that is not the API, a redirect, which is not
 * followed), UNAVAILABLE when `fetch` itself fails (the network error kept as `cause`), INTERNAL for a
 * body that does not decode, DEADLINE_EXCEEDED when the attempt's `timeoutMs` runs out, and the
 * signal's reason, as it is, on abort.
 *
 * @throws TypeError when `tls.ca` is given (see {@link RestTransportOptions.tls}).
 * @internal
 */
export function createRestTransport(options: RestTransportOptions): ClientTransport {
  if (options.tls?.ca !== undefined) {
    throw new TypeError(`tls.ca cannot be used with transport "rest": ${trustHint}`);
  }
  const base = options.endpoint.url;
  const inFlight = new Set<AbortController>();
  let closed = false;

  async function unary<I extends DescMessage, O extends DescMessage>(attempt: UnaryAttempt<I, O>): Promise<UnaryResult<O>> {
    const { method, signal, timeoutMs } = attempt;
    if (signal?.aborted) throw signal.reason;
    if (closed) throw new ConnectError("the REST transport is closed", Code.Unavailable);
    let request;
    try {
      request = encodeRestRequest(method, attempt.message);
    } catch (e) {
      if (e instanceof RestMappingError) throw new ConnectError(e.message, Code.InvalidArgument, undefined, undefined, e);
      throw e;
    }
    let headers: Headers;
    try {
      headers = new Headers(attempt.headers);
    } catch (e) {
      // fetch refuses a value with CR/LF or other bytes a header cannot carry: nothing is sent.
      throw new ConnectError(`a request header cannot be sent: ${(e as Error).message}`, Code.InvalidArgument, undefined, undefined, e);
    }
    headers.set("accept", "application/json");
    if (request.body !== undefined) headers.set("content-type", "application/json");

    const controller = new AbortController();
    let timedOut = false;
    // Through onAbort: the signal may be the client's close signal, which every call in flight follows.
    const stopAbort = signal ? onAbort(signal, (reason) => controller.abort(reason)) : undefined;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, Math.max(0, timeoutMs));
    inFlight.add(controller);
    const failure = (e: unknown): unknown => {
      if (signal?.aborted) return signal.reason;
      if (timedOut) return new ConnectError(`the call took longer than its ${timeoutMs} ms deadline`, Code.DeadlineExceeded);
      if (closed) return new ConnectError("the REST transport was closed while the call was in flight", Code.Canceled);
      if (e instanceof ConnectError) return e;
      const cause = (e as { cause?: { message?: unknown; code?: unknown } })?.cause;
      const detail = typeof cause?.message === "string" && cause.message ? `: ${cause.message}` : "";
      // What to do about an untrusted certificate is the error's hint (src/status.ts, by transport).
      return new ConnectError(`${(e as Error)?.message ?? String(e)}${detail}`, Code.Unavailable, undefined, undefined, e);
    };
    try {
      const url = `${base}${request.path}${request.query ? `?${request.query}` : ""}`;
      // A redirect is not followed: it is the server's answer. Followed, the request went on to whoever
      // it named (a 303, or a 301/302 to a POST, as a GET whose answer was taken as the write's), and that
      // hop's failure (a refused connection, a TLS handshake) read as proof the write was never sent.
      const response = await fetch(url, { method: request.method, headers, body: request.body, signal: controller.signal, redirect: "manual" });
      const text = await readBody(response, options.maxReceiveBytes);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (isObject(json) && (response.ok || isObject(json["status"]))) {
        try {
          return { message: jsonToMessage(method.output, json as never, responseReadOptions), header: response.headers, trailer: new Headers() };
        } catch (e) {
          const message = `the response does not decode as ${method.output.typeName}: ${(e as Error).message}`;
          throw new ConnectError(message, Code.Internal, serverMetadata(response.headers, Code.Internal), undefined, e);
        }
      }
      const code = codeFromHttpStatus(response.status);
      // Scrubbed of the key this request sent before it is cut: a key straddling the cut would leave a
      // prefix that no redactor could recognise later.
      const key = attempt.headers[AUTHORIZATION_HEADER];
      const body = key === undefined ? text.trim() : createRedactor(...authorizationSecrets(key))(text.trim());
      const snippet = body.slice(0, SNIPPET_CHARS);
      const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""} from ${request.method} ${request.path}${redirectNote(response)}${snippet ? `: ${snippet}` : ""}`;
      throw new ConnectError(message, code, serverMetadata(response.headers, code));
    } catch (e) {
      throw failure(e);
    } finally {
      clearTimeout(timer);
      stopAbort?.();
      inFlight.delete(controller);
    }
  }

  return {
    name: "rest",
    unary,
    async close() {
      closed = true;
      for (const controller of inFlight) controller.abort();
    },
  };
}
