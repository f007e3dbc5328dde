// The one place that turns failures into ClarifaiErrors: transport failures (a ConnectError from any
// transport, an abort, anything thrown) and OK responses whose Clarifai `status.code` is not SUCCESS.
// A gRPC OK is not success for Clarifai; both layers are checked here and nowhere else.
import { Code, ConnectError } from "@connectrpc/connect";
import { StatusCode } from "../gen/clarifai/api/status/status_code_pb.js";
import type { Status } from "../gen/clarifai/api/status/status_pb.js";
import { ClarifaiError, createClarifaiError, type ItemStatus, type StatusDetail } from "./errors.js";
import { grpcCodeForStatus } from "./grpc-codes.js";
import { lazyConnectError, metadataHas } from "./lazy-connect-error.js";
import { redactError, type Redactor } from "./redact.js";

/** What the converter needs to know about the call. @internal */
export interface FailureContext {
  /** RPC name, e.g. `PostTasks`. */
  readonly method: string;
  /** `false` for writes whose repetition could do something twice (decides `outcomeUnknown`). Default `true`. */
  readonly idempotent?: boolean;
  /** Scrubs secrets (the PAT) from any text that ends up on the error. */
  readonly redact: Redactor;
  /** Attempts made so far, 1 + retries. Default 1. */
  readonly attempts?: number;
  /** The earlier attempts' failures. */
  readonly previousErrors?: readonly ClarifaiError[];
  /**
   * `true` when every attempt made so far is proven to have done nothing (never sent, or answered with
   * a failure status) and none is in flight, so an abort or deadline now leaves nothing unknown.
   * Default `false`.
   */
  readonly nothingApplied?: boolean;
  /** Where the key came from, said in the hint of an authentication failure (never the key). */
  readonly keySource?: string;
  /** `host:port` of the server, for the hint of a TLS handshake with a server that does not speak TLS. */
  readonly address?: string;
  /** The transport's name: what to do about an untrusted certificate depends on it. */
  readonly transport?: string;
  /**
   * What the client was given to trust instead of the runtime's CAs, as a hint names it (`` the CA
   * given in `tls: { ca }` ``); absent when it trusts the runtime's CAs. An untrusted certificate then
   * needs another CA, not "pass one".
   */
  readonly trust?: string;
}

// Marks errors the client raises before anything could reach the server (a transport that failed to
// load, a header that cannot be sent, a closed client): whatever their code, nothing was sent.
const notSentMark = Symbol.for("clarifai-grpc-es/not-sent");

/**
 * A failure the client raises itself before sending anything: `provablyNotSent` is true for it (and
 * for anything that has it as cause), so even a write may be retried, and it is never
 * `outcomeUnknown`. @internal
 */
export function notSentError(message: string, code: Code, cause?: unknown): ConnectError {
  const error = new ConnectError(message, code, undefined, undefined, cause);
  Object.defineProperty(error, notSentMark, { value: true });
  return error;
}

// Marks the failure of an answer too large to take (see answerTooLargeError).
const answerTooLargeMark = Symbol.for("clarifai-grpc-es/answer-too-large");

/**
 * The failure of an answer larger than the client takes (RESOURCE_EXHAUSTED, as grpc-js reports its own
 * limit). The server has processed the request by then and would answer the same again: such a failure
 * is never retried, and a write's outcome is unknown. @internal
 */
export function answerTooLargeError(message: string, cause?: unknown): ConnectError {
  const error = new ConnectError(message, Code.ResourceExhausted, undefined, undefined, cause);
  Object.defineProperty(error, answerTooLargeMark, { value: true });
  return error;
}

/** Whether `reason` (or its cause) is an {@link answerTooLargeError}. @internal */
export function isAnswerTooLarge(reason: unknown): boolean {
  return causeChain(reason).some((e) => hasMark(e, answerTooLargeMark));
}

// Node error codes that mean no byte of the request reached the server: the connection never
// completed. (A TLS handshake that failed proves it too: see `provablyNotSent`.)
const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);
// Certificate trust: the peer speaks TLS, but we do not trust who it is.
const certCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;
// The peer answered the TLS handshake with something that is not TLS (a plaintext HTTP/2 server).
const plaintextPeerCodes = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG", "ERR_SSL_HTTP_REQUEST"]);
// grpc-js reports a channel that never connected in its status details, not as a Node error code, and
// both transports report an HTTP/2 REFUSED_STREAM only in their own text. Matched only on errors the
// client raised itself (see `fromServer`): a server may put any text in its status message.
const notSentText = /No connection established|ECONNREFUSED|Name resolution failed|ENOTFOUND|EAI_AGAIN|REFUSED_STREAM|Stream refused by server|Failed to connect/i;
const certText = /unable to verify|certificate/i;
const plaintextPeerText = /wrong version number|packet length too long|http request/i;
// The server's TLS handshake accepted none of the protocols offered by ALPN: fetch offers only
// HTTP/1.1, gRPC only h2.
const noCommonProtocolText = /alert no application protocol/i;

