// The default transport ("connect"): unary gRPC over node:http2, with connect-node's Http2SessionManager
// for connections (reconnects, keepalive PINGs, idle timeout, GOAWAY handling) and connect's gRPC
// protocol helpers for statuses. A unary call needs far less than connect's generic call path, which
// is built for streams: no async iterables, no per-call AbortController and sentinel error on success,
// no Web `Headers` until someone reads them. One stream, one frame out, one frame in, one status.
import { fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { codeFromHttpStatus } from "@connectrpc/connect/protocol-grpc";
import { kMaxLength } from "node:buffer";
import { constants, type ClientHttp2Stream, type Http2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type SecureClientSessionOptions } from "node:http2";
import { onAbort } from "../abort.js";
import { encodeGrpcTimeout, GRPC_TIMEOUT_HEADER } from "../deadline.js";
import { lazyConnectError } from "../lazy-connect-error.js";
import type { Compression, Endpoint, TlsOptions } from "../options.js";
import { answerTooLargeError, notSentError } from "../status.js";
import { USER_AGENT } from "../version.js";
import { foreignContentTypeError } from "./answer-content-type.js";
import { Deadlines } from "./deadlines.js";
import { fromHttp2Reset, fromNodeError } from "./node-errors.js";
import { gunzipBytes, gzipBytes } from "./gzip.js";
import { KEEPALIVE } from "./keepalive.js";
import { LazyHeadersResult } from "./lazy-headers-result.js";
import { trailerError } from "./trailer-status.js";
import type { ClientTransport, UnaryAttempt, UnaryResult } from "./transport.js";

/**
 * connect-node's session manager removes its `error` listeners from an HTTP/2 session when it moves on
 * (closing, after an error), yet Node can still emit `error` on that session afterwards — e.g. a peer
 * that answers with a protocol error. With no listener, that is an uncaught exception that takes the
 * whole process down. Every session that carried a request gets one permanent listener that ignores
 * such late errors: the calls on it have already failed through their streams. (Done where the stream
 * arrives rather than in a `request` override: an override would put one more promise on every call.)
 */
function guardSession(guarded: WeakSet<Http2Session>, stream: ClientHttp2Stream): void {
  const session = stream.session;
  if (session && !guarded.has(session)) {
    guarded.add(session);
    session.on("error", () => {});
  }
}

/** Options of {@link createNodeHttp2Transport}. @internal */
export interface NodeHttp2TransportOptions {
  readonly endpoint: Endpoint;
  readonly tls: TlsOptions;
  readonly compression: Compression;
  /** The largest answer message taken, in bytes (see `ClarifaiClientOptions.maxReceiveBytes`). */
  readonly maxReceiveBytes: number;
}

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, HTTP2_HEADER_STATUS } = constants;

/**
 * The largest answer a transport takes (`maxReceiveBytes`, compressed or inflated), made once per
 * transport: a call reads a number and passes an object made in advance. Without a limit, a server
 * could make the client hold whatever it sends, or inflate a 513 KiB gzip message to 512 MiB.
 */
interface ReceiveLimit {
  readonly maxBytes: number;
  /** zlib's limit on what one answer inflates to; at most the largest Buffer, which zlib refuses to exceed. */
  readonly inflate: { readonly maxOutputLength: number };
}

function receiveLimit(maxBytes: number): ReceiveLimit {
  return Object.freeze({ maxBytes, inflate: Object.freeze({ maxOutputLength: Math.min(maxBytes, kMaxLength) }) });
}

/** The failure of an answer past `limit`; `what` says which size went past it. */
function tooLarge(what: string, limit: ReceiveLimit, cause?: unknown): ConnectError {
  return answerTooLargeError(`the answer's message ${what} more than ${limit.maxBytes} bytes, the most the client accepts (maxReceiveBytes)`, cause);
}

