// The path every call takes, in this order. Each step is one small unit in its own file:
//
//   1. options  — per-call keys checked; the time the call has (deadline.ts: `timeLeftMs`)
//   2. signal   — the caller's abort and close() followed, through one listener per signal (abort.ts)
//   3. metadata — client headers, call headers, `authorization: Key <PAT>` (auth.ts)
//   4. tracing  — one client span, its trace context added to the metadata (tracing.ts; optional)
//   5. retry    — attempts with backoff inside the deadline, per the policy (retry.ts)
//   6. transport — one attempt on the wire (transports/*), through the caller's connect interceptors
//                  if there are any
//   7. status   — both status layers checked and every failure converted, in one place (status.ts)
//
// Facade calls run all seven; the raw `v2` client runs 1–6 and gets failures as the transport raised
// them (scrubbed of the PAT), its span ending with whatever Clarifai status the response carries.
import { create, type DescMessage, type DescMethodUnary, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, type Interceptor } from "@connectrpc/connect";
import { runUnaryCall } from "@connectrpc/connect/protocol";
import { linkSignals, type LinkedSignal } from "./abort.js";
import type { HeadersInput, RequestMetadata } from "./auth.js";
import { defaultNow, timeLeftMs } from "./deadline.js";
import type { ClarifaiError } from "./errors.js";
import { checkCallOptions, type CallOptions } from "./options.js";
import { redactError, type Redactor } from "./redact.js";
import { methodKind, passThrough, runWithRetries, type RetryPolicy, type RetryRecord, type RetrySettle } from "./retry.js";
import { StatusCode } from "../gen/clarifai/api/status/status_code_pb.js";
import { deadlinePassed, notSentError, responseStatus, statusFailure, toClarifaiError, type FailureContext } from "./status.js";
import type { CallSpan, Tracing } from "./tracing.js";
import type { ClientTransport, UnaryAttempt, UnaryResult } from "./transports/transport.js";

/** Everything the call path is made of, fixed when the client is built. @internal */
export interface CallPathParts {
  readonly transport: ClientTransport;
  readonly metadata: RequestMetadata;
  readonly retry: RetryPolicy | undefined;
  readonly tracing: Tracing | undefined;
  /** The caller's connect interceptors, run around each attempt. */
  readonly interceptors: readonly Interceptor[];
  /** The client's deadline of a call that gives none. */
  readonly timeoutMs: number;
  /** Aborted by `close()`. */
  readonly closing: AbortSignal;
  /** `host:port`, for error hints. */
  readonly address: string;
  /** What the client trusts instead of the runtime's CAs, for the hint of a certificate failure (see {@link FailureContext.trust}). */
  readonly trust?: string;
  /** The base URL, for the `url` connect interceptors see. */
  readonly url: string;
}

/**
 * Options of a raw call (the `v2` client's, in connect's terms). No absolute deadline: connect gives
 * a relative timeout, and `toConnectTransport` turns its "0 or less" (none) into `Infinity`, so a raw
 * call always has time left when it starts. @internal
 */
export interface RawCallOptions {
  /** A positive number of ms or `Infinity`. Default: the client's `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly headers?: HeadersInput | undefined;
}

/** The two ways in. @internal */
export interface CallPath {
  /** A facade call: every step, the response's Clarifai status checked, failures as `ClarifaiError`s. */
  call<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, request: MessageInitShape<I>, options: CallOptions | undefined): Promise<MessageShape<O>>;
  /** A raw call: no status check; failures as the transport raised them (a `ConnectError`), scrubbed. */
  raw<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, request: MessageInitShape<I>, options: RawCallOptions): Promise<UnaryResult<O>>;
}

