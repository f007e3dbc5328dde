// Client and per-call options: full interfaces inside, `Partial`-style at the edge, defaults filled in
// one function (`resolveClientOptions`), unknown keys rejected so a typo never silently does nothing.
import type { Interceptor, Transport } from "@connectrpc/connect";
import type * as grpc from "@grpc/grpc-js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { UserAppIDSetSchema } from "../gen/clarifai/api/resources_pb.js";
import { validatePat, type HeadersInput, type PatSource } from "./auth.js";
import { checkMaxTimeout } from "./deadline.js";
import { resolveRetryPolicy, type RetryOptions, type RetryPolicy } from "./retry.js";
import { rejectUnknownKeys } from "./unknown-keys.js";

/** Default deadline of every call: 30 seconds (a page of 128 tasks answers in well under a second). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Default {@link ClarifaiClientOptions.maxReceiveBytes}: 4 MiB (4 194 304 bytes), grpc-js' default receive
 * limit, so that both gRPC transports refuse the same answers.
 */
export const DEFAULT_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;
/** Default base URL when neither the option nor `CLARIFAI_GRPC_BASE` is set. */
export const DEFAULT_BASE_URL = "https://api.clarifai.com";

/** Where the client connects, parsed from `baseUrl`. @internal */
export interface Endpoint {
  /** Normalised base URL (`https://host:port` or `http://host:port`, no trailing slash). */
  readonly url: string;
  /** `host:port` (port filled: 443 for https, 80 for http), as grpc-js wants it. */
  readonly address: string;
  /** `false` only for an explicit `http://` URL. */
  readonly tls: boolean;
}

/**
 * Parses a base URL. `https://host[:port]` and `http://host[:port]` as given; a bare `host[:port]` (the
 * form upstream's `CLARIFAI_GRPC_BASE` uses, e.g. `api.clarifai.com`) means TLS. @internal
 */
export function parseBaseUrl(baseUrl: string): Endpoint {
  const text = baseUrl.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // Quoted without what may be credentials (`user:password@`), up to the last `@`: a URL that does
    // not parse has no authority to tell them by.
    const shown = baseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^]*@/i, "$1***@");
    throw new TypeError(`baseUrl ${JSON.stringify(shown)} is not a URL; expected e.g. "https://api.clarifai.com" or "http://127.0.0.1:50051"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`baseUrl must be https:// or http://, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.username || url.password) throw new TypeError("baseUrl must not carry credentials; use the pat option");
  const tls = url.protocol === "https:";
  const port = url.port || (tls ? "443" : "80");
  const path = url.pathname.replace(/\/+$/, "");
  return { url: `${url.protocol}//${url.host}${path}`, address: `${url.hostname}:${port}`, tls };
}