/** The lean unary gRPC transport over node:http2. @internal */
export function createNodeHttp2Transport(options: NodeHttp2TransportOptions): ClientTransport {
  const { endpoint, tls, compression } = options;
  const limit = receiveLimit(options.maxReceiveBytes);
  const nodeOptions: SecureClientSessionOptions = {};
  if (endpoint.tls && tls.ca !== undefined) nodeOptions.ca = tls.ca as SecureClientSessionOptions["ca"];
  const guarded = new WeakSet<Http2Session>();
  const sessions = new Http2SessionManager(endpoint.url, { ...KEEPALIVE }, nodeOptions);
  const basePath = new URL(endpoint.url).pathname.replace(/\/+$/, "");
  const acceptEncoding = compression.accept.length > 0 ? compression.accept.join(",") : undefined;
  const acceptsGzip = compression.accept.includes("gzip");
  const deadlines = new Deadlines();
  let closed = false;

  function unary<I extends DescMessage, O extends DescMessage>(attempt: UnaryAttempt<I, O>): Promise<UnaryResult<O>> {
    const { method, signal } = attempt;
    // A request sent gzipped says the client reads gzip too: servers answer in the request's encoding.
    let sentGzip = false;
    // The answer is decoded in a continuation of this promise, not inside the stream's event handlers:
    // decoding there (most of a call's allocation) keeps the stream's machinery reachable while the
    // young generation fills, and the scavenger then promotes twice as much (measured: 2.5 MB against
    // 1.1 MB promoted per scavenge at 32 calls in flight, and twice the GC time per call).
    return new Promise<Answer>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (closed) return reject(new ConnectError("the transport is closed", Code.Unavailable));
      let stream: ClientHttp2Stream | undefined;
      let settled = false;
      let stopDeadline: (() => void) | undefined;
      let stopAbort: (() => void) | undefined;
      const settle = (error: unknown, answer?: Answer) => {
        if (settled) return;
        settled = true;
        stopDeadline?.();
        stopAbort?.();
        if (error !== undefined) {
          // Whatever ended the call early, the stream goes with it (CANCEL, as gRPC maps a cancellation).
          if (stream && !stream.closed) stream.close(NGHTTP2_CANCEL);
          reject(error);
        } else {
          resolve(answer!);
        }
      };
      if (signal) stopAbort = onAbort(signal, (reason) => settle(reason));
      if (attempt.timeoutMs !== undefined) {
        const ms = attempt.timeoutMs;
        // Without a `Headers` (lazy-connect-error.ts): a service's first deadline must not load fetch.
        stopDeadline = deadlines.add(ms, () => settle(lazyConnectError(`the deadline of ${Math.ceil(ms)} ms passed before the answer came`, Code.DeadlineExceeded)));
      }
      const headers: OutgoingHttpHeaders = {
        "user-agent": USER_AGENT,
        ...attempt.headers,
        "content-type": "application/grpc+proto",
        te: "trailers",
      };
      if (attempt.timeoutMs !== undefined) headers[GRPC_TIMEOUT_HEADER] = encodeGrpcTimeout(attempt.timeoutMs);
      if (acceptEncoding !== undefined) headers["grpc-accept-encoding"] = acceptEncoding;
      let bytes: Uint8Array;
      try {
        bytes = toBinary(method.input, attempt.message);
      } catch (e) {
        return settle(notSentError(`the request could not be encoded: ${e instanceof Error ? e.message : String(e)}`, Code.InvalidArgument, e));
      }
      const send = (payload: Uint8Array, compressed: boolean) => {
        if (settled) return;
        if (compressed) {
          headers["grpc-encoding"] = "gzip";
          sentGzip = true;
        }
        sessions.request("POST", `${basePath}/${method.parent.typeName}/${method.name}`, headers, {}).then(
          (s) => {
            stream = s;
            guardSession(guarded, s);
            if (settled) {
              // Ended (aborted, deadline) while the stream was being opened: nobody reads it any more,
              // but its late errors (the session closing under it) must not go uncaught.
              s.on("error", () => {});
              s.close(NGHTTP2_CANCEL);
              return;
            }
            try {
              exchange(s, frame(payload, compressed), sessions, limit, settle);
            } catch (e) {
              // Listening or writing on a stream Node has already destroyed: the call fails, nothing is left unhandled.
              settle(fromNodeError(e));
            }
          },
          (e: unknown) => settle(fromNodeError(e)),
        );
      };
      if (compression.send === "gzip" && bytes.length >= compression.minBytes) {
        gzipBytes(bytes).then(
          (zipped) => send(zipped, true),
          (e: unknown) => settle(fromNodeError(e)),
        );
      } else {
        send(bytes, false);
      }
    }).then((answer) => decodeAnswer(answer, method.output, acceptsGzip || sentGzip, limit));
  }

  return {
    name: "connect",
    unary,
    async close() {
      if (closed) return;
      closed = true;
      // No connection after close. connect-node's session manager checks a connection idle for a while
      // with a PING before a call goes out on it, and opens a new one when the check fails; aborting the
      // connection fails it, so a call waiting on the check at close() opened a connection, and went out
      // on it. The manager hands these options to `http2.connect` for every connection it opens: from
      // now on, opening one throws before any socket exists, and the waiting call fails instead.
      nodeOptions.createConnection = () => {
        throw lazyConnectError("the transport is closed", Code.Canceled);
      };
      // connect-node's own reason would be a ConnectError built with a `Headers`: see lazy-connect-error.ts.
      sessions.abort(lazyConnectError("connection aborted", Code.Canceled));
    },
  };
}