/** Builds the call path of a client. @internal */
export function createCallPath(parts: CallPathParts): CallPath {
  const { transport, metadata, retry, tracing, closing } = parts;
  const clock = retry?.now ?? defaultNow;
  const send = parts.interceptors.length === 0 ? transport.unary.bind(transport) : intercepted(parts);

  /**
   * Steps 4–6 for a call with these `headers` (step 3) that has `left` ms and follows `signal`. Not
   * `async`: it only hands on runWithRetries' promise (one promise less per call), and a message that
   * cannot be built throws synchronously into the caller's `try`.
   */
  function attempts<I extends DescMessage, O extends DescMessage, T>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    headers: Record<string, string>,
    left: number,
    signal: AbortSignal,
    record: RetryRecord,
    span: CallSpan | undefined,
    redact: Redactor,
    settle: RetrySettle<UnaryResult<O>, T>,
  ): Promise<T> {
    // Built once: every attempt sends the same message and metadata.
    const message = create(method.input, request);
    span?.inject(headers);
    const deadlineAt = left === Infinity ? undefined : clock() + left;
    return runWithRetries(
      { method: method.name, policy: retry, signal, deadlineAt, timeoutMs: deadlineAt === undefined ? undefined : left, clock, redact, record, onRetry: span?.retry },
      (timeoutMs) => send({ method, message, headers, timeoutMs, signal }),
      settle,
    );
  }

  /** Step 2: the one signal a call follows: the client's close(), linked with the caller's signal if any. */
  function follow(callerSignal: AbortSignal | undefined): LinkedSignal | undefined {
    return callerSignal ? linkSignals(callerSignal, closing) : undefined;
  }

  /**
   * What a failure of the call says about it, read when it fails. A function of the client rather than
   * a closure of each call: the success path allocates nothing for its failures.
   */
  function failureContext(method: string, record: RetryRecord, options: Pick<CallOptions, "headers"> | undefined, redact: Redactor): FailureContext {
    return {
      method,
      idempotent: methodKind(retry, method) !== "write",
      redact,
      attempts: record.attempts,
      previousErrors: record.previousErrors,
      nothingApplied: record.nothingApplied,
      keySource: metadata.keySource(options?.headers),
      address: parts.address,
      transport: transport.name,
      trust: parts.trust,
    };
  }

  /**
   * Every step of a facade call. Not `async`: an answered call takes one `then` where an async
   * function took its frame and an `await`. It throws synchronously what its first steps throw (the
   * caller's `call` turns that into a rejection); a failure after them is converted, ends the span and
   * disposes the signal link, whether it is thrown here or rejects the attempts.
   */
  function facadeCall<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, request: MessageInitShape<I>, options: CallOptions | undefined): Promise<MessageShape<O>> {
    // Option mistakes are the caller's bugs, not API failures: they stay TypeErrors (a header that
    // cannot be sent too).
    checkCallOptions(options);
    const headers = metadata.headers(options?.headers);
    // The client's redactor, or, for a call that sends its own key, one that scrubs that key too.
    const redact = metadata.redactFor(options?.headers);
    // Nothing applied until an attempt is in flight (the retry step keeps this up to date).
    const record: RetryRecord = { attempts: 1, previousErrors: [], nothingApplied: true };
    // Nothing is sent in these three cases, so even for a write the outcome is known: nothing happened.
    const early = options?.signal?.aborted
      ? toClarifaiError(undefined, failureContext(method.name, record, options, redact), options.signal)
      : closing.aborted
        ? toClarifaiError(notSentError("the ClarifaiClient is closed", Code.FailedPrecondition), failureContext(method.name, record, options, redact))
        : undefined;
    // Step 1, then step 2. An option that is not a time throws (the caller's bug) before anything is
    // linked and before the span starts: none is left open.
    const left = early ? 0 : timeLeftMs(options ?? NO_OPTIONS, parts.timeoutMs);
    const link = early ? undefined : follow(options?.signal);
    const signal = link?.signal ?? closing;
    const span = tracing?.start(method, headers, redact);
    const fail = (e: unknown): never => {
      const error: ClarifaiError = toClarifaiError(e, failureContext(method.name, record, options, redact), signal);
      span?.end(error);
      link?.dispose();
      throw error;
    };
    // Run in the reaction to the answer itself (see runWithRetries): no second `then` per call.
    const done = (response: UnaryResult<O>): MessageShape<O> => {
      const status = responseStatus(response.message);
      if (status?.code !== StatusCode.SUCCESS) return fail(statusFailure(response.message, failureContext(method.name, record, options, redact)));
      span?.end(undefined, status);
      link?.dispose();
      return response.message;
    };
    try {
      if (early) throw early;
      if (left <= 0) throw deadlinePassed(failureContext(method.name, record, options, redact));
      return attempts(method, request, headers, left, signal, record, span, redact, { done, failed: fail });
    } catch (e) {
      return fail(e);
    }
  }

  return {
    call(method, request, options) {
      // Not `async`: see facadeCall. Whatever its steps throw still reaches the caller as a rejection.
      try {
        return facadeCall(method, request, options);
      } catch (e) {
        return Promise.reject(e);
      }
    },

    async raw(method, request, options) {
      const headers = metadata.headers(options.headers);
      const redact = metadata.redactFor(options.headers);
      // An option that is not a time throws (the caller's bug) before the span starts: none is left open.
      const left = timeLeftMs(options, parts.timeoutMs);
      // Traced like a facade call ("every call is a client span"): the span ends with the Clarifai
      // status the response carries, checked or not, and a failure is recorded as the facade would
      // report it (its gRPC code, Clarifai status and attempts), while the caller still gets the
      // ConnectError.
      const span = tracing?.start(method, headers, redact);
      // Nothing applied until an attempt is in flight (the retry step keeps this up to date).
      const record: RetryRecord = { attempts: 1, previousErrors: [], nothingApplied: true };
      if (closing.aborted) {
        const error = notSentError("the ClarifaiClient is closed", Code.FailedPrecondition);
        span?.end(toClarifaiError(error, failureContext(method.name, record, options, redact)));
        throw error;
      }
      const link = follow(options.signal);
      const signal = link?.signal ?? closing;
      try {
        const response = await attempts(method, request, headers, left, signal, record, span, redact, passThrough());
        span?.end(undefined, responseStatus(response.message));
        return response;
      } catch (e) {
        // connect's own clients fail with ConnectErrors: an abort reason becomes one (CANCELLED).
        const error = redactError(ConnectError.from(e, signal.aborted ? Code.Canceled : Code.Unknown), redact);
        span?.end(toClarifaiError(error, failureContext(method.name, record, options, redact), signal));
        throw error;
      } finally {
        link?.dispose();
      }
    },
  };
}

