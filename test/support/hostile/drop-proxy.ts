// An HTTP/2 proxy in front of the emulator that can drop the client's connection *after* the emulator
// has fully answered a call: the request was applied, but the client never hears so. That is the
// ambiguous failure a client must not "fix" by repeating a write (it would create a duplicate), while
// repeating a read through the same fault is harmless and must succeed.
import { EventEmitter } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { methodOf } from "./grpc-wire.js";

/** The proxy handle. */
export interface DropProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>`, for the client's `baseUrl`. */
  readonly baseUrl: string;
  /** Calls seen per RPC name (every attempt counts). */
  readonly calls: ReadonlyMap<string, number>;
  /** Connections dropped so far. */
  readonly drops: number;
  /** Emits `drop` (method) after each drop. */
  readonly events: EventEmitter;
  /** Drops the connection after the upstream answered the next `count` calls of `method`. */
  dropAfterAnswer(method: string, count?: number): void;
  close(): Promise<void>;
}

interface Buffered {
  headers: http2.IncomingHttpHeaders;
  data: Buffer[];
  trailers: http2.IncomingHttpHeaders | undefined;
}

// Pseudo-headers and hop-by-hop names that Node sets itself or refuses to forward.
const skipRequest = new Set([":scheme", ":authority", ":method", ":path"]);

function strip(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!k.startsWith(":") && v !== undefined) out[k] = v;
  }
  return out;
}

/** Starts a proxy on 127.0.0.1:0 forwarding every call to `targetUrl` (an `http://` emulator URL). */
export async function startDropProxy(targetUrl: string): Promise<DropProxy> {
  const events = new EventEmitter();
  const calls = new Map<string, number>();
  const pendingDrops = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  let drops = 0;
  const upstream = http2.connect(targetUrl);
  upstream.on("error", () => {});

  const server = http2.createServer();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  server.on("session", (s) => s.on("error", () => {}));
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    const method = methodOf(headers[":path"]);
    calls.set(method, (calls.get(method) ?? 0) + 1);
    const request = upstream.request({
      ":method": headers[":method"] ?? "POST",
      ":path": headers[":path"] ?? "/",
      ...Object.fromEntries(Object.entries(strip(headers)).filter(([k]) => !skipRequest.has(k))),
    });
    request.on("error", () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.pipe(request);
    const answer: Buffered = { headers: {}, data: [], trailers: undefined };
    request.on("response", (h) => (answer.headers = h));
    request.on("data", (chunk: Buffer) => answer.data.push(chunk));
    request.on("trailers", (t) => (answer.trailers = t));
    // Only once the upstream's whole answer is in do we know the call was processed.
    request.on("end", () => {
      const left = pendingDrops.get(method) ?? 0;
      if (left > 0) {
        pendingDrops.set(method, left - 1);
        drops++;
        // A raw socket teardown: no GOAWAY, no RST_STREAM, no status — as if the network went away.
        for (const s of sockets) s.destroy();
        events.emit("drop", method);
        return;
      }
      replay(stream, answer);
    });
  });

  server.listen(0, "127.0.0.1");
  await EventEmitter.once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    get drops() {
      return drops;
    },
    events,
    dropAfterAnswer(method, count = 1) {
      pendingDrops.set(method, (pendingDrops.get(method) ?? 0) + count);
    },
    close() {
      for (const s of sockets) s.destroy();
      upstream.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function replay(stream: http2.ServerHttp2Stream, answer: Buffered): void {
  if (stream.destroyed) return;
  const headers = { ":status": answer.headers[":status"] ?? 200, ...strip(answer.headers) };
  const trailers = answer.trailers;
  if (!trailers) {
    stream.respond(headers, { endStream: answer.data.length === 0 });
    if (answer.data.length > 0) stream.end(Buffer.concat(answer.data));
    return;
  }
  stream.respond(headers, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers(strip(trailers)));
  stream.end(Buffer.concat(answer.data));
}