/** The gRPC length-prefixed message: flag byte (1 = compressed), big-endian length, payload. */
function frame(payload: Uint8Array, compressed: boolean): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = compressed ? 1 : 0;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

/** Node's response headers as Web `Headers`, pseudo-headers left out. */
function toHeaders(node: IncomingHttpHeaders | undefined): Headers {
  const out = new Headers();
  if (!node) return out;
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith(":") || v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) out.append(k, item);
    else out.append(k, String(v));
  }
  return out;
}

/**
 * The answer's headers as the metadata of a failure of `code` built from the answer, marked as the
 * server's answer as a gRPC status is (`grpc-status`): such a failure's text quotes the server, or says
 * what the server did, and status.ts reads the text of the client's own failures for what they prove
 * (that nothing was sent, that TLS failed).
 */
function answerMetadata(head: IncomingHttpHeaders | undefined, code: Code): Headers {
  const metadata = toHeaders(head);
  metadata.set("grpc-status", String(code));
  return metadata;
}

/** A successful answer as it came off the stream: headers, trailers, and the body's bytes. */
interface Answer {
  readonly head: IncomingHttpHeaders | undefined;
  readonly tail: IncomingHttpHeaders | undefined;
  readonly body: Buffer;
}

/** Sends the request frame on `stream` and settles the call with the answer, or with why there is none. */
function exchange(stream: ClientHttp2Stream, request: Buffer, sessions: Http2SessionManager, limit: ReceiveLimit, settle: (error: unknown, answer?: Answer) => void): void {
  let head: IncomingHttpHeaders | undefined;
  let tail: IncomingHttpHeaders | undefined;
  let streamError: unknown;
  const chunks: Buffer[] = [];
  // The session manager postpones its keepalive PING while answers flow: it restarts the PING timer when
  // a stream's headers come, and on each chunk it is told of. A unary answer's body follows its headers
  // at once, so telling it of every chunk would only restart a 30 s timer again (a timer object per
  // call); it is told at most once a second, which still keeps a slow, long body from looking idle.
  let toldAt = Date.now();
  let received = 0;
  stream.on("response", (h) => (head = h));
  stream.on("data", (chunk: Buffer) => {
    received += chunk.length;
    // One message and its 5-byte prefix at most: past that, the call fails (and the stream is
    // cancelled) rather than holding whatever the server keeps sending.
    if (received > 5 + limit.maxBytes) return settle(tooLarge("is", limit));
    chunks.push(chunk);
    const now = Date.now();
    if (now - toldAt >= 1000) {
      toldAt = now;
      sessions.notifyResponseByteRead(stream);
    }
  });
  stream.on("trailers", (t) => (tail = t));
  stream.on("error", (e) => (streamError ??= e));
  stream.on("close", () => {
    // Thrown from here, anything would be an uncaught exception that ends the process (this runs in
    // Node's own tick): whatever goes wrong reading the answer fails this call instead.
    try {
      const failure = statusError(head, tail) ?? (head ? undefined : transportError(stream, streamError));
      if (failure) return settle(failure);
      // Headers came, no failure in them, yet no status anywhere: a stream reset after its headers, or
      // trailers without `grpc-status` (a proxy that cut the upstream's). Not a success (grpc-js agrees).
      if (statusSource(head, tail) === undefined) return settle(transportError(stream, streamError, head) ?? new ConnectError("protocol error: the answer ended without a gRPC status", Code.Internal));
      settle(undefined, { head, tail, body: Buffer.concat(chunks) });
    } catch (e) {
      settle(new ConnectError(`the answer could not be read: ${e instanceof Error ? e.message : String(e)}`, Code.Internal, undefined, undefined, e));
    }
  });
  stream.end(request);
}