/** TLS settings for `https://` base URLs. */
export interface TlsOptions {
  /**
   * PEM certificate(s) of the CA to trust instead of the system roots, e.g. the emulator's self-signed
   * CA. Default: Node's built-in roots.
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
}

/** Options of the `"grpc-js"` transport. */
export interface GrpcJsOptions {
  /**
   * Channel credentials to use (your own TLS, call credentials, …). Default: `createSsl(tls.ca)` for
   * `https://`, `createInsecure()` for `http://`. Must come from the same `@grpc/grpc-js` copy as the
   * client, or pass `client` instead.
   */
  readonly credentials?: grpc.ChannelCredentials;
  /**
   * grpc-js client/channel options (keepalive, `interceptors`, `grpc.max_receive_message_length`, …).
   * Default `{}`. A `grpc.max_receive_message_length` given here is used instead of `maxReceiveBytes`.
   */
  readonly channelOptions?: grpc.ClientOptions;
  /**
   * An existing grpc-js `Client` (e.g. one sharing your service's channel, credentials and
   * interceptors). It must come from the same `@grpc/grpc-js` copy this package resolves (npm dedupes
   * compatible 1.x versions), since grpc-js recognises its `Metadata` by class. When
   * given, `baseUrl`, `tls`, `credentials`, `channelOptions` and the client's `maxReceiveBytes` are not
   * used (your channel's own `grpc.max_receive_message_length` limits answers), and `close()` does not
   * close it. Default: a new client owned by `ClarifaiClient`.
   */
  readonly client?: grpc.Client;
}

/** The options of `new ClarifaiClient(options)`. Every field is optional. */
export interface ClarifaiClientOptions {
  /**
   * Personal access token, sent as `authorization: Key <pat>`. Default: env `CLARIFAI_PAT`. A PAT
   * containing whitespace or control characters is refused. It never appears in errors or `inspect()`.
   */
  readonly pat?: string;
  /** Default `user_app_id.user_id` of every call. Default: env `CLARIFAI_USER_ID`. */
  readonly userId?: string;
  /** Default `user_app_id.app_id` of every call. Default: env `CLARIFAI_APP_ID`. */
  readonly appId?: string;
  /**
   * Where the API is. Default: env `CLARIFAI_GRPC_BASE` (a bare host like `api.clarifai.com` means
   * `https://`), else `https://api.clarifai.com`. Plaintext HTTP/2 only for an explicit `http://` URL.
   * @example "http://127.0.0.1:50051"
   */
  readonly baseUrl?: string;
  /**
   * `"connect"` (default): connect-node's gRPC transport over HTTP/2. `"grpc-js"`: a grpc-js client
   * underneath (see `grpcJs`). `"rest"`: the API's REST routes over the global `fetch` (HTTP/1.1 or
   * whatever the runtime's fetch speaks), for runtimes and networks without HTTP/2 gRPC; `tls.ca` is
   * not available with it. Or any connect `Transport` of your own (auth and retries are still applied
   * on top; `baseUrl`/`tls` are then unused).
   */
  readonly transport?: "connect" | "grpc-js" | "rest" | Transport;
  /** TLS settings for `https://` (e.g. `{ ca }` for a self-signed server). Default: system roots. */
  readonly tls?: TlsOptions;
  /** Options of the `"grpc-js"` transport. Default `{}`. */
  readonly grpcJs?: GrpcJsOptions;
  /**
   * Deadline of every call in milliseconds, retries and backoff included. Default
   * {@link DEFAULT_TIMEOUT_MS} (30 000). At most 2 147 483 647 (2^31 - 1, about 24.8 days, the longest
   * timer Node sets); a larger value is a TypeError. A call that must have no deadline passes
   * `timeoutMs: Infinity` in its call options.
   */
  readonly timeoutMs?: number;
  /** Retry policy, or `false` to never retry. Default: {@link defaultRetryPolicy}. */
  readonly retry?: RetryOptions | false;
  /**
   * The largest answer message the client takes, in bytes, as received and, when compressed, once
   * inflated. Default {@link DEFAULT_MAX_RECEIVE_BYTES} (4 194 304, 4 MiB, as grpc-js). An answer past it
   * fails with `RESOURCE_EXHAUSTED` and is not retried (the server would send it again); for a write,
   * `outcomeUnknown` is `true` (the server processed it). Raise it for big pages, e.g. `tasks.list`
   * with a large `perPage`. A positive safe integer; anything else is a TypeError.
   *
   * It limits the `"connect"` transport, the `"grpc-js"` transport's own channel (as
   * `grpc.max_receive_message_length`, unless `grpcJs.channelOptions` sets that itself) and the body the
   * `"rest"` transport reads (as `fetch` hands it over: inflated; the rest of a body past it is not read,
   * and an HTTP error's body is cut there, its status deciding the error).
   * It does not apply to a grpc-js client you pass as `grpcJs.client` (its channel's options govern) or
   * to a `Transport` of your own.
   * @example new ClarifaiClient({ maxReceiveBytes: 64 * 1024 * 1024 })
   */
  readonly maxReceiveBytes?: number;
  /** Headers sent with every call (before per-call headers). Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Extra connect interceptors, run on every attempt inside auth and retries (outermost first).
   * Default `[]`. Calls take a slower path through connect's interceptor machinery while any are set.
   */
  readonly interceptors?: readonly Interceptor[];
  /**
   * Message compression of the `"connect"` transport: which encodings it advertises for answers
   * (`accept`) and which it uses for requests at least `minBytes` long (`send`). Default
   * {@link DEFAULT_COMPRESSION}: nothing advertised, nothing compressed (see its comment for why).
   */
  readonly compression?: Partial<Compression>;
  /**
   * Client spans, W3C trace context and a call-duration histogram through `@opentelemetry/api`, when
   * that package is installed (an optional peer) and something is registered with it (a tracer or meter
   * provider, a propagator): until then nothing of it is loaded and calls take no tracing step. Default
   * `true`.
   */
  readonly tracing?: boolean;
}

/** Message compression (see {@link ClarifaiClientOptions.compression}). */
export interface Compression {
  /** Encodings the server may use for answers, besides identity. `[]` asks for none. */
  readonly accept: readonly "gzip"[];
  /** Encoding of requests: `"identity"` (none) or `"gzip"`. */
  readonly send: "identity" | "gzip";
  /** Requests shorter than this many bytes are sent uncompressed even with `send: "gzip"`. */
  readonly minBytes: number;
}

/**
 * The default compression: none either way. Measured with `npm run bench` (the README's Benchmarks,
 * client CPU per call, identity ÷ gzip): a GetTask answer (~1 KB, which gzip only halves) costs the
 * client a sixth to a fifth less uncompressed (0.80–0.86× over two full runs); on a 128-task page,
 * 19× smaller compressed, the ratios straddle 1.0 (inflating costs about what moving the bigger answer
 * costs). Turn it on where bandwidth is scarce: `compression: { accept: ["gzip"] }`.
 */
export const DEFAULT_COMPRESSION: Compression = Object.freeze({ accept: Object.freeze([]) as readonly "gzip"[], send: "identity", minBytes: 1024 });

/** The `user_app_id` of one call: `{ userId, appId }`. */
export type UserAppId = MessageInitShape<typeof UserAppIDSetSchema>;

/** The last argument of every facade method. */
export interface CallOptions {
  /** Aborts the call and any retry backoff. The call then fails with a `ClarifaiError` whose `grpcCode` is `CANCELED` and `cause` is the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Time this call may take (all attempts and backoff), in ms. Default: the client's `timeoutMs`.
   * On expiry: `grpcCode` `DEADLINE_EXCEEDED`; `0` or less means the time is already up (the call
   * fails so without sending anything). `Infinity`: no deadline. A finite value above 2 147 483 647
   * (2^31 - 1, about 24.8 days, the longest timer Node sets) is a TypeError, as is a `deadline` further
   * away than that when this is `Infinity`.
   *
   * @example client.tasks.get(id, { timeoutMs: 5_000 })
   */
  readonly timeoutMs?: number;
  /**
   * An absolute deadline for this call, a `Date` or epoch milliseconds (as grpc-js writes deadlines;
   * `Infinity` for none): the call ends at the earlier of this and `timeoutMs`, retries included.
   * A deadline already past fails with `DEADLINE_EXCEEDED` and sends nothing. Default: none.
   * Inside a service, {@link fromGrpcJsCall} / {@link fromConnectContext} fill it from the incoming call.
   */
  readonly deadline?: Date | number;
  /** Extra request headers (metadata) for this call, over the client's `headers`. Default: none. */
  readonly headers?: HeadersInput;
  /** `user_app_id` of this call. Default: the client's `userId`/`appId`. */
  readonly userAppId?: UserAppId;
}

/** Call options of `create`/`update`, which validate before sending. */
export interface WriteOptions extends CallOptions {
  /** Check the documented rules before sending and throw `ValidationError` listing every issue. Default `true`. */
  readonly validate?: boolean;
}

/** Options after defaults are filled in. @internal */
export interface ResolvedClientOptions {
  readonly pat: string;
  readonly patSource: PatSource;
  readonly userId: string;
  readonly appId: string;
  readonly endpoint: Endpoint;
  readonly transport: "connect" | "grpc-js" | "rest" | Transport;
  readonly tls: TlsOptions;
  readonly grpcJs: GrpcJsOptions;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | undefined;
  readonly maxReceiveBytes: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly interceptors: readonly Interceptor[];
  readonly compression: Compression;
  readonly tracing: boolean;
}

const clientKeys: ReadonlySet<string> = new Set([
  "pat", "userId", "appId", "baseUrl", "transport", "tls", "grpcJs", "timeoutMs", "retry", "maxReceiveBytes", "headers", "interceptors", "compression", "tracing",
]);
const callKeys: ReadonlySet<string> = new Set(["signal", "timeoutMs", "deadline", "headers", "userAppId", "validate"]);

/** Rejects unknown keys in a per-call options object. @internal */
export function checkCallOptions(options: object | undefined): void {
  rejectUnknownKeys("call options", options, callKeys);
}

function checkTimeout(what: string, ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`${what} must be a positive number of milliseconds, got ${ms}`);
  checkMaxTimeout(what, ms);
  return ms;
}