// Codes with which a transport can fail after the request left: the server may have acted on it.
const ambiguousCodes = new Set<Code>([
  Code.Unavailable,
  Code.Unknown,
  Code.Internal,
  Code.Aborted,
  Code.DeadlineExceeded,
  Code.Canceled,
  Code.DataLoss,
]);

function causeChain(reason: unknown): unknown[] {
  const chain: unknown[] = [];
  // A primitive has no `cause`: the walk ends after it.
  for (let r = reason; r !== undefined && r !== null && !chain.includes(r); r = (r as { cause?: unknown }).cause) chain.push(r);
  return chain;
}

/**
 * `true` for a status the server sent: connect builds those from the response's headers or trailers,
 * which carry `grpc-status` (connect ≥ 2.2 also marks them `isWireError`, 2.1 does not), and our
 * transports record the `grpc-status` of a status that came with the response the same way. Its text
 * is the server's, so it proves nothing about what the client could send.
 */
function fromServer(e: unknown): boolean {
  return e instanceof ConnectError && metadataHas(e, "grpc-status");
}

/** The text of an error the client raised itself (its message, grpc-js' `details`); `""` for a server's status. */
function localText(chain: readonly unknown[], e: unknown): string {
  // A relabelled or wrapped error carries the server's text too: any server status in the chain
  // disqualifies the text of every link.
  if (chain.some(fromServer)) return "";
  return [(e as { message?: unknown })?.message, (e as { details?: unknown })?.details].filter((x) => typeof x === "string").join(" ");
}

function nodeCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** `true` when some link of the chain is a client-side error whose code is in `codes` or whose text matches `text`. */
function chainShows(reason: unknown, codes: (code: string) => boolean, text: RegExp): boolean {
  const chain = causeChain(reason);
  return chain.some((e) => {
    const code = nodeCode(e);
    if (code !== undefined && !fromServer(e) && codes(code)) return true;
    return text.test(localText(chain, e));
  });
}

// Node error codes of a connection that broke under a call (after the request may have been sent).
// HTTP/2 protocol errors are not among them: a peer speaking garbage is not a network blip.
const lostCodes = new Set(["ECONNRESET", "EPIPE", "ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM", "ERR_HTTP2_GOAWAY_SESSION", "ERR_STREAM_PREMATURE_CLOSE"]);

/** `true` when a Node error down the cause chain says the connection broke. @internal */
export function connectionLost(reason: unknown): boolean {
  return causeChain(reason).some((e) => {
    const code = nodeCode(e);
    return code !== undefined && lostCodes.has(code);
  });
}

/**
 * `true` when the failure proves the request never reached the server (connection refused, name not
 * resolved, TLS handshake failed, HTTP/2 REFUSED_STREAM, a failure the client raised before sending):
 * then even a write may be repeated. @internal
 */
export function provablyNotSent(reason: unknown): boolean {
  if (causeChain(reason).some((e) => hasMark(e, notSentMark))) return true;
  // A TLS handshake that failed, whatever the reason, ended the connection before the request.
  return chainShows(reason, (c) => notSentCodes.has(c), notSentText) || isHandshakeRefused(reason);
}

/**
 * `true` when the TLS handshake failed in a way only a change of configuration fixes (an untrusted
 * certificate, a server that does not speak TLS, no HTTP version in common): nothing was sent, and
 * retrying only delays the error. @internal
 */
export function isHandshakeRefused(reason: unknown): boolean {
  return isTlsTrustFailure(reason) || isPlaintextPeer(reason) || isNoCommonProtocol(reason);
}

function hasMark(e: unknown, mark: symbol): boolean {
  return typeof e === "object" && e !== null && mark in e;
}

/**
 * `true` when the TLS handshake failed on trust (self-signed, unknown CA, wrong name): permanent until
 * the configuration changes, so never retried. @internal
 */
export function isTlsTrustFailure(reason: unknown): boolean {
  return chainShows(reason, (c) => certCodes.test(c), certText);
}