/**
 * The call's result from a successful answer: its single message decoded, headers and trailers on demand.
 * It runs after the call has settled: the whole answer has arrived, so a deadline or abort during the
 * decoding (only a gzip answer's inflating takes more than one turn) no longer turns it into a failure —
 * for a write that would report an outcome as unknown when the server's answer is in hand.
 */
function decodeAnswer<O extends DescMessage>(answer: Answer, output: O, acceptsGzip: boolean, limit: ReceiveLimit): UnaryResult<O> | Promise<UnaryResult<O>> {
  const message = decodeBody(answer.body, answer.head, output, acceptsGzip, limit);
  // Only a compressed answer waits for zlib; an identity one is decoded here, without another promise.
  return message instanceof Promise ? message.then((m) => new LazyHeadersResult(m, toHeaders, answer.head, answer.tail)) : new LazyHeadersResult(message, toHeaders, answer.head, answer.tail);
}

/**
 * The error a server's answer carries, or `undefined` when it is a success (or has no status yet):
 * a non-200 HTTP status, a foreign content type, or a non-zero `grpc-status` in the trailers or in
 * the headers of a trailers-only answer, with its message and rich details. The error's metadata holds
 * the headers and trailers, `grpc-status` included: it came from the server.
 */
function statusError(head: IncomingHttpHeaders | undefined, tail: IncomingHttpHeaders | undefined): ConnectError | undefined {
  if (!head) return undefined;
  const status = Number(head[HTTP2_HEADER_STATUS]);
  if (status !== 200) {
    // The gRPC spec maps the HTTP status to a code only when the answer carries no grpc-status: a proxy
    // or server that sends its own (a 429 with RESOURCE_EXHAUSTED and its text) is taken at its word.
    const own = statusSource(head, tail);
    if (own !== undefined && own["grpc-status"] !== "0") return serverStatus(head, tail, own);
    return new ConnectError(`HTTP ${status} from the server`, codeFromHttpStatus(status), answerMetadata(head, codeFromHttpStatus(status)));
  }
  const foreign = foreignContentTypeError(head["content-type"] ?? "", () => toHeaders(head));
  if (foreign) return foreign;
  const source = statusSource(head, tail);
  if (!source || source["grpc-status"] === "0") return undefined;
  return serverStatus(head, tail, source);
}

