// What a client actually put on the wire, seen from inside its own process: for the first request of
// each path, the encodings it advertised for the answer and the encoding the answer came in. gRPC
// clients (grpc-js, connect-node, our HTTP/2 transport) all open sessions with `http2.connect` and send
// with `session.request`; fetch-based ones go through undici, which publishes its requests on
// diagnostics channels. The watch wraps `http2.connect` only while the client proves itself (before
// anything is measured) and then takes every wrapper away, so the measured calls run unobserved.
import diagnostics from "node:diagnostics_channel";
import http2 from "node:http2";
import { syncBuiltinESMExports } from "node:module";

/** One request as it crossed the wire. */
export interface WireRecord {
  /** e.g. "/clarifai.api.V2/GetTask" or "GET /v2/users/…/tasks/…". */
  path: string;
  /** `grpc-accept-encoding` (gRPC) or `accept-encoding` (HTTP) of the request; "none" when absent. */
  advertised: string;
  /** `grpc-encoding` (gRPC) or `content-encoding` (HTTP) of the answer; "identity" when absent. */
  answered: string;
}

type Headers = Record<string, string | string[] | undefined>;

const one = (v: unknown): string | undefined => (Array.isArray(v) ? v.join(",") : typeof v === "string" ? v : undefined);

/** undici hands headers over as "name: value\r\n…" (v5) or as a flat [name, value, …] array (v6+). */
function undiciHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers === "string") {
    const line = headers.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name}:`));
    return line?.slice(name.length + 1).trim();
  }
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
  }
  return undefined;
}

/** Starts watching; `stop()` takes every wrapper away and returns what was seen. */
export function watchWire(): { stop(): WireRecord[] } {
  const records = new Map<string, WireRecord>();
  const sessions: http2.ClientHttp2Session[] = [];
  const connect = http2.connect;
  (http2 as { connect: typeof http2.connect }).connect = function (this: unknown, ...args: Parameters<typeof http2.connect>) {
    const session = connect.apply(this, args);
    const request = session.request;
    sessions.push(session);
    session.request = function (this: http2.ClientHttp2Session, headers?: http2.OutgoingHttpHeaders, options?: http2.ClientSessionRequestOptions) {
      const stream = request.call(this, headers, options);
      const path = String(headers?.[":path"] ?? "?");
      if (!records.has(path)) {
        const record: WireRecord = { path, advertised: one(headers?.["grpc-accept-encoding"]) ?? one(headers?.["accept-encoding"]) ?? "none", answered: "?" };
        records.set(path, record);
        stream.once("response", (h: Headers) => (record.answered = one(h["grpc-encoding"]) ?? one(h["content-encoding"]) ?? "identity"));
      }
      return stream;
    } as typeof session.request;
    return session;
  } as typeof http2.connect;
  syncBuiltinESMExports();

  const pending = new WeakMap<object, WireRecord>();
  const onCreate = (message: unknown) => {
    const { request } = message as { request: { method: string; path: string; headers: unknown } };
    const path = `${request.method} ${request.path.split("?")[0]}`;
    if (records.has(path)) return;
    const record: WireRecord = { path, advertised: undiciHeader(request.headers, "accept-encoding") ?? "none", answered: "?" };
    records.set(path, record);
    pending.set(request, record);
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: object; response: { headers: unknown } };
    const record = pending.get(request);
    if (record) record.answered = undiciHeader(response.headers, "content-encoding") ?? "identity";
  };
  diagnostics.subscribe("undici:request:create", onCreate);
  diagnostics.subscribe("undici:request:headers", onHeaders);

  return {
    stop() {
      (http2 as { connect: typeof http2.connect }).connect = connect;
      syncBuiltinESMExports();
      // The sessions stay open for the measured calls; their own `request` is the prototype's again.
      for (const session of sessions) delete (session as { request?: unknown }).request;
      diagnostics.unsubscribe("undici:request:create", onCreate);
      diagnostics.unsubscribe("undici:request:headers", onHeaders);
      return [...records.values()];
    },
  };
}
