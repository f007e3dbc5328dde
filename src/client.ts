// ClarifaiClient: wires options, transport, auth, retries and the one failure converter together, and
// hands the resource namespaces (`tasks`, `collectors`) a single `call` to go through.
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createContextValues, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { setMaxListeners } from "node:events";
import { inspect } from "node:util";
import type { UserAppIDSet } from "../gen/clarifai/api/resources_pb.js";
import { V2 } from "../gen/clarifai/api/service_pb.js";
import { linkSignals } from "./abort.js";
import { createAuthInterceptor } from "./auth.js";
import { createRedactor, redactError, type Redactor } from "./redact.js";
import { GRPC_TIMEOUT_HEADER, parseGrpcTimeout } from "./deadline.js";
import { callTimeout, checkCallOptions, resolveClientOptions, type CallOptions, type ClarifaiClientOptions, type ResolvedClientOptions } from "./options.js";
import { Collectors } from "./resources/collectors.js";
import { Tasks } from "./resources/tasks.js";
import { createRetryInterceptor, methodKind, retryRecordKey, type RetryPolicy, type RetryRecord } from "./retry.js";
import { resolveUserAppId } from "./scope.js";
import { checkStatus, clientClosedReason, toClarifaiError } from "./status.js";
import { createConnectTransport, type ClosableTransport } from "./transports/connect.js";
import { runInterceptedUnary } from "./transports/intercepted-unary.js";
import { createLazyTransport } from "./transports/lazy.js";
import { loadGrpcJsTransport } from "./transports/grpc-js-loader.js";

/** What a resource namespace needs from the client. @internal */
export interface Caller {
  /**
   * Sends one unary request with the client's auth, scoping, deadline and retries, checks both status
   * layers and returns the response message, or throws a `ClarifaiError`.
   */
  call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    options: CallOptions | undefined,
  ): Promise<MessageShape<O>>;
  /** The `user_app_id` of a call (the call's own, else the client's), or throws before sending. */
  userAppId(options: CallOptions | undefined, method: string): UserAppIDSet;
  /**
   * Converts a failure outside a call (validation before sending, an abort between pages) the one
   * standard way; `signal`, when aborted, makes it the caller's abort.
   */
  fail(reason: unknown, method: string, signal?: AbortSignal): never;
}

function headersInterceptor(defaults: Readonly<Record<string, string>>): Interceptor {
  const entries = Object.entries(defaults);
  return (next) => async (req) => {
    for (const [k, v] of entries) if (!req.header.has(k)) req.header.set(k, v);
    return next(req);
  };
}

/** Runs a caller-supplied transport under our interceptors (retries rewrite the deadline header per attempt). */
function wrapTransport(inner: Transport, interceptors: Interceptor[], defaultTimeoutMs: number): Transport {
  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      return runInterceptedUnary({
        method, signal, timeoutMs, header, input, contextValues, interceptors, defaultTimeoutMs,
        urlPrefix: "",
        next: (req) => inner.unary(method, req.signal, parseGrpcTimeout(req.header.get(GRPC_TIMEOUT_HEADER)), req.header, req.message, req.contextValues),
      });
    },
    stream(method, signal, timeoutMs, header, input, contextValues) {
      return inner.stream(method, signal, timeoutMs, header, input, contextValues);
    },
  };
}

// Every call in flight links its signal to this one (connect removes the listener when the call ends),
// so its listener count is the client's concurrency: lift Node's limit of 10, which would otherwise
// print a MaxListenersExceededWarning at 11 concurrent calls.
function closingController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/**
 * The Clarifai API's labeling Tasks and Collectors over gRPC.
 *
 * ```ts
 * const client = new ClarifaiClient();              // CLARIFAI_PAT, CLARIFAI_USER_ID, CLARIFAI_APP_ID
 * const task = await client.tasks.create({ … });
 * for await (const t of client.tasks.listAll()) console.log(t.id);
 * await client.close();
 * ```
 *
 * Every method throws a `ClarifaiError` (a category subclass where one fits) for a transport failure
 * and for a response whose `status.code` is not SUCCESS. Every call has a deadline (default 30 s),
 * and reads and deletes are retried on transient failures (see `retry`).
 */
export class ClarifaiClient {
  /** PostTasks, GetTask, ListTasks, PatchTasks, DeleteTasks, GetTaskAnnotationCount, GetTaskInputCount. */
  readonly tasks: Tasks;
  /** PostCollectors, GetCollector, ListCollectors, PatchCollectors, DeleteCollectors. */
  readonly collectors: Collectors;
  /**
   * The raw typed connect client of `clarifai.api.V2`, for RPCs the facade does not wrap. Auth, the
   * default deadline and retries apply; the Clarifai `status` of responses is NOT checked, and failures
   * are plain `ConnectError`s.
   */
  readonly v2: Client<typeof V2>;

  readonly #options: Omit<ResolvedClientOptions, "pat">;
  readonly #transport: Transport;
  readonly #closable: ClosableTransport | undefined;
  readonly #redact: Redactor;
  // Aborted by close(): every call's signal follows it, so calls in flight end and their retries stop
  // (a retry after close would open a new connection nobody closes).
  readonly #closing = closingController();