/** The failure of a non-zero `grpc-status` found in `source`; its metadata holds the headers and trailers. */
function serverStatus(head: IncomingHttpHeaders, tail: IncomingHttpHeaders | undefined, source: IncomingHttpHeaders): ConnectError {
  const metadata = toHeaders(head);
  if (tail) toHeaders(tail).forEach((v, k) => metadata.set(k, v));
  return trailerError(metadata) ?? new ConnectError(`invalid grpc-status ${String(source["grpc-status"])}`, Code.Internal, metadata);
}

/** Where the answer's `grpc-status` is: the trailers, or the headers of a trailers-only answer; none yet. */
function statusSource(head: IncomingHttpHeaders | undefined, tail: IncomingHttpHeaders | undefined): IncomingHttpHeaders | undefined {
  return tail?.["grpc-status"] !== undefined ? tail : head?.["grpc-status"] !== undefined ? head : undefined;
}

/**
 * Why a stream ended without an answer: its error, or the code of the RST_STREAM that ended it. `head`:
 * the answer's headers, when they came before the end.
 */
function transportError(stream: ClientHttp2Stream, streamError: unknown, head?: IncomingHttpHeaders): ConnectError | undefined {
  if (head !== undefined && stream.rstCode === NGHTTP2_REFUSED_STREAM) {
    // REFUSED_STREAM says the server did not process the stream (RFC 9113 §8.7), yet it had answered it:
    // that proves nothing about the request. The reset is the server's doing once its answer had begun,
    // so it fails as the server's answer (UNAVAILABLE, as grpc-js says), never as a stream not sent.
    const text = `the HTTP/2 stream was reset with REFUSED_STREAM (0x${NGHTTP2_REFUSED_STREAM.toString(16)}) after the answer's headers came`;
    return new ConnectError(text, Code.Unavailable, answerMetadata(head, Code.Unavailable), undefined, streamError);
  }
  if (streamError !== undefined) return fromNodeError(streamError, stream.rstCode);
  if (stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR) return fromHttp2Reset(stream.rstCode);
  return undefined;
}

/**
 * Decodes the single response message of a unary call (gunzipped when the server compressed it, which
 * it may only do when the client advertised gzip or sent its request gzipped: `acceptsGzip`).
 */
function decodeBody<O extends DescMessage>(body: Buffer, head: IncomingHttpHeaders | undefined, output: O, acceptsGzip: boolean, limit: ReceiveLimit): UnaryResult<O>["message"] | Promise<UnaryResult<O>["message"]> {
  if (body.length < 5) throw new ConnectError("protocol error: the answer carried no message", Code.Internal);
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new ConnectError(`protocol error: expected one message of ${length} bytes, got ${body.length - 5}`, Code.Internal);
  const payload = body.subarray(5);
  if ((body[0]! & 1) === 0) return decode(output, payload);
  const encoding = head?.["grpc-encoding"];
  if (encoding !== "gzip") {
    // The encoding is the server's text (an encoding named "ECONNREFUSED" made a write look never sent).
    throw new ConnectError(`protocol error: a compressed message with encoding ${JSON.stringify(encoding ?? "identity")}`, Code.Internal, answerMetadata(head, Code.Internal));
  }
  if (!acceptsGzip) throw new ConnectError("protocol error: a message compressed with gzip, which the client did not advertise (compression.accept is [], and the request was not gzipped)", Code.Internal);
  return gunzipBytes(payload, limit.inflate).then(
    (plain) => decode(output, plain),
    (e: unknown) => {
      if ((e as { code?: unknown } | null)?.code === "ERR_BUFFER_TOO_LARGE") throw tooLarge("inflates to", limit, e);
      throw new ConnectError("the answer's gzip data is corrupt", Code.Internal, undefined, undefined, e);
    },
  );
}

function decode<O extends DescMessage>(output: O, bytes: Uint8Array): UnaryResult<O>["message"] {
  try {
    return fromBinary(output, bytes);
  } catch (e) {
    throw new ConnectError(`the answer is not a valid ${output.typeName}`, Code.Internal, undefined, undefined, e);
  }
}
