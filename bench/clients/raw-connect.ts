// connect-es on our generated types over connect-node's gRPC transport, no facade: the transport under
// facade-connect, so the difference between the two is the facade's own cost. Written the way connect's
// docs write a client: an interceptor adds the key.
import { fromBinary } from "@bufbuild/protobuf";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { PostTasksRequestSchema, V2 } from "../../gen/clarifai/api/service_pb.js";
import type { Target } from "../workloads.js";
import { BenchCallError, SUCCESS, type BenchClient, type ClientConfig } from "./types.js";

/** Connects a raw connect-es client to the target. */
export async function connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
  const authorization = `Key ${target.pat}`;
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", authorization);
    return next(req);
  };
  const sessionManager = new Http2SessionManager(target.baseUrl);
  // connect-node advertises gzip and br by default; an empty list asks for uncompressed answers.
  const acceptCompression = config.accept === "identity" ? { acceptCompression: [] } : {};
  const client = createClient(V2, createGrpcTransport({ baseUrl: target.baseUrl, sessionManager, interceptors: [auth], ...acceptCompression }));
  const userAppId = { userId: target.userId, appId: target.appId };
  const post = fromBinary(PostTasksRequestSchema, Buffer.from(target.postRequestB64, "base64"));
  const task = post.tasks[0]!;
  const check = (status: { code: number } | undefined) => {
    if (status?.code !== SUCCESS) throw new BenchCallError(`status ${status?.code}`);
  };
  return {
    async getTask() {
      check((await client.getTask({ userAppId, taskId: target.taskId })).status);
    },
    async postTasks() {
      check((await client.postTasks({ userAppId: post.userAppId, tasks: [task] })).status);
    },
    async listTasks() {
      const res = await client.listTasks({ userAppId, perPage: 128 });
      check(res.status);
      return res.tasks.length;
    },
    async close() {
      sessionManager.abort();
    },
  };
}
