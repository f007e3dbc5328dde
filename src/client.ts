// ClarifaiClient: resolves the options, builds the transport and the call path (src/call.ts), and hands
// the resource namespaces (`tasks`, `collectors`) and the raw `v2` client their way in.
import { createClient, type Client } from "@connectrpc/connect";
import { V2 } from "../gen/clarifai/api/service_pb.js";
import { keepListening } from "./abort.js";
import { createRequestMetadata } from "./auth.js";
import { createCallPath } from "./call.js";
import type { Caller } from "./caller.js";
import { resolveClientOptions, type ClarifaiClientOptions, type ResolvedClientOptions } from "./options.js";
import type { Redactor } from "./redact.js";
import { Collectors } from "./resources/collectors.js";
import { Tasks } from "./resources/tasks.js";
import type { RetryPolicy } from "./retry.js";
import { resolveUserAppId } from "./scope.js";
import { clientClosedReason, toClarifaiError } from "./status.js";
import { createTracing } from "./tracing.js";
import { toConnectTransport } from "./transports/connect-transport.js";
import { selectTransport } from "./transports/select.js";
import type { ClientTransport } from "./transports/transport.js";

// Node's `util.inspect.custom`, by the name it is registered under, which Bun and Deno honour too.
// Importing node:util for it cost every import of the package about 0.7 ms: an ES import of node:util reads
// all its exports, which loads their lazy parts (parseArgs, MIMEType). inspect itself comes as the
// method's third argument.
const inspectCustom: unique symbol = Symbol.for("nodejs.util.inspect.custom");

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
   * default deadline, retries and tracing apply; the Clarifai `status` of responses is NOT checked, and
   * failures are plain `ConnectError`s (scrubbed of the PAT).
   */
  readonly v2: Client<typeof V2>;

  readonly #options: Omit<ResolvedClientOptions, "pat">;
  readonly #transport: ClientTransport;
  readonly #redact: Redactor;
  // Aborted by close(): every call's signal follows it, so calls in flight end and their retries stop
  // (a retry after close would open a new connection nobody closes).
  readonly #closing = new AbortController();

  /**
   * @param options - every field optional; see {@link ClarifaiClientOptions} for defaults (env
   *   `CLARIFAI_PAT`, `CLARIFAI_USER_ID`, `CLARIFAI_APP_ID`, `CLARIFAI_GRPC_BASE`; 30 s deadline;
   *   connect transport; default retry policy). Unknown keys throw a `TypeError`.
   */
  constructor(options?: ClarifaiClientOptions) {
    const { pat, ...rest } = resolveClientOptions(options);
    keepListening(this.#closing.signal);
    this.#options = rest;
    const metadata = createRequestMetadata(pat, rest.patSource, rest.headers);
    this.#redact = metadata.redact;
    this.#transport = selectTransport(rest);
    const { endpoint } = rest;
    const host = new URL(endpoint.url).hostname;
    const path = createCallPath({
      transport: this.#transport,
      metadata,
      retry: rest.retry,
      tracing: rest.tracing ? createTracing({ host, port: Number(endpoint.address.slice(endpoint.address.lastIndexOf(":") + 1)) }, this.#transport.name, this.#redact) : undefined,
      interceptors: rest.interceptors,
      timeoutMs: rest.timeoutMs,
      closing: this.#closing.signal,
      address: endpoint.address,
      url: endpoint.url,
      trust: trustGiven(rest),
    });
    this.v2 = createClient(V2, toConnectTransport(path.raw));
    const caller: Caller = {
      call: path.call,
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

  /**
   * Closes the connections this client opened. A transport you passed in (`transport: myTransport`)
   * and a grpc-js client you passed in (`grpcJs.client`) are not closed: they are yours. Calls in
   * flight fail at once with a `ClarifaiError` whose `grpcCode` is `CANCELLED` and whose message says
   * the client was closed (never retried; a write in flight has `outcomeUnknown`); later calls fail
   * with `FAILED_PRECONDITION`. No connection is opened after `close()`. Safe to call twice.
   */
  async close(): Promise<void> {
    // Abort first, so the calls in flight fail as "closed" rather than as a lost connection.
    if (!this.#closing.signal.aborted) this.#closing.abort(clientClosedReason());
    await this.#transport.close();
  }

  /** A description without secrets: base URL, transport, app, deadline. */
  toJSON(): Record<string, unknown> {
    const o = this.#options;
    return {
      baseUrl: o.endpoint.url,
      transport: this.#transport.name,
      userId: o.userId,
      appId: o.appId,
      timeoutMs: o.timeoutMs,
      retry: o.retry ? { maxAttempts: o.retry.maxAttempts } : false,
      closed: this.#closing.signal.aborted,
    };
  }

  /** What `util.inspect` / `console.log` show: {@link ClarifaiClient.toJSON}, never the PAT. */
  [inspectCustom](_depth: number, _options: unknown, inspect?: (value: unknown) => string): string {
    return `ClarifaiClient ${typeof inspect === "function" ? inspect(this.toJSON()) : JSON.stringify(this.toJSON())}`;
  }
}

/**
 * What the client was given to trust instead of the runtime's CAs, as the hint of an untrusted
 * certificate names it; `undefined` when it trusts the runtime's CAs (or a transport of the caller's own
 * decides).
 */
function trustGiven(options: Omit<ResolvedClientOptions, "pat">): string | undefined {
  if (options.transport === "grpc-js" && (options.grpcJs.credentials ?? options.grpcJs.client)) return "the CA in the credentials given in `grpcJs`";
  if (typeof options.transport === "string" && options.tls.ca !== undefined) return "the CA given in `tls: { ca }`";
  return undefined;
}