/**
 * `true` when a TLS handshake met a server that does not speak TLS (a plaintext HTTP/2 server, such
 * as the emulator, addressed without `http://`): permanent, so never retried. @internal
 */
export function isPlaintextPeer(reason: unknown): boolean {
  return chainShows(reason, (c) => plaintextPeerCodes.has(c), plaintextPeerText);
}

// A certificate that is trusted but not valid now, or not for this host: no CA helps, so the hint says
// what is wrong. (Node checks the host name only once the chain is trusted.) The host check comes first:
// its message quotes the certificate's names (its common name, when it lists none else), which are the
// server's text; a certificate named "certificate has expired" gave the hint of an expired one.
const certProblems: readonly { readonly code: string; readonly text: RegExp; readonly hint: (ctx: FailureContext) => string }[] = [
  {
    code: "ERR_TLS_CERT_ALTNAME_INVALID",
    text: /does not match certificate's altnames/i,
    hint: ({ address }) => {
      const host = address ? ` (${address.slice(0, address.lastIndexOf(":"))})` : "";
      return `the server's TLS certificate does not list the host of the base URL${host}; address the server by a name its certificate lists, or give the server a certificate for this one`;
    },
  },
  {
    code: "CERT_HAS_EXPIRED",
    text: /certificate has expired/i,
    hint: () => "the server's TLS certificate has expired (renew it on the server; if it should still be valid, check this machine's clock)",
  },
  {
    code: "CERT_NOT_YET_VALID",
    text: /certificate is not yet valid/i,
    hint: () => "the server's TLS certificate is not valid yet (check this machine's clock, or the certificate's start date)",
  },
];

/**
 * `true` when the server's TLS handshake refused every protocol the client offered by ALPN: an
 * HTTP/2-only (gRPC) server met by the rest transport, or an HTTP/1.1-only one met by a gRPC transport.
 * @internal
 */
export function isNoCommonProtocol(reason: unknown): boolean {
  return chainShows(reason, (c) => c === "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", noCommonProtocolText);
}

function noCommonProtocolHint(ctx: FailureContext): string {
  const where = ctx.address ? `the server at ${ctx.address}` : "the server";
  return ctx.transport === "rest"
    ? `${where} does not speak HTTP/1.1 (its TLS handshake refused it: an HTTP/2-only server, such as a gRPC server), and the rest transport sends HTTP/1.1 through fetch; use transport "connect" (the default) or "grpc-js" for it`
    : `${where} does not speak HTTP/2 (its TLS handshake refused h2: an HTTP/1.1-only server), which gRPC needs; for a REST endpoint use transport "rest"`;
}

function certHint(reason: unknown, ctx: FailureContext): string {
  const problem = certProblems.find(({ code, text }) => chainShows(reason, (c) => c === code, text));
  if (problem) return problem.hint(ctx);
  // fetch takes no CA per request: the rest transport trusts what the runtime trusts.
  if (ctx.transport === "rest") {
    return "the server's TLS certificate is not trusted; the rest transport trusts the CAs the runtime's fetch trusts (in Node, add yours with NODE_EXTRA_CA_CERTS)";
  }
  // A transport of the caller's own makes its own connections: the client's `tls` option is not used.
  if (ctx.transport === "custom") {
    return "the server's TLS certificate is not trusted by the transport passed as `transport` (give that transport the CA; the client's `tls` option does not apply to it)";
  }
  if (ctx.trust) return `the server's TLS certificate is not trusted by ${ctx.trust} (check that this is the CA that issued the server's certificate)`;
  return "the server's TLS certificate is not trusted (pass `tls: { ca }` with its CA for a private or self-signed server)";
}

function plaintextHint(address: string | undefined): string {
  const where = address ? `the server at ${address}` : "the server";
  const example = address ? `"http://${address}"` : "an http:// base URL";
  return `${where} does not speak TLS; a base URL without a scheme (or https://) means TLS, so for a plaintext server such as the emulator use ${example}`;
}

/**
 * The rich details a ConnectError decoded from `grpc-status-details-bin` (those with a `type`; the
 * others are messages someone put on a ConnectError of their own, never encoded).
 */
function detailsOf(ce: ConnectError): StatusDetail[] {
  return ce.details.flatMap((d) => ("type" in d ? [{ type: d.type, value: d.value }] : []));
}

/**
 * Converts anything a call threw into a `ClarifaiError` (a `ClarifaiError` passes through, with the
 * attempt count updated). A caller's abort becomes `grpcCode` CANCELLED with the abort reason as `cause`;
 * an abort by `ClarifaiClient.close()` ({@link clientClosedReason}) CANCELLED saying the client was
 * closed; an expired deadline DEADLINE_EXCEEDED. @internal
 */
