// The default transport: connect-node's gRPC protocol over HTTP/2. We own the HTTP/2 session manager so
// that `close()` can end the connection (connect's transport has no close of its own).
import type { Interceptor, Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { Http2Session, ClientHttp2Stream, ClientSessionRequestOptions, OutgoingHttpHeaders, SecureClientSessionOptions } from "node:http2";
import type { Endpoint, TlsOptions } from "../options.js";

/**
 * connect-node's session manager removes its `error` listeners from an HTTP/2 session when it moves on
 * (closing, after an error), yet Node can still emit `error` on that session afterwards — e.g. a peer
 * that answers with a protocol error. With no listener, that is an uncaught exception that takes the
 * whole process down. Every session that carried a request gets one permanent listener that ignores
 * such late errors: the calls on it have already failed through their streams.
 */
class GuardedSessionManager extends Http2SessionManager {
  readonly #guarded = new WeakSet<Http2Session>();

  override async request(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    options: Omit<ClientSessionRequestOptions, "signal">,
  ): Promise<ClientHttp2Stream> {
    const stream = await super.request(method, path, headers, options);
    const session = stream.session;
    if (session && !this.#guarded.has(session)) {
      this.#guarded.add(session);
      session.on("error", () => {});
    }
    return stream;
  }
}

/** A transport the client can shut down. @internal */
export interface ClosableTransport {
  readonly transport: Transport;
  /** Ends connections; calls in flight fail. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createConnectTransport}. @internal */
export interface ConnectTransportOptions {
  readonly endpoint: Endpoint;
  readonly tls: TlsOptions;
  /** Run on every call, outermost first. */
  readonly interceptors: readonly Interceptor[];
  /** Deadline of a call that gives none. */
  readonly defaultTimeoutMs: number;
}

/** connect-node's gRPC transport for `endpoint`, with a session manager `close()` can abort. @internal */
export function createConnectTransport(options: ConnectTransportOptions): ClosableTransport {
  const { endpoint, tls } = options;
  const nodeOptions: SecureClientSessionOptions = {};
  if (endpoint.tls && tls.ca !== undefined) nodeOptions.ca = tls.ca as SecureClientSessionOptions["ca"];
  const sessionManager = new GuardedSessionManager(
    endpoint.url,
    // Ping an idle connection so a silently dead peer (NAT timeout, LB drop) is noticed before a call hangs on it.
    { pingIntervalMs: 30_000, pingTimeoutMs: 10_000, idleConnectionTimeoutMs: 15 * 60_000 },
    nodeOptions,
  );
  const transport = createGrpcTransport({
    baseUrl: endpoint.url,
    sessionManager,
    interceptors: [...options.interceptors],
    defaultTimeoutMs: options.defaultTimeoutMs,
  });
  let closed = false;
  return {
    transport,
    async close() {
      if (closed) return;
      closed = true;
      sessionManager.abort();
    },
  };
}
