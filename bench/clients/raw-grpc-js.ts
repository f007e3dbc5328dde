// grpc-js with protobuf-es codecs on our generated types, no facade: the transport under facade-grpc-js,
// so the difference between the two is the facade's own cost. Written as grpc-js documents a client
// without generated stubs: `makeUnaryRequest` with a serializer and a deserializer per method, and one
// Metadata carrying the key.
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { PostTasksRequestSchema, V2 } from "../../gen/clarifai/api/service_pb.js";
import type { Target } from "../workloads.js";
import { BenchCallError, BenchUnsupported, GRPC_JS_ACCEPTS_GZIP, SUCCESS, type BenchClient, type ClientConfig } from "./types.js";

/** Connects a raw grpc-js client to the target. */
export async function connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
  if (config.accept === "identity") throw new BenchUnsupported(GRPC_JS_ACCEPTS_GZIP);
  const client = new grpc.Client(target.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Key ${target.pat}`);
  const call = <I extends DescMessage, O extends DescMessage>(method: { name: string; input: I; output: O }, init: MessageInitShape<I>) =>
    new Promise<MessageShape<O>>((resolve, reject) => {
      client.makeUnaryRequest(
        `/${V2.typeName}/${method.name}`,
        (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
        (bytes: Buffer) => fromBinary(method.output, bytes),
        create(method.input, init),
        metadata,
        (error, response) => {
          if (error) return reject(error);
          const status = (response as { status?: { code: number } }).status;
          if (status?.code !== SUCCESS) reject(new BenchCallError(`status ${status?.code}`));
          else resolve(response!);
        },
      );
    });
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
      client.close();
    },
  };
}
