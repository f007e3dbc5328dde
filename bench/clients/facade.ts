// Clients 1 and 2: our facade (`ClarifaiClient`) on each of its transports, imported from the package's
// public entry point, as a user imports it (so cold start and memory count what a user loads).
import { fromBinary } from "@bufbuild/protobuf";
import { ClarifaiClient, PostTasksRequestSchema } from "../../src/index.js";
import type { Target } from "../workloads.js";
import type { BenchClient, ClientModule } from "./types.js";

function module(transport: "connect" | "grpc-js"): ClientModule {
  return {
    async connect(target: Target): Promise<BenchClient> {
      const client = new ClarifaiClient({ pat: target.pat, userId: target.userId, appId: target.appId, baseUrl: target.baseUrl, transport });
      const post = fromBinary(PostTasksRequestSchema, Buffer.from(target.postRequestB64, "base64"));
      const task = post.tasks[0]!;
      // PostTasks writes to its own app (so the ListTasks page never changes): a per-call scope, one connection.
      const writeOptions = { userAppId: { userId: target.userId, appId: target.postAppId } };
      return {
        async getTask() {
          await client.tasks.get(target.taskId);
        },
        async postTasks() {
          await client.tasks.create(task, writeOptions);
        },
        async listTasks() {
          return (await client.tasks.list({ perPage: 128 })).length;
        },
        close: () => client.close(),
      };
    },
  };
}

/** The facade on connect-node's gRPC transport (its default). */
export const connectTransport = module("connect");
/** The facade on a grpc-js channel. */
export const grpcJsTransport = module("grpc-js");