export function toClarifaiError(reason: unknown, ctx: FailureContext, callerSignal?: AbortSignal): ClarifaiError {
  const redact = ctx.redact;
  const attempts = ctx.attempts ?? 1;
  const previousErrors = ctx.previousErrors ?? [];
  if (reason instanceof ClarifaiError) {
    return redactError(attempts > reason.attempts ? reason.withAttempts(attempts, previousErrors) : reason, redact);
  }
  let cause: unknown = reason;
  let ce: ConnectError;
  if (callerSignal?.aborted && isClientClosed(callerSignal.reason)) {
    // close() cut the call short: say so, rather than "aborted by the caller" or a lost connection
    // (which the retry rules would repeat on a client that is gone).
    cause = undefined;
    ce = lazyConnectError(clientClosedText, Code.Canceled);
  } else if (callerSignal?.aborted) {
    // connect drops an AbortError's identity when it wraps it; the caller's own reason is the useful cause.
    cause = callerSignal.reason;
    // A signal that aborts because a deadline passed (AbortSignal.timeout(), a propagated incoming
    // deadline, connect's HandlerContext at its deadline) ends the call as DEADLINE_EXCEEDED, not as a
    // cancellation: that is what happened, and what a service should pass on to its own caller.
    const code = isDeadlineReason(callerSignal.reason) ? Code.DeadlineExceeded : Code.Canceled;
    ce = new ConnectError(describeAbort(callerSignal.reason), code, undefined, undefined, callerSignal.reason);
  } else {
    ce = ConnectError.from(reason);
    if (ce.code !== Code.Unavailable && connectionLost(ce)) {
      // connect-node reports a reset or destroyed connection as ABORTED or INTERNAL; for the caller it
      // is the service becoming unreachable mid-call, which the retry rules know as UNAVAILABLE.
      ce = new ConnectError(`connection lost: ${ce.rawMessage}`, Code.Unavailable, ce.metadata, undefined, ce);
    } else if (ce.code === Code.Canceled && !fromServer(ce)) {
      // Nobody asked to cancel (the caller's signal is checked above, and the deadline is its own
      // code): a connection torn down under a call shows as an HTTP/2 CANCEL. That is a lost
      // connection, so say UNAVAILABLE, which the retry rules understand. A CANCELLED status the
      // server sent in its trailers is its answer, and stays what it said.
      ce = new ConnectError(`connection lost: ${ce.rawMessage}`, Code.Unavailable, ce.metadata, undefined, ce);
    }
  }
  // After the caller's abort the chain ends in the caller's reason, which may say anything (an
  // ECONNREFUSED passed on from upstream, a certificate error of its own): it proves nothing about this
  // request, which may have reached the server. Whether anything was sent is then up to the retry
  // step's record (`nothingApplied`).
  const aborted = callerSignal?.aborted === true;
  const notSent = !aborted && provablyNotSent(ce);
  const plaintext = !aborted && isPlaintextPeer(ce);
  const cert = !aborted && isTlsTrustFailure(ce);
  const noCommonProtocol = !aborted && isNoCommonProtocol(ce);
  const outcomeUnknown = ctx.idempotent === false && (ambiguousCodes.has(ce.code) || isAnswerTooLarge(ce)) && !notSent && ctx.nothingApplied !== true;
  // grpc-js appends an empty "Resolution note:" to connection failures; it says nothing. OpenSSL ends
  // its handshake errors with a newline, which would split the message before its hint; a handshake
  // failure is this side's own text, so it is tidied, while a server's status text is kept as it came.
  const refused = plaintext || cert || noCommonProtocol;
  const said = (ce.rawMessage || "request failed").replace(/\.? Resolution note: *$/, "");
  const text = refused ? said.trimEnd() : said;
  const grpcCode = refused ? Code.Unavailable : ce.code;
  const error = createClarifaiError({
    method: ctx.method,
    // connect-node says INTERNAL and grpc-js UNAVAILABLE for the same refused handshake: one answer.
    grpcCode,
    description: redact(text),
    statusDetails: detailsOf(ce),
    // A certificate's hint first: a refused certificate's message may quote its names (the server's
    // text: one named "wrong version number" read as a plaintext server), while a plaintext server's
    // never reads as a certificate problem.
    hint: cert ? certHint(ce, ctx) : plaintext ? plaintextHint(ctx.address) : noCommonProtocol ? noCommonProtocolHint(ctx) : keyHint(grpcCode, ctx.keySource),
    outcomeUnknown,
    attempts,
    previousErrors,
    cause,
  });
  return redactError(error, redact);
}

