// Hostile servers on loopback, one per failure mode that connect-node and grpc-js have open hang or crash
// reports about. Each listens on 127.0.0.1:0, counts what it saw, and exposes events to wait on (tests
// must not sleep), and `close()` destroys every socket so nothing outlives a test.
import { EventEmitter, once } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";

/** What every hostile server offers the tests. */
export interface HostileServer {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** `http://127.0.0.1:<port>`, for the client's `baseUrl`. */
  readonly baseUrl: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Emits `connection` (net.Socket) and, for HTTP/2 servers, `session` and `stream`. */
  readonly events: EventEmitter;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

async function listen(server: net.Server | http2.Http2Server, port = 0): Promise<number> {
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function closeServer(server: net.Server | http2.Http2Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A raw TCP server; `onSocket` decides what (if anything) it ever writes. */
function startTcp(onSocket: (socket: net.Socket) => void): Promise<HostileServer> {
  const events = new EventEmitter();
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A reset from the client is expected (it gives up); it must not become an uncaught 'error'.
    socket.on("error", () => {});
    onSocket(socket);
    events.emit("connection", socket);
  });
  return listen(server).then((port) => ({
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    events,
    close: () => closeServer(server, sockets),
  }));
}

/** Accepts TCP and reads everything, but never writes a byte: no HTTP/2 preface, no SETTINGS. */
export function startSilentTcpServer(): Promise<HostileServer> {
  return startTcp((socket) => socket.resume());
}

/** An empty SETTINGS frame: the HTTP/2 server preface (length 0, type 4, flags 0, stream 0). */
export const SETTINGS_FRAME = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

/**
 * Sends the HTTP/2 server preface (one SETTINGS frame) and then nothing: it never acknowledges the
 * client's SETTINGS, never answers a stream, never closes.
 */
export function startSettingsThenSilenceServer(): Promise<HostileServer> {
  return startTcp((socket) => {
    socket.write(SETTINGS_FRAME);
    socket.resume();
  });
}

/** Sends whatever `bytes(n)` returns for the n-th connection (0-based), then keeps or closes it. */
export function startRawBytesServer(bytes: (n: number) => { data: Uint8Array; then: "hold" | "end" | "destroy" }): Promise<HostileServer> {
  let n = 0;
  return startTcp((socket) => {
    const { data, then } = bytes(n++);
    socket.resume();
    socket.write(data, () => {
      if (then === "end") socket.end();
      else if (then === "destroy") socket.destroy();
    });
  });
}

/** An HTTP/2 server whose streams are handled by `onStream`; it tracks sessions so `close()` can kill them. */
export interface H2HostileServer extends HostileServer {
  /** Sessions currently open. */
  readonly sessions: ReadonlySet<http2.ServerHttp2Session>;
  /** Streams received so far, over all sessions. */
  readonly streams: number;
}

/** Starts a plaintext HTTP/2 server (h2c, what the client speaks to `http://`) with a stream handler. */
export function startH2Server(
  onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, session: http2.ServerHttp2Session) => void,
): Promise<H2HostileServer> {
  const events = new EventEmitter();
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let connections = 0;
  let streams = 0;
  const server = http2.createServer();
  server.on("connection", (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    events.emit("connection", socket);
  });
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    // Clients that give up reset their streams and sessions; that is the point, not a server failure.
    session.on("error", () => {});
    events.emit("session", session);
  });
  server.on("stream", (stream, headers) => {
    streams++;
    stream.on("error", () => {});
    onStream(stream, headers, stream.session as http2.ServerHttp2Session);
    events.emit("stream", stream, headers);
  });
  return listen(server).then((port) => ({
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get streams() {
      return streams;
    },
    sessions,
    events,
    close: () => {
      for (const s of sessions) s.destroy();
      return closeServer(server, sockets);
    },
  }));
}

/** Closes every stream with RST_STREAM(NO_ERROR) before sending any header: "done", yet no answer at all. */
export function startRstNoErrorServer(): Promise<H2HostileServer> {
  return startH2Server((stream) => stream.close(http2.constants.NGHTTP2_NO_ERROR));
}

/** Resolves with the next `stream` the server receives. */
export function nextStream(server: HostileServer): Promise<http2.ServerHttp2Stream> {
  return once(server.events, "stream").then(([stream]) => stream as http2.ServerHttp2Stream);
}

/** Resolves once the server has received `count` streams in total (counting those already received). */
export function streamsReceived(server: H2HostileServer, count: number): Promise<void> {
  if (server.streams >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (server.streams >= count) {
        server.events.off("stream", check);
        resolve();
      }
    };
    server.events.on("stream", check);
  });
}

/** Resolves with the next TCP connection the server accepts. */
export function nextConnection(server: HostileServer): Promise<net.Socket> {
  return once(server.events, "connection").then(([socket]) => socket as net.Socket);
}

/** An HTTP/2 frame: its 9-byte header (length, type, flags, stream id) and payload. */
export function h2Frame(type: number, flags: number, streamId: number, payload: Uint8Array = new Uint8Array()): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}

/** A 4-byte big-endian number, the payload of RST_STREAM and part of GOAWAY's. */
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** A GOAWAY frame (type 7, stream 0): the last stream the sender processed, and its error code. */
export function goawayFrame(lastStreamId: number, errorCode: number = http2.constants.NGHTTP2_NO_ERROR): Buffer {
  return h2Frame(7, 0, 0, Buffer.concat([u32(lastStreamId), u32(errorCode)]));
}

/** An RST_STREAM frame (type 3) ending `streamId` with this error code. */
export function rstStreamFrame(streamId: number, errorCode: number): Buffer {
  return h2Frame(3, 0, streamId, u32(errorCode));
}