  /**
   * @param options - every field optional; see {@link ClarifaiClientOptions} for defaults (env
   *   `CLARIFAI_PAT`, `CLARIFAI_USER_ID`, `CLARIFAI_APP_ID`, `CLARIFAI_GRPC_BASE`; 30 s deadline;
   *   connect transport; default retry policy). Unknown keys throw a `TypeError`.
   */
  constructor(options?: ClarifaiClientOptions) {
    const { pat, ...rest } = resolveClientOptions(options);
    this.#options = rest;
    this.#redact = createRedactor(pat);
    const closing = this.#closing.signal;
    // Outermost: refuses calls after close(), and ties the raw `v2` client's calls to close() as the
    // facade's already are (connect passes the interceptor's signal down to the transport).
    const closedGuard: Interceptor = (next) => async (req) => {
      if (closing.aborted) throw new ConnectError("the ClarifaiClient is closed", Code.FailedPrecondition);
      const link = linkSignals(req.signal, closing);
      try {
        return await next({ ...req, signal: link.signal });
      } catch (e) {
        // The raw `v2` client throws what connect gives it: scrub the PAT from that too.
        throw redactError(e, this.#redact);
      } finally {
        link.dispose();
      }
    };
    const interceptors: Interceptor[] = [
      closedGuard,
      ...(rest.retry ? [createRetryInterceptor(rest.retry, this.#redact)] : []),
      headersInterceptor(rest.headers),
      createAuthInterceptor(pat),
      ...rest.interceptors,
    ];
    if (rest.transport === "connect") {
      this.#closable = createConnectTransport({ endpoint: rest.endpoint, tls: rest.tls, interceptors, defaultTimeoutMs: rest.timeoutMs });
      this.#transport = this.#closable.transport;
    } else if (rest.transport === "grpc-js") {
      const grpcJsOptions = { endpoint: rest.endpoint, tls: rest.tls, grpcJs: rest.grpcJs, interceptors, defaultTimeoutMs: rest.timeoutMs };
      this.#closable = createLazyTransport(() => loadGrpcJsTransport(grpcJsOptions));
      this.#transport = this.#closable.transport;
    } else {
      this.#closable = undefined;
      this.#transport = wrapTransport(rest.transport, interceptors, rest.timeoutMs);
    }
    this.v2 = createClient(V2, this.#transport);
    const caller: Caller = {
      call: (method, request, callOptions) => this.#call(method, request, callOptions),
      userAppId: (callOptions, method) => {
        try {
          return resolveUserAppId(rest, callOptions?.userAppId, method);
        } catch (e) {
          return caller.fail(e, method);
        }
      },
      fail: (reason, method, signal) => {
        throw toClarifaiError(reason, { method, redact: this.#redact }, signal);
      },
    };
    this.tasks = new Tasks(caller);
    this.collectors = new Collectors(caller);
  }

  /** The retry policy in effect, or `undefined` when retries are off. */
  get retryPolicy(): RetryPolicy | undefined {
    return this.#options.retry;
  }

  async #call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    options: CallOptions | undefined,
  ): Promise<MessageShape<O>> {
    const record: RetryRecord = { attempts: 1, previousErrors: [], nothingApplied: false };
    const ctx = () => ({
      method: method.name,
      idempotent: methodKind(this.#options.retry, method.name) !== "write",
      redact: this.#redact,
      attempts: record.attempts,
      previousErrors: record.previousErrors,
      nothingApplied: record.nothingApplied,
    });
    // Option mistakes are the caller's bugs, not API failures: they stay TypeErrors.
    checkCallOptions(options);
    const timeoutMs = callTimeout(options, this.#options.timeoutMs);
    if (options?.signal?.aborted) {
      // Nothing was sent, so even for a write the outcome is known: nothing happened.
      throw toClarifaiError(undefined, { method: method.name, redact: this.#redact }, options.signal);
    }
    if (this.#closing.signal.aborted) {
      throw toClarifaiError(new ConnectError("the ClarifaiClient is closed", Code.FailedPrecondition), { method: method.name, redact: this.#redact });
    }
    // The caller's signal and close(): whichever comes first ends the call, its retries and its backoff.
    const link = linkSignals(options?.signal, this.#closing.signal);
    const signal = link.signal;
    try {
      const response = await this.#transport.unary(
        method,
        signal,
        timeoutMs,
        options?.headers as ConstructorParameters<typeof Headers>[0],
        request,
        createContextValues().set(retryRecordKey, record),
      );
      return checkStatus(response.message, ctx());
    } catch (e) {
      throw toClarifaiError(e, ctx(), signal);
    } finally {
      link.dispose();
    }
  }

  /**
   * Closes the connections this client opened. A transport you passed in (`transport: myTransport`)
   * and a grpc-js client you passed in (`grpcJs.client`) are not closed: they are yours. Calls in
   * flight fail at once with a `ClarifaiError` whose `grpcCode` is `CANCELED` and whose message says
   * the client was closed (never retried; a write in flight has `outcomeUnknown`); later calls fail
   * with `FAILED_PRECONDITION`. No connection is opened after `close()`. Safe to call twice.
   */
  async close(): Promise<void> {
    // Abort first, so the calls in flight fail as "closed" rather than as a lost connection.
    if (!this.#closing.signal.aborted) this.#closing.abort(clientClosedReason());
    await this.#closable?.close();
  }

  /** A description without secrets: base URL, transport, app, deadline. */
  toJSON(): Record<string, unknown> {
    const o = this.#options;
    return {
      baseUrl: o.endpoint.url,
      transport: typeof o.transport === "string" ? o.transport : "custom",
      userId: o.userId,
      appId: o.appId,
      timeoutMs: o.timeoutMs,
      retry: o.retry ? { maxAttempts: o.retry.maxAttempts } : false,
      closed: this.#closing.signal.aborted,
    };
  }

  /** What `util.inspect` / `console.log` show: {@link ClarifaiClient.toJSON}, never the PAT. */
  [inspect.custom](): string {
    return `ClarifaiClient ${inspect(this.toJSON())}`;
  }
}
