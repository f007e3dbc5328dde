// The "grpc-js" transport: unary calls over a grpc-js `Client`, for services that already run grpc-js
// channels (their credentials, keepalive, interceptors, channel options). Failures are mapped to
// ConnectError here so that `src/status.ts` converts every transport's failures the same way.
import { fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type * as grpc from "@grpc/grpc-js";
import { onAbort } from "../abort.js";
import { GRPC_TIMEOUT_HEADER, MAX_TIMEOUT_MS } from "../deadline.js";
import { lazyConnectError } from "../lazy-connect-error.js";
import type { Endpoint, GrpcJsOptions, TlsOptions } from "../options.js";
import { answerTooLargeError, notSentError } from "../status.js";
import { foreignContentTypeError } from "./answer-content-type.js";
import { LazyHeadersResult } from "./lazy-headers-result.js";
import { statusDetails } from "./trailer-status.js";
import type { ClientTransport, UnaryAttempt, UnaryResult } from "./transport.js";

/**
 * The @grpc/grpc-js module the transport runs on: the one the `clarifai-grpc-es/grpc-js` entry imports
 * (see grpc-js-module.ts). Passed in, not imported here: this module is part of the main entry's
 * bundle, which must not import grpc-js when it loads.
 */
export type GrpcJsModule = typeof grpc;

/** Options of {@link createGrpcJsTransport}. */
export interface GrpcJsTransportOptions {
  /** Where to connect (ignored when `grpcJs.client` is given). */
  readonly endpoint: Endpoint;
  /** TLS settings for an `https://` endpoint. Default: system roots. */
  readonly tls?: TlsOptions;
  /** Credentials, channel options or an existing client. Default `{}`. */
  readonly grpcJs?: GrpcJsOptions;
  /**
   * The channel's `grpc.max_receive_message_length` when the transport creates the client (unless
   * `grpcJs.channelOptions` sets it); unused with `grpcJs.client`. See `ClarifaiClientOptions.maxReceiveBytes`.
   */
  readonly maxReceiveBytes: number;
}

/**
 * Channel options the client sets unless you pass your own: reconnect backoff 100 ms growing to 1 s.
 * grpc-js' own (1 s growing to 120 s) leaves a restarted server unreachable for minutes, because calls
 * fail fast while the channel waits out its backoff.
 */
export const defaultChannelOptions: Readonly<grpc.ChannelOptions> = Object.freeze({
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 1000,
});

// The longest deadline handed to grpc-js: whole seconds under MAX_TIMEOUT_MS. grpc-js rounds the
// `grpc-timeout` it sends up to whole seconds past 1e8 ms, and a Node server's timer of more than
// MAX_TIMEOUT_MS fires after 1 ms (a connect-node server then ends the call at once); this is at most
// 647 ms less than the longest deadline a call can have, about 24.8 days.
const GRPC_JS_MAX_TIMEOUT_MS = Math.floor(MAX_TIMEOUT_MS / 1000) * 1000;

// Headers that are part of the HTTP/2 or gRPC framing: grpc-js writes its own.
const reservedHeaders = new Set([GRPC_TIMEOUT_HEADER, "content-type", "te", "user-agent", "grpc-encoding", "grpc-accept-encoding", "content-length"]);

/** `headers` as grpc-js metadata; a header grpc-js refuses is a not-sent INVALID_ARGUMENT naming it. */
function recordToMetadata(grpcJs: GrpcJsModule, headers: Readonly<Record<string, string>>): grpc.Metadata {
  const metadata = new grpcJs.Metadata();
  for (const [key, value] of Object.entries(headers)) {
    if (reservedHeaders.has(key)) continue;
    try {
      if (key.endsWith("-bin")) {
        for (const part of value.split(",")) metadata.add(key, Buffer.from(part.trim(), "base64"));
      } else {
        metadata.add(key, value);
      }
    } catch (e) {
      // grpc-js takes only printable ASCII in a text value (not "José") and a lowercase token as a key.
      throw notSentError(`grpc-js cannot send the header ${JSON.stringify(key)}: ${e instanceof Error ? e.message : String(e)}; nothing was sent`, Code.InvalidArgument, e);
    }
  }
  return metadata;
}

/** grpc-js metadata as fetch `Headers` (binary values base64, as on the wire). @internal */
export function metadataToHeaders(metadata: { getMap(): Record<string, string | Buffer> } | undefined): Headers {
  const headers = new Headers();
  if (!metadata) return headers;
  for (const [key, value] of Object.entries(metadata.getMap())) {
    headers.append(key, typeof value === "string" ? value : Buffer.from(value).toString("base64"));
  }
  return headers;
}

/**
 * A grpc-js failure as a ConnectError (the status numbers are the same), keeping the original as
 * `cause`. `header` is the response header the call received, if any: `undefined` when none came, empty
 * when they came with nothing but `:status`. A status that came after response headers, or with
 * response metadata (the content-type of a trailers-only answer), was sent by the server, and keeps its
 * `grpc-status` in the metadata, as connect's own errors from a response do: its text is the server's,
 * never evidence of what the client failed to send. grpc-js' own statuses (no connection, name
 * resolution, …) carry none.
 * @internal
 */
export function connectErrorFromGrpcJs(error: Partial<grpc.ServiceError> & Error, header?: Headers): ConnectError {
  const code = typeof error.code === "number" && error.code > 0 && error.code <= 16 ? (error.code as unknown as Code) : Code.Unknown;
  const received = error.metadata ? Object.keys(error.metadata.getMap()).length > 0 : false;
  // One of grpc-js' own statuses (a deadline, no connection): nothing to carry, so no `Headers`, whose
  // first use in a process loads Node's fetch (lazy-connect-error.ts). Headers that came empty still
  // came: grpc-js hands the server's status over with no metadata when the answer carried none, and its
  // text (say, "ECONNREFUSED") made a write look never sent.
  if (!received && header === undefined) return lazyConnectError(error.details || error.message, code, error);
  // Past that, the status came with a response: the server sent it.
  const metadata = metadataToHeaders(error.metadata);
  header?.forEach((v, k) => {
    if (!metadata.has(k)) metadata.append(k, v);
  });
  metadata.set("grpc-status", String(code));
  const converted = new ConnectError(error.details || error.message, code, metadata, undefined, error);
  // grpc-js leaves the rich details (a google.rpc.Status) as binary metadata. Decoded as the default
  // transport decodes them, so both give the same `statusDetails` (none when they do not decode).
  converted.details.push(...statusDetails(metadata));
  return converted;
}

// How grpc-js words its own receive limit: a message past it as received (stream-decoder.js), and a
// compressed one past it once inflated (compression-filter.js), each naming the limit. A grpc-js server
// refusing a request too large for it says the same, but in a trailers-only answer; the client's limit
// trips on an answer whose headers have come, and grpc-js ends the call then with no trailers of the
// server's. The limit named must also be the channel's, when the transport made the channel.
const receiveLimitText = /^Received message (?:larger than max \(\d+ vs (\d+)\)|that decompresses to a size larger than (\d+))$/;

/**
 * Whether grpc-js failed the call on the channel's own receive limit (`limit`, or `undefined` for a
 * client passed in, whose limit the transport does not know), not on the server's word.
 */
function isOwnReceiveLimit(grpcJs: GrpcJsModule, error: grpc.ServiceError, head: grpc.Metadata | undefined, limit: number | undefined): boolean {
  if (error.code !== grpcJs.status.RESOURCE_EXHAUSTED || head === undefined) return false;
  const words = receiveLimitText.exec(error.details);
  if (words === null || (limit !== undefined && Number(words[1] ?? words[2]) !== limit)) return false;
  return Object.keys(error.metadata?.getMap() ?? {}).length === 0;
}

/**
 * A failed call as a ConnectError; when grpc-js refused an answer past the channel's receive limit, the
 * answer-too-large failure (RESOURCE_EXHAUSTED, never retried), as on the default transport.
 */
function callFailure(grpcJs: GrpcJsModule, error: grpc.ServiceError, head: grpc.Metadata | undefined, limit: number | undefined): ConnectError {
  if (isOwnReceiveLimit(grpcJs, error, head, limit)) {
    return answerTooLargeError(`the answer's message is larger than the client accepts (grpc.max_receive_message_length; grpc-js: ${error.details})`, error);
  }
  return connectErrorFromGrpcJs(error, head && metadataToHeaders(head));
}

function credentialsFor(grpcJs: GrpcJsModule, endpoint: Endpoint, tls: TlsOptions | undefined, own?: grpc.ChannelCredentials): grpc.ChannelCredentials {
  if (own) return own;
  if (!endpoint.tls) return grpcJs.credentials.createInsecure();
  const ca = tls?.ca;
  const pem = ca === undefined ? null : Buffer.concat((Array.isArray(ca) ? ca : [ca]).map((c: string | Buffer) => Buffer.from(c)));
  return grpcJs.credentials.createSsl(pem);
}

/**
 * A transport over a grpc-js client: each attempt is one `makeUnaryRequest` with protobuf-es
 * `toBinary`/`fromBinary` as (de)serializers. The deadline travels as the grpc-js `deadline`; an abort
 * cancels the grpc-js call. `close()` closes the client it created (not one you passed in).
 */
export function createGrpcJsTransport(grpcJs: GrpcJsModule, options: GrpcJsTransportOptions): ClientTransport {
  const own = options.grpcJs?.client;
  const channelOptions = options.grpcJs?.channelOptions ?? {};
  // The channel's receive limit: the caller's channel option when it has a value (an explicit `undefined`
  // must not drop ours to grpc-js' default), else maxReceiveBytes; unknown for a client passed in.
  const receiveLimit = own ? undefined : ((channelOptions["grpc.max_receive_message_length"] as number | undefined) ?? options.maxReceiveBytes);
  const client: grpc.Client =
    own ??
    new grpcJs.Client(options.endpoint.address, credentialsFor(grpcJs, options.endpoint, options.tls, options.grpcJs?.credentials), {
      ...defaultChannelOptions,
      ...channelOptions,
      "grpc.max_receive_message_length": receiveLimit,
    });
  let closed = false;

  function unary<I extends DescMessage, O extends DescMessage>(attempt: UnaryAttempt<I, O>): Promise<UnaryResult<O>> {
    const { method, signal } = attempt;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (closed) return reject(notSentError("the client is closed", Code.Unavailable));
      let bytes: Buffer;
      try {
        bytes = Buffer.from(toBinary(method.input, attempt.message));
      } catch (e) {
        return reject(notSentError(`the request could not be encoded: ${e instanceof Error ? e.message : String(e)}`, Code.InvalidArgument, e));
      }
      const callOptions: grpc.CallOptions = attempt.timeoutMs !== undefined ? { deadline: new Date(Date.now() + Math.min(attempt.timeoutMs, GRPC_JS_MAX_TIMEOUT_MS)) } : {};
      let metadata: grpc.Metadata;
      try {
        metadata = recordToMetadata(grpcJs, attempt.headers);
      } catch (e) {
        return reject(e);
      }
      // The response's metadata stays grpc-js' until someone reads it as `Headers` (see LazyHeadersResult).
      let head: grpc.Metadata | undefined;
      let answer: LazyHeadersResult<O, grpc.Metadata> | undefined;
      let settled = false;
      let stopAbort: (() => void) | undefined;
      let call: grpc.ClientUnaryCall;
      try {
        call = client.makeUnaryRequest(
          `/${method.parent.typeName}/${method.name}`,
          (payload: Buffer) => payload,
          (data: Buffer) => fromBinary(method.output, data),
          bytes,
          metadata,
          callOptions,
          (error, message) => {
            stopAbort?.();
            if (settled) return;
            settled = true;
            // Thrown from here, anything would escape into grpc-js' own tick and end the process.
            try {
              if (error || message === undefined) {
                reject(error ? callFailure(grpcJs, error, head, receiveLimit) : new ConnectError("protocol error: missing output message for unary method", Code.Unknown));
                return;
              }
              // A message in an answer that did not say it was gRPC is not taken as one (see answer-content-type.ts).
              const contentType = head?.get("content-type")[0];
              const foreign = foreignContentTypeError(typeof contentType === "string" ? contentType : "", () => metadataToHeaders(head));
              if (foreign) {
                reject(foreign);
                return;
              }
              answer = new LazyHeadersResult(message, metadataToHeaders, head, undefined);
              resolve(answer);
            } catch (e) {
              reject(new ConnectError(`the answer could not be read: ${e instanceof Error ? e.message : String(e)}`, Code.Internal, undefined, undefined, e));
            }
          },
        );
      } catch (e) {
        // Nothing went out: grpc-js throws before it starts a call, as a client you passed in whose
        // channel you closed does ("Channel has been shut down"). That stays so, like a closed
        // ClarifaiClient: FAILED_PRECONDITION, which no retry rule retries.
        return reject(notSentError(`the grpc-js client could not start the call: ${e instanceof Error ? e.message : String(e)}`, Code.FailedPrecondition, e));
      }
      // Followed only once the call exists: an abort cancels it, and a call that never started leaves
      // no listener behind. (A grpc-js interceptor of the caller's may have aborted meanwhile.)
      if (signal && !settled) {
        const abort = (reason: unknown) => {
          if (settled) return;
          settled = true;
          call.cancel();
          reject(reason);
        };
        if (signal.aborted) abort(signal.reason);
        else stopAbort = onAbort(signal, abort);
      }
      call.on("metadata", (received: grpc.Metadata) => (head = received));
      // grpc-js emits the trailers right after it runs the callback, in the same turn: the caller, who
      // reads the result a microtask later at the earliest, finds them there (only a synchronous reader
      // could read `trailer` before they came).
      call.on("status", (status: grpc.StatusObject) => answer?.setTail(status.metadata));
    });
  }

  return {
    name: "grpc-js",
    unary,
    async close() {
      if (closed) return;
      closed = true;
      if (!own) client.close();
    },
  };
}
