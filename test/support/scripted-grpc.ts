// A gRPC server scripted per request, for tests of what the client does with each kind of answer: a
// message, a gRPC status (trailers-only or after headers), a reset stream, a connection torn down, or
// nothing at all. Plain node:http2 and hand-built frames, so any answer can be given exactly; every
// request is recorded (method and headers, in order) so tests count attempts on the server's side.
import { create, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import type { IncomingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { gzipSync } from "node:zlib";
import { BaseResponseSchema } from "../../gen/clarifai/api/status/status_pb.js";
import type { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { grpcFrame, methodOf } from "./hostile/grpc-wire.js";
import { startH2Server, type H2HostileServer } from "./hostile/servers.js";

/** One request as the server saw it. */
export interface SeenRequest {
  /** RPC name, e.g. `GetTask`. */
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** 1 for the first request of this method, 2 for the second, … */
  readonly n: number;
}

/** How to answer one request. */
export type Reply =
  /**
   * A gRPC OK carrying these message bytes; `compressed` sends them gzipped (compressed flag set), with
   * `grpc-encoding: <encoding>` unless `encoding` is `undefined`, and `corrupt` cuts the gzip data short.
   */
  | { readonly message: Uint8Array; readonly compressed?: { readonly encoding: string | undefined; readonly corrupt?: boolean } }
  /** A gRPC failure status; `afterHeaders` sends it as trailers after a headers frame. */
  | { readonly grpcStatus: number; readonly grpcMessage?: string; readonly afterHeaders?: boolean; readonly metadata?: Record<string, string> }
  /** Resets the stream with this HTTP/2 error code (e.g. `constants.NGHTTP2_REFUSED_STREAM`). */
  | { readonly rstStream: number }
  /** Sends a TCP RST: the client sees ECONNRESET. */
  | "reset-connection"
  /** Never answers. */
  | "hang";

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Every request so far, in order. */
  readonly seen: readonly SeenRequest[];
  /** Requests of one method so far. */
  count(method: string): number;
  /** The underlying server (connections, sessions, events). */
  readonly raw: H2HostileServer;
  close(): Promise<void>;
}

/** The bytes of a response whose `status` (field 1 of every V2 response) has this code. */
export function statusMessage(code: StatusCode, status: { description?: string; details?: string; developerNotes?: string; reqId?: string } = {}): Uint8Array {
  return toBinary(BaseResponseSchema, create(BaseResponseSchema, { status: { code, ...status } }));
}

/** The bytes of a response of any schema. */
export function messageOf<S extends DescMessage>(schema: S, init: MessageInitShape<S>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

/** `grpc-message` as the gRPC spec encodes it: percent-encoding for `%` and bytes outside 0x20–0x7E only. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, "utf8")].map((b) => (b < 0x20 || b > 0x7e || b === 0x25 ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b))).join("");
}

function answer(stream: ServerHttp2Stream, reply: Reply): void {
  if (reply === "hang") return;
  if (reply === "reset-connection") {
    (stream.session?.socket as unknown as { resetAndDestroy?: () => void } | undefined)?.resetAndDestroy?.();
    return;
  }
  if ("rstStream" in reply) {
    stream.close(reply.rstStream);
    return;
  }
  if ("message" in reply) {
    const { compressed } = reply;
    const encoding = compressed?.encoding === undefined ? {} : { "grpc-encoding": compressed.encoding };
    stream.respond({ ":status": 200, "content-type": "application/grpc+proto", ...encoding }, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    if (compressed === undefined) {
      stream.end(grpcFrame(reply.message));
    } else {
      const zipped = gzipSync(reply.message);
      stream.end(grpcFrame(compressed.corrupt ? zipped.subarray(0, zipped.length >> 1) : zipped, { flag: 1 }));
    }
    return;
  }
  const status = { "grpc-status": String(reply.grpcStatus), "grpc-message": percentEncode(reply.grpcMessage ?? ""), ...reply.metadata };
  if (reply.afterHeaders) {
    stream.respond({ ":status": 200, "content-type": "application/grpc+proto" }, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers(status));
    stream.end();
  } else {
    stream.respond({ ":status": 200, "content-type": "application/grpc+proto", ...status }, { endStream: true });
  }
}

/** Starts a server that answers each request with `script(request)`, once the request has fully arrived. */
export async function startScriptedServer(script: (request: SeenRequest) => Reply): Promise<ScriptedServer> {
  const seen: SeenRequest[] = [];
  const count = (method: string) => seen.filter((r) => r.method === method).length;
  const raw = await startH2Server((stream, headers) => {
    const method = methodOf(headers[":path"]);
    const request: SeenRequest = { method, headers, n: count(method) + 1 };
    seen.push(request);
    stream.resume();
    stream.once("end", () => answer(stream, script(request)));
  });
  return { baseUrl: raw.baseUrl, seen, count, raw, close: () => raw.close() };
}

export { closedPort } from "./closed-port.js";
