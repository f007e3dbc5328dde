// A connect `Transport` implemented over a grpc-js `Client`, for services that already run grpc-js
// channels (their credentials, keepalive, interceptors, channel options). Failures are mapped to
// ConnectError here so that `src/status.ts` converts both transports' failures the same way.
import { fromBinary, toBinary, type DescMessage, type DescMethodUnary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type ContextValues, type Interceptor, type Transport, type UnaryResponse } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { GRPC_TIMEOUT_HEADER, parseGrpcTimeout } from "../deadline.js";
import type { Endpoint, GrpcJsOptions, TlsOptions } from "../options.js";
import type { ClosableTransport } from "./connect.js";
import { runInterceptedUnary } from "./intercepted-unary.js";

/** Options of {@link createGrpcJsTransport}. */
export interface GrpcJsTransportOptions {
  /** Where to connect (ignored when `grpcJs.client` is given). */
  readonly endpoint: Endpoint;
  /** TLS settings for an `https://` endpoint. Default: system roots. */
  readonly tls?: TlsOptions;
  /** Credentials, channel options or an existing client. Default `{}`. */
  readonly grpcJs?: GrpcJsOptions;
  /** connect interceptors run on every call, outermost first. Default `[]`. */
  readonly interceptors?: readonly Interceptor[];
  /** Deadline of a call that gives none, in ms. Default: none (the client always passes one). */
  readonly defaultTimeoutMs?: number;
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

// Headers that are part of the HTTP/2 or gRPC framing: grpc-js writes its own.
const reservedHeaders = new Set([GRPC_TIMEOUT_HEADER, "content-type", "te", "user-agent", "grpc-encoding", "grpc-accept-encoding", "content-length"]);

function headersToMetadata(header: Headers): grpc.Metadata {
  const metadata = new grpc.Metadata();
  header.forEach((value, key) => {
    if (reservedHeaders.has(key)) return;
    if (key.endsWith("-bin")) {
      for (const part of value.split(",")) metadata.add(key, Buffer.from(part.trim(), "base64"));
    } else {
      metadata.add(key, value);
    }
  });
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
 * `cause`. `header` is the response header the call received, if any. A status that came with
 * response metadata (headers, or the content-type of a trailers-only answer) was sent by the server,
 * and keeps its `grpc-status` in the metadata, as connect's own errors from a response do: its text is
 * the server's, never evidence of what the client failed to send. grpc-js' own statuses (no
 * connection, name resolution, …) carry none.
 * @internal
 */
export function connectErrorFromGrpcJs(error: Partial<grpc.ServiceError> & Error, header?: Headers): ConnectError {
  const code = typeof error.code === "number" && error.code > 0 && error.code <= 16 ? (error.code as unknown as Code) : Code.Unknown;
  const metadata = metadataToHeaders(error.metadata);
  const fromServer = [...metadata.keys()].length > 0 || (header !== undefined && [...header.keys()].length > 0);
  header?.forEach((v, k) => {
    if (!metadata.has(k)) metadata.append(k, v);
  });
  if (fromServer) metadata.set("grpc-status", String(code));
  return new ConnectError(error.details || error.message, code, metadata, undefined, error);
}

function credentialsFor(endpoint: Endpoint, tls: TlsOptions | undefined, own?: grpc.ChannelCredentials): grpc.ChannelCredentials {
  if (own) return own;
  if (!endpoint.tls) return grpc.credentials.createInsecure();
  const ca = tls?.ca;
  const pem = ca === undefined ? null : Buffer.concat((Array.isArray(ca) ? ca : [ca]).map((c: string | Buffer) => Buffer.from(c)));
  return grpc.credentials.createSsl(pem);
}

/**
 * A connect `Transport` over a grpc-js client: each unary call is one `makeUnaryRequest` with
 * protobuf-es `toBinary`/`fromBinary` as (de)serializers. The deadline travels as the grpc-js
 * `deadline`; an abort cancels the grpc-js call. `close()` closes the client it created (not one you
 * passed in).
 */
export function createGrpcJsTransport(options: GrpcJsTransportOptions): ClosableTransport {
  const own = options.grpcJs?.client;
  const client: grpc.Client =
    own ??
    new grpc.Client(options.endpoint.address, credentialsFor(options.endpoint, options.tls, options.grpcJs?.credentials), {
      ...defaultChannelOptions,
      ...(options.grpcJs?.channelOptions ?? {}),
    });
  const interceptors = [...(options.interceptors ?? [])];
  let closed = false;

  function invoke<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    req: { header: Headers; signal: AbortSignal; message: unknown },
  ): Promise<UnaryResponse<I, O>> {
    return new Promise((resolve, reject) => {
      if (closed) {
        reject(new ConnectError("the client is closed", Code.Unavailable));
        return;
      }
      if (req.signal.aborted) {
        reject(ConnectError.from(req.signal.reason, Code.Canceled));
        return;
      }
      const timeoutMs = parseGrpcTimeout(req.header.get(GRPC_TIMEOUT_HEADER));
      const callOptions: grpc.CallOptions = timeoutMs !== undefined ? { deadline: new Date(Date.now() + timeoutMs) } : {};
      // Filled in place: grpc-js runs the callback before it emits "status" (the trailers), and the
      // caller reads them only after the promise settles, a microtask later.
      const header = new Headers();
      const trailer = new Headers();
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        call.cancel();
        reject(ConnectError.from(req.signal.reason, Code.Canceled));
      };
      const call = client.makeUnaryRequest(
        `/${method.parent.typeName}/${method.name}`,
        (message: MessageInitShape<I>) => Buffer.from(toBinary(method.input, message as never)),
        (bytes: Buffer) => fromBinary(method.output, bytes),
        req.message as MessageInitShape<I>,
        headersToMetadata(req.header),
        callOptions,
        (error, message) => {
          req.signal.removeEventListener("abort", onAbort);
          if (settled) return;
          settled = true;
          if (error || message === undefined) {
            reject(error ? connectErrorFromGrpcJs(error, header) : new ConnectError("protocol error: missing output message for unary method", Code.Unknown));
            return;
          }
          resolve({ stream: false, service: method.parent, method, header, message, trailer });
        },
      );
      call.on("metadata", (metadata: grpc.Metadata) => {
        metadataToHeaders(metadata).forEach((v, k) => header.append(k, v));
      });
      call.on("status", (status: grpc.StatusObject) => {
        metadataToHeaders(status.metadata).forEach((v, k) => trailer.append(k, v));
      });
      req.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  const transport: Transport = {
    async unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: ConstructorParameters<typeof Headers>[0] | undefined,
      input: MessageInitShape<I>,
      contextValues?: ContextValues,
    ): Promise<UnaryResponse<I, O>> {
      return runInterceptedUnary({
        method, signal, timeoutMs, header, input, contextValues, interceptors,
        defaultTimeoutMs: options.defaultTimeoutMs,
        urlPrefix: `grpc-js://${options.endpoint.address}`,
        next: (req) => invoke(method, req),
      });
    },
    async stream() {
      throw new ConnectError("the grpc-js transport of clarifai-grpc-es supports unary calls only", Code.Unimplemented);
    },
  };
  return {
    transport,
    async close() {
      if (closed) return;
      closed = true;
      if (!own) client.close();
    },
  };
}