// The options of a call given none.
const NO_OPTIONS: CallOptions = Object.freeze({});

/** `transport.unary` run through the caller's connect interceptors, as connect would run them. */
function intercepted(parts: CallPathParts): ClientTransport["unary"] {
  return <I extends DescMessage, O extends DescMessage>(attempt: UnaryAttempt<I, O>) => {
    const { method } = attempt;
    // connect adds an `abort` listener of its own to the signal it is given: given the client's
    // long-lived close() signal, that was one more listener per call in flight (Node 20 warns from the
    // 11th). A signal of this attempt's own, linked through abort.ts' one listener per source, takes it.
    const link = linkSignals(attempt.signal);
    return runUnaryCall<I, O>({
      interceptors: [...parts.interceptors],
      signal: link.signal,
      timeoutMs: attempt.timeoutMs,
      req: {
        stream: false,
        service: method.parent,
        method,
        requestMethod: "POST",
        url: `${parts.url}/${method.parent.typeName}/${method.name}`,
        header: new Headers(attempt.headers),
        contextValues: createContextValues(),
        message: attempt.message,
      },
      next: async (req) => {
        const headers: Record<string, string> = {};
        req.header.forEach((v, k) => (headers[k] = v));
        const result = await parts.transport.unary({ ...attempt, headers, signal: req.signal, message: req.message as MessageShape<I> });
        return { stream: false, service: method.parent, method, header: result.header, trailer: result.trailer, message: result.message };
      },
    }).finally(link.dispose);
  };
}