/** An HPACK integer with an `n`-bit prefix, its first byte or'ed with `flags` (RFC 7541 §5.1). */
function hpackInteger(value: number, n: number, flags = 0): number[] {
  const max = (1 << n) - 1;
  if (value < max) return [flags | value];
  const out = [flags | max];
  for (value -= max; value >= 128; value >>= 7) out.push((value & 127) | 128);
  out.push(value);
  return out;
}

/**
 * A HEADERS frame (type 1, END_HEADERS, and END_STREAM when `endStream`) carrying `headers` in this
 * order, each as an HPACK literal without indexing and without Huffman coding, pseudo-headers
 * included: exactly these fields, and nothing Node's own `respond()` would add (a `date`).
 */
export function headersFrame(streamId: number, headers: readonly (readonly [string, string])[], endStream = false): Buffer {
  const block = headers.flatMap(([name, value]) => {
    const [n, v] = [Buffer.from(name, "latin1"), Buffer.from(value, "latin1")];
    return [0, ...hpackInteger(n.length, 7), ...n, ...hpackInteger(v.length, 7), ...v];
  });
  return h2Frame(1, 4 | (endStream ? 1 : 0), streamId, Buffer.from(block));
}

/** One frame the client sent, as {@link speakFrames} hands it over (SETTINGS and PINGs it has acknowledged). */
export interface ClientFrame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

const CLIENT_PREFACE_LENGTH = 24;

/**
 * Speaks HTTP/2 frame by frame on `socket` as a server: the SETTINGS preface, the ACK of the client's
 * SETTINGS, and — unless `onFrame` returns `"answered"` for it — the ACK of each PING. Every frame the
 * client sends after its preface goes to `onFrame`, which writes whatever else the server says.
 */
export function speakFrames(socket: net.Socket, onFrame: (frame: ClientFrame) => "answered" | void): void {
  socket.write(SETTINGS_FRAME);
  let pending = Buffer.alloc(0);
  let prefaceSeen = false;
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    if (!prefaceSeen) {
      if (pending.length < CLIENT_PREFACE_LENGTH) return;
      pending = pending.subarray(CLIENT_PREFACE_LENGTH);
      prefaceSeen = true;
    }
    while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
      const length = pending.readUIntBE(0, 3);
      const frame: ClientFrame = { type: pending[3]!, flags: pending[4]!, streamId: pending.readUInt32BE(5) & 0x7fffffff, payload: pending.subarray(9, 9 + length) };
      pending = pending.subarray(9 + length);
      const isAck = (frame.flags & 1) !== 0;
      if (frame.type === 4 && !isAck) socket.write(h2Frame(4, 1, 0));
      const answered = onFrame(frame);
      if (frame.type === 6 && !isAck && answered !== "answered") socket.write(h2Frame(6, 1, 0, frame.payload));
    }
  });
}

/**
 * A server that speaks HTTP/2 frame by frame (see {@link speakFrames}): `onFrame` gets each frame of a
 * client and the socket it came on, to answer it byte by byte.
 */
export function startFrameServer(onFrame: (frame: ClientFrame, socket: net.Socket) => "answered" | void): Promise<HostileServer> {
  return startTcp((socket) => speakFrames(socket, (frame) => onFrame(frame, socket)));
}

/** Options of {@link startRawGoawayServer}. */
export interface RawGoawayOptions {
  /** The last-stream-id the GOAWAY carries. Default 0: "I processed none of your streams". */
  readonly lastStreamId?: number;
  /** The GOAWAY goes out once this many requests (HEADERS frames) have arrived on the connection. Default 1. */
  readonly after?: number;
  /** How many connections, from the first, behave so. Default 1; `Infinity` for all. */
  readonly hostileConnections?: number;
  /** Handles the streams of the later connections, which a real HTTP/2 server serves. */
  readonly onStream?: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;
}

/**
 * A server whose first connections speak HTTP/2 frame by frame: SETTINGS, the ACK of the client's
 * SETTINGS and of its PINGs, and — once enough requests have arrived — a GOAWAY(NO_ERROR) with a
 * chosen last-stream-id. Then silence: no RST_STREAM, no answer, the connection stays open. Node's
 * own `session.goaway(code, 0)` cannot send this: Node replaces a last-stream-id of 0 with the last
 * stream it processed. Later connections are served by a real HTTP/2 server with `onStream`
 * (through a pass-through proxy). `streams` counts requests on both kinds of connection, and each emits
 * `stream`; `connections` counts the connections the client made.
 */
export async function startRawGoawayServer(options: RawGoawayOptions = {}): Promise<H2HostileServer> {
  const { lastStreamId = 0, after = 1, hostileConnections = 1, onStream } = options;
  let rawRequests = 0;
  const healthy = await startH2Server((stream, headers) => onStream?.(stream, headers));
  const raw = await startTcp((socket) => {
    if (raw.connections > hostileConnections) {
      // Passed through to the real server, byte for byte.
      const upstream = net.connect(healthy.port, "127.0.0.1");
      upstream.on("error", () => socket.destroy());
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
      return;
    }
    let requests = 0;
    speakFrames(socket, ({ type }) => {
      if (type !== 1) return;
      rawRequests++;
      raw.events.emit("stream");
      if (++requests === after) socket.write(goawayFrame(lastStreamId));
    });
  });
  healthy.events.on("stream", (...args: unknown[]) => raw.events.emit("stream", ...args));
  return {
    port: raw.port,
    baseUrl: raw.baseUrl,
    get connections() {
      return raw.connections;
    },
    get streams() {
      return rawRequests + healthy.streams;
    },
    sessions: healthy.sessions,
    events: raw.events,
    close: async () => {
      await Promise.all([raw.close(), healthy.close()]);
    },
  };
}
