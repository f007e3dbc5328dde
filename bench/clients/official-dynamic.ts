// The official dynamic stub, i.e. what `ClarifaiStub.grpc()` returns (proto-loader + grpc-js,
// upstream's protos parsed at import). `grpc()` only dials TLS to the cloud, so we take the client class
// it builds (same package definition, same channel options) and point it at the emulator without TLS.
import { createRequire } from "node:module";
import type * as GrpcJs from "@grpc/grpc-js";
import type { Target } from "../workloads.js";
import { BenchCallError, BenchUnsupported, GRPC_JS_ACCEPTS_GZIP, SUCCESS, type BenchClient, type ClientConfig } from "./types.js";

type Callback = (error: GrpcJs.ServiceError | null, response: any) => void;
type Method = (request: object, metadata: GrpcJs.Metadata, callback: Callback) => GrpcJs.ClientUnaryCall;
type Stub = GrpcJs.Client & Record<"GetTask" | "PostTasks" | "ListTasks", Method>;
type StubClass = (new (address: string, credentials: GrpcJs.ChannelCredentials, options: object) => Stub) & {
  service: Record<string, GrpcJs.MethodDefinition<any, any>>;
};

const require = createRequire(import.meta.url);
// The import users write; this is where upstream's ~350 KB of proto is parsed.
const { ClarifaiStub, grpc } = require("clarifai-nodejs-grpc") as {
  ClarifaiStub: { grpc(base?: string): Stub };
  grpc: typeof GrpcJs;
};

/** Connects the official dynamic stub to the target. */
export async function connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
  if (config.accept === "identity") throw new BenchUnsupported(GRPC_JS_ACCEPTS_GZIP);
  // grpc-js dials lazily: this cloud-bound stub is never connected, it only hands us its class.
  const probe = ClarifaiStub.grpc();
  const V2 = probe.constructor as StubClass;
  probe.close();
  const stub = new V2(target.address, grpc.credentials.createInsecure(), {
    // ClarifaiStub's own channel options.
    "grpc.max_receive_message_length": 1024 * 1024 * 1024,
    "grpc.max_send_message_length": 1024 * 1024 * 1024,
  });
  // As in the official docs: one Metadata with the key, reused for every call.
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Key ${target.pat}`);
  const post = V2.service.PostTasks!.requestDeserialize(Buffer.from(target.postRequestB64, "base64")) as {
    user_app_id: object;
    tasks: object[];
  };
  const task = post.tasks[0]!;
  const user_app_id = { user_id: target.userId, app_id: target.appId };
  const call = (method: "GetTask" | "PostTasks" | "ListTasks", request: object) =>
    new Promise<any>((resolve, reject) => {
      stub[method](request, metadata, (error, response) => {
        if (error) reject(error);
        else if (response?.status?.code !== SUCCESS) reject(new BenchCallError(`status ${response?.status?.code}`));
        else resolve(response);
      });
    });
  return {
    async getTask() {
      await call("GetTask", { user_app_id, task_id: target.taskId });
    },
    async postTasks() {
      await call("PostTasks", { user_app_id: post.user_app_id, tasks: [task] });
    },
    async listTasks() {
      return ((await call("ListTasks", { user_app_id, per_page: 128 })).tasks as unknown[]).length;
    },
    async close() {
      stub.close();
    },
  };
}