/** The hint of an authentication failure: which source the key came from (never the key). */
function keyHint(grpcCode: number | undefined, keySource: string | undefined): string {
  if (!keySource || (grpcCode !== Code.Unauthenticated && grpcCode !== Code.PermissionDenied)) return "";
  return keySource;
}

/**
 * The failure of a call whose deadline had passed before its first attempt: nothing was sent, so
 * there are no earlier attempts to record. @internal
 */
export function deadlinePassed(ctx: FailureContext): ClarifaiError {
  return createClarifaiError({ method: ctx.method, grpcCode: Code.DeadlineExceeded, description: "the call's deadline had already passed; nothing was sent" });
}

const clientClosedText = "the ClarifaiClient was closed while the call was in flight";
const clientClosedMark = Symbol("clarifai-grpc-es/client-closed");

/** The abort reason `ClarifaiClient.close()` gives the signal of every call in flight. @internal */
export function clientClosedReason(): Error {
  // A ConnectError, so that what connect makes of the abort (the raw `v2` client's failures) is CANCELLED
  // too; made without a `Headers`, which would load Node's fetch into every process that closes a client.
  const reason = lazyConnectError("the ClarifaiClient was closed", Code.Canceled);
  Object.defineProperty(reason, clientClosedMark, { value: true });
  return reason;
}

function isClientClosed(reason: unknown): boolean {
  return hasMark(reason, clientClosedMark);
}

/** `true` for an abort reason that says a deadline passed. */
function isDeadlineReason(reason: unknown): boolean {
  if (reason instanceof ConnectError) return reason.code === Code.DeadlineExceeded;
  return reason instanceof Error && reason.name === "TimeoutError";
}

function describeAbort(reason: unknown): string {
  if (isDeadlineReason(reason)) return `the caller's deadline passed: ${(reason as Error).message}`;
  if (reason instanceof Error) return `aborted by the caller: ${reason.message}`;
  if (reason === undefined) return "aborted by the caller";
  return `aborted by the caller: ${String(reason)}`;
}

/** A response message that may carry a Clarifai status. */
interface WithStatus {
  status?: Status | undefined;
}

/**
 * Per-item statuses of a batch response: the items of its first repeated field whose elements carry a
 * `status` (`tasks`, `collectors`). @internal
 */
export function itemStatuses(response: object): ItemStatus[] {
  for (const value of Object.values(response)) {
    // An empty list's first element is undefined: not an item.
    if (Array.isArray(value) && typeof value[0] === "object" && value[0] !== null && "status" in value[0]) {
      return value.flatMap((item: { id?: unknown; status?: Status }, index) =>
        item.status ? [{ index, id: typeof item.id === "string" ? item.id : "", status: item.status }] : [],
      );
    }
  }
  return [];
}

/** The Clarifai status a response carries, if any. @internal */
export function responseStatus(response: unknown): Status | undefined {
  return (response as WithStatus | undefined)?.status;
}

/** The Clarifai status code of a response (`ZERO` when it has none). @internal */
export function responseStatusCode(response: unknown): StatusCode {
  return responseStatus(response)?.code ?? StatusCode.ZERO;
}

/**
 * The error for an OK response whose `status.code` is not SUCCESS (the callers check that first).
 * `MIXED_STATUS` keeps each item's status in `items`. @internal
 */
export function statusFailure(response: object, ctx: FailureContext): ClarifaiError {
  const status = (response as WithStatus).status;
  const redact = ctx.redact;
  const code = status?.code ?? StatusCode.ZERO;
  const items = code === StatusCode.MIXED_STATUS ? itemStatuses(response) : [];
  const grpcCode = grpcCodeForStatus(code, items.map((i) => i.status.code));
  const error = createClarifaiError({
    method: ctx.method,
    code,
    description: redact(status?.description || (status ? "" : "response carried no status")),
    details: redact(status?.details ?? ""),
    developerNotes: redact(status?.developerNotes ?? ""),
    reqId: status?.reqId ?? "",
    // Each item's status is server text as much as the top-level one (a server may echo the key there
    // too): redactError below scrubs them with the rest of the error.
    items,
    hint: keyHint(grpcCode, ctx.keySource),
    attempts: ctx.attempts ?? 1,
    previousErrors: ctx.previousErrors ?? [],
  });
  return redactError(error, redact);
}
