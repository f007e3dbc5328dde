// A gRPC unary call written by hand on node:http2, with connect-node's public Http2SessionManager for the
// connection and protobuf-es for the messages, no facade: what the facade's default ("connect")
// transport runs on since its lean unary path, so the difference between the two is the facade's own
// cost. One stream, one frame out, one frame in, the status from the trailers.
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Http2SessionManager } from "@connectrpc/connect-node";
import type { IncomingHttpHeaders } from "node:http2";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { PostTasksRequestSchema, V2 } from "../../gen/clarifai/api/service_pb.js";
import type { Target } from "../workloads.js";
import { BenchCallError, SUCCESS, type BenchClient, type ClientConfig } from "./types.js";

const inflate = promisify(gunzip);

/** Connects a raw HTTP/2 gRPC client to the target. It advertises nothing unless asked for gzip, like the facade. */
export async function connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
  const sessions = new Http2SessionManager(target.baseUrl);
  const headers = {
    "content-type": "application/grpc+proto",
    te: "trailers",
    authorization: `Key ${target.pat}`,
    ...(config.accept === "gzip" ? { "grpc-accept-encoding": "gzip" } : {}),
  };
  const call = async <I extends DescMessage, O extends DescMessage>(method: { name: string; input: I; output: O }, init: MessageInitShape<I>) => {
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
    const message = fromBinary(method.output, (body[0]! & 1) === 1 ? await inflate(payload) : payload) as MessageShape<O>;
    const status = (message as { status?: { code: number } }).status;
    if (status?.code !== SUCCESS) throw new BenchCallError(`status ${status?.code}`);
    return message;
  };
  const userAppId = { userId: target.userId, appId: target.appId };
  const post = fromBinary(PostTasksRequestSchema, Buffer.from(target.postRequestB64, "base64"));
  const task = post.tasks[0]!;
  return {
    async getTask() {
      await call(V2.method.getTask, { userAppId, taskId: target.taskId });
    },
    async postTasks() {
      await call(V2.method.postTasks, { userAppId: post.userAppId, tasks: [task] });
    },
    async listTasks() {
      return (await call(V2.method.listTasks, { userAppId, perPage: 128 })).tasks.length;
    },
    async close() {
      sessions.abort();
    },
  };
}
