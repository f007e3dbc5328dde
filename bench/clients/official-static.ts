// The official static stubs (protoc-generated `service_grpc_pb` + google-protobuf messages),
// with the grpc-js those stubs resolve themselves.
import { createRequire } from "node:module";
import type * as GrpcJs from "@grpc/grpc-js";
import type { Target } from "../workloads.js";
import { BenchCallError, BenchUnsupported, GRPC_JS_ACCEPTS_GZIP, SUCCESS, type BenchClient, type ClientConfig } from "./types.js";

// google-protobuf messages, typed only as far as the adapter uses them.
interface Msg {
  [setter: string]: any;
}
type MsgClass = (new () => Msg) & { deserializeBinary(bytes: Uint8Array): Msg };
type Callback = (error: GrpcJs.ServiceError | null, response: Msg) => void;
type Method = (request: Msg, metadata: GrpcJs.Metadata, callback: Callback) => GrpcJs.ClientUnaryCall;
type V2Client = GrpcJs.Client & Record<"getTask" | "postTasks" | "listTasks", Method>;

const require = createRequire(import.meta.url);
const stubsPath = require.resolve("clarifai-nodejs-grpc/proto/clarifai/api/service_grpc_pb");
const services = require(stubsPath) as { V2Client: new (address: string, credentials: GrpcJs.ChannelCredentials) => V2Client };
const service = require("clarifai-nodejs-grpc/proto/clarifai/api/service_pb") as Record<string, MsgClass>;
const resources = require("clarifai-nodejs-grpc/proto/clarifai/api/resources_pb") as Record<string, MsgClass>;
const grpc = createRequire(stubsPath)("@grpc/grpc-js") as typeof GrpcJs;

/** Connects the official static stubs to the target. */
export async function connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
  if (config.accept === "identity") throw new BenchUnsupported(GRPC_JS_ACCEPTS_GZIP);
  const client = new services.V2Client(target.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Key ${target.pat}`);
  const post = service.PostTasksRequest!.deserializeBinary(Buffer.from(target.postRequestB64, "base64"));
  const task = post.getTasksList()[0] as Msg;
  const userAppId = () => {
    const ids = new resources.UserAppIDSet!();
    ids.setUserId(target.userId);
    ids.setAppId(target.appId);
    return ids;
  };
  const call = (method: "getTask" | "postTasks" | "listTasks", request: Msg) =>
    new Promise<Msg>((resolve, reject) => {
      client[method](request, metadata, (error, response) => {
        if (error) return reject(error);
        const code = response.getStatus()?.getCode();
        if (code !== SUCCESS) reject(new BenchCallError(`status ${code}`));
        else resolve(response);
      });
    });
  return {
    async getTask() {
      const request = new service.GetTaskRequest!();
      request.setUserAppId(userAppId());
      request.setTaskId(target.taskId);
      await call("getTask", request);
    },
    async postTasks() {
      const request = new service.PostTasksRequest!();
      request.setUserAppId(post.getUserAppId());
      request.setTasksList([task]);
      await call("postTasks", request);
    },
    async listTasks() {
      const request = new service.ListTasksRequest!();
      request.setUserAppId(userAppId());
      request.setPerPage(128);
      return (await call("listTasks", request)).getTasksList().length;
    },
    async close() {
      client.close();
    },
  };
}