function checkMaxReceiveBytes(bytes: unknown): number {
  if (!Number.isSafeInteger(bytes) || (bytes as number) <= 0) {
    throw new TypeError(`maxReceiveBytes must be a positive whole number of bytes (at most 2^53 - 1), got ${typeof bytes === "string" ? JSON.stringify(bytes) : String(bytes)}`);
  }
  return bytes as number;
}

/** Fills every default of the client options from `env` (default `process.env`). @internal */
export function resolveClientOptions(
  options: ClarifaiClientOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedClientOptions {
  rejectUnknownKeys("ClarifaiClient options", options, clientKeys);
  rejectUnknownKeys("ClarifaiClient options.tls", options.tls, new Set(["ca"]));
  rejectUnknownKeys("ClarifaiClient options.grpcJs", options.grpcJs, new Set(["credentials", "channelOptions", "client"]));
  rejectUnknownKeys("ClarifaiClient options.compression", options.compression, new Set(["accept", "send", "minBytes"]));
  const envPat = env["CLARIFAI_PAT"];
  const pat = options.pat ?? envPat ?? "";
  // An empty PAT, from either place, is "none" (below): only a PAT that is there has a source.
  const patSource: PatSource = options.pat !== undefined ? "option" : "env";
  validatePat(pat);
  const transport = options.transport ?? "connect";
  if (transport !== "connect" && transport !== "grpc-js" && transport !== "rest" && (typeof transport !== "object" || typeof transport.unary !== "function")) {
    throw new TypeError(`ClarifaiClient options.transport must be "connect", "grpc-js", "rest" or a connect Transport`);
  }
  if (transport === "rest" && options.tls?.ca !== undefined) {
    // fetch has no per-request CA: the runtime's trust store is all there is.
    throw new TypeError('tls.ca cannot be used with transport "rest": the rest transport trusts the CAs the runtime\'s fetch trusts; in Node, add yours with NODE_EXTRA_CA_CERTS');
  }
  return {
    pat,
    patSource: pat === "" ? "none" : patSource,
    userId: options.userId ?? env["CLARIFAI_USER_ID"] ?? "",
    appId: options.appId ?? env["CLARIFAI_APP_ID"] ?? "",
    endpoint: parseBaseUrl(options.baseUrl ?? (env["CLARIFAI_GRPC_BASE"] || DEFAULT_BASE_URL)),
    transport,
    tls: options.tls ?? {},
    grpcJs: options.grpcJs ?? {},
    timeoutMs: checkTimeout("timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    retry: options.retry === false ? undefined : resolveRetryPolicy(options.retry ?? {}),
    maxReceiveBytes: checkMaxReceiveBytes(options.maxReceiveBytes === undefined ? DEFAULT_MAX_RECEIVE_BYTES : options.maxReceiveBytes),
    headers: { ...(options.headers ?? {}) },
    interceptors: [...(options.interceptors ?? [])],
    compression: resolveCompression(options.compression),
    tracing: options.tracing ?? true,
  };
}

function resolveCompression(options: Partial<Compression> | undefined): Compression {
  const c = { ...DEFAULT_COMPRESSION, ...Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) } as Compression;
  // gzip is the only encoding, so at most one entry: a repeated one would be advertised twice.
  if (!Array.isArray(c.accept) || c.accept.length > 1 || c.accept.some((e) => e !== "gzip")) throw new TypeError(`compression.accept must be [] or ["gzip"], got ${JSON.stringify(c.accept)}`);
  if (c.send !== "identity" && c.send !== "gzip") throw new TypeError(`compression.send must be "identity" or "gzip", got ${JSON.stringify(c.send)}`);
  if (!Number.isFinite(c.minBytes) || c.minBytes < 0) throw new TypeError(`compression.minBytes must be a non-negative number, got ${c.minBytes}`);
  return Object.freeze({ ...c, accept: Object.freeze([...c.accept]) });
}
