// A gRPC unary call written by hand on node:http2, with connect-node's public Http2SessionManager for the
// connection and protobuf-es for the messages, no facade: what the facade's default ("connect")
// transport runs on since its lean unary path, so the difference between the two is the facade's own
// cost. One stream, one frame out, one frame in, the status from the trailers. Its connection is kept
// as the default transport keeps its own (the same keepalive PINGs, whose timers the session manager
// re-arms on every answer): that is the connection's cost, not the facade's.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Http2SessionManager } from "@connectrpc/connect-node";
import type { IncomingHttpHeaders } from "node:http2";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { KEEPALIVE } from "../../src/transports/keepalive.js";
import type { Target } from "../workloads.js";
import { BenchCallError, type BenchClient, type ClientConfig } from "./types.js";
import { checkStatus, unaryWorkloads, type UnaryCall } from "./unary.js";

const inflate = promisify(gunzip);

/** Connects a raw HTTP/2 gRPC client to the target. It advertises nothing unless asked for gzip, like the facade. */
export async function connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
  const sessions = new Http2SessionManager(target.baseUrl, { ...KEEPALIVE });
  const headers = {
    "content-type": "application/grpc+proto",
    te: "trailers",
    authorization: `Key ${target.pat}`,
    ...(config.accept === "gzip" ? { "grpc-accept-encoding": "gzip" } : {}),
  };
  const call: UnaryCall = async (method, init) => {
    const bytes = toBinary(method.input, create(method.input, init));
    const frame = Buffer.allocUnsafe(5 + bytes.length);
    frame[0] = 0;
    frame.writeUInt32BE(bytes.length, 1);
    frame.set(bytes, 5);
    const stream = await sessions.request("POST", `/${V2.typeName}/${method.name}`, headers, {});
    const { head, trailers, body } = await new Promise<{ head: IncomingHttpHeaders; trailers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let head: IncomingHttpHeaders = {};
      let trailers: IncomingHttpHeaders = {};
      stream.once("response", (h) => (head = h));
      stream.once("trailers", (t) => (trailers = t));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.once("error", reject);
      stream.once("end", () => resolve({ head, trailers, body: Buffer.concat(chunks) }));
      stream.end(frame);
    });
    // A trailers-only answer carries its status in the headers.
    const grpcStatus = trailers["grpc-status"] ?? head["grpc-status"];
    if (grpcStatus !== "0") throw new BenchCallError(`grpc-status ${grpcStatus} ${trailers["grpc-message"] ?? head["grpc-message"] ?? ""}`);
    const length = body.readUInt32BE(1);
    const payload = body.subarray(5, 5 + length);
    const message = fromBinary(method.output, (body[0]! & 1) === 1 ? await inflate(payload) : payload);
    checkStatus(message);
    return message;
  };
  return unaryWorkloads(target, call, () => sessions.abort());
}
