// The socket side of the emulator: HTTP/2 (cleartext h2c, or TLS with ALPN) that also accepts
// HTTP/1.1, so gRPC, gRPC-web, Connect and REST clients — and plain curl — all reach the same routes.
import http from "node:http";
import http2 from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import type { connectNodeAdapter } from "@connectrpc/connect-node";

/** The request handler connect-node builds (works for HTTP/1.1 and HTTP/2 alike). @internal */
export type RequestHandler = ReturnType<typeof connectNodeAdapter>;

/** What {@link listen} needs. @internal */
export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer } | undefined;
  readonly closeGraceMs: number;
}

/** A listening server and how to stop it. @internal */
export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

// Every HTTP/2 connection opens with this preface; HTTP/1.1 starts with a method name, never "PRI".
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/**
 * Which protocol a cleartext connection speaks, from its first bytes: `undefined` while they are still
 * a prefix of the HTTP/2 preface (a lone "P" may yet become "POST" or "PRI"). @internal
 */
export function protocolOf(head: Uint8Array): "http2" | "http1" | undefined {
  const n = Math.min(head.length, H2_PREFACE.length);
  if (!Buffer.from(head.buffer, head.byteOffset, n).equals(H2_PREFACE.subarray(0, n))) return "http1";
  return head.length >= H2_PREFACE.length ? "http2" : undefined;
}

/**
 * Listens on `host:port` (port 0 picks a free one) and resolves once bound.
 *
 * With TLS, ALPN picks HTTP/2 or HTTP/1.1 (`allowHTTP1`). In cleartext, Node 20's `http2.createServer`
 * speaks only HTTP/2, so a plain TCP server looks at the first bytes of each connection and hands it
 * to an HTTP/2 or an HTTP/1.1 server; both run the same handler.
 *
 * `close()` stops accepting, asks every HTTP/2 session to finish (GOAWAY: calls in flight complete),
 * and after `closeGraceMs` destroys whatever is still open, so a client that never lets go cannot keep
 * the port (or a test run) alive. It resolves when the port is free; calling it again returns the
 * same promise.
 * @internal
 */
export async function listen(handler: RequestHandler, options: ListenOptions): Promise<Listening> {
  let closing = false;
  const sockets = new Set<Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  // HTTP/1.1 sockets (cleartext) with the number of requests in flight on each: idle ones can be
  // closed at once, busy ones right after their response.
  const http1Busy = new Map<Socket, number>();
  // Cleartext sockets handed to the HTTP/2 server (their sessions are closed through `sessions`).
  const http2Sockets = new WeakSet<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      http1Busy.delete(socket);
    });
    // A peer that resets the connection must not bring the emulator down.
    socket.on("error", () => socket.destroy());
  };
  const onSession = (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    session.on("error", () => session.destroy());
    if (closing) session.close();
  };

  let server: net.Server;
  if (options.tls) {
    const secure = http2.createSecureServer({ key: options.tls.key, cert: options.tls.cert, allowHTTP1: true }, handler);
    secure.on("connection", track);
    secure.on("session", onSession);
    server = secure;
  } else {
    const h2 = http2.createServer({}, handler);
    h2.on("session", onSession);
    const h1 = http.createServer(handler);
    h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket;
      http1Busy.set(socket, (http1Busy.get(socket) ?? 0) + 1);
      res.once("close", () => {
        const left = (http1Busy.get(socket) ?? 1) - 1;
        http1Busy.set(socket, left);
        if (closing && left === 0) socket.destroy();
      });
    });
    server = net.createServer((socket) => {
      track(socket);
      // Reads until the first bytes tell the protocols apart: a segment of only "P" (or "PR…") could
      // still be either, and handing it over too early sent such an HTTP/1.1 request to the HTTP/2
      // server, which never answered it.
      let head = Buffer.alloc(0);
      const sniff = () => {
        const chunk = socket.read() as Buffer | null;
        if (chunk === null) {
          // Closed before sending enough to decide; otherwise wait for the next bytes.
          if (!socket.readableEnded && !socket.destroyed) socket.once("readable", sniff);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const protocol = protocolOf(head);
        if (protocol === undefined) {
          socket.once("readable", sniff);
          return;
        }
        // Put the bytes back so the chosen server parses the connection from its first byte.
        socket.unshift(head);
        if (protocol === "http2") {
          http2Sockets.add(socket);
          h2.emit("connection", socket);
        } else {
          http1Busy.set(socket, 0);
          h1.emit("connection", socket);
        }
      };
      socket.once("readable", sniff);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve, reject) => {
      closing = true;
      const timer = setTimeout(() => {
        for (const s of sessions) s.destroy();
        for (const s of sockets) s.destroy();
      }, options.closeGraceMs);
      // The timer only bounds the wait; it must not hold the process open by itself.
      timer.unref();
      server.close((err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
      for (const s of sessions) s.close();
      // Cleartext: idle HTTP/1.1 connections, and connections that have not sent a byte yet, have
      // nothing to finish. (With TLS, sockets are left to their sessions and the grace timer.)
      if (!options.tls) {
        for (const socket of sockets) {
          if (!http2Sockets.has(socket) && !(http1Busy.get(socket) ?? 0)) socket.destroy();
        }
      }
    }));
  return { port, close };
}
