// Clients 1 and 2: our facade (`ClarifaiClient`) on each of its transports. The facade is imported by a
// computed path so the bench still builds and runs, reporting these rows as missing, in a tree where
// src/client.ts has not landed.
import { fromBinary } from "@bufbuild/protobuf";
import { PostTasksRequestSchema } from "../../gen/clarifai/api/service_pb.js";
import type { Target } from "../workloads.js";
import type { BenchClient, ClientModule } from "./types.js";

/** The part of the facade the bench uses (checked against the real type once src/client.ts exists). */
interface Facade {
  tasks: {
    get(id: string): Promise<unknown>;
    create(task: unknown, options?: object): Promise<unknown>;
    list(query?: object): Promise<unknown>;
  };
  close(): Promise<void> | void;
}
type FacadeClass = new (options: object) => Facade;

/** Raised when the facade is not in this tree; the bench reports its rows as missing. */
export class FacadeMissingError extends Error {
  override name = "FacadeMissingError";
}

const facadePath = "../../src/client.js";
let facadeClass: FacadeClass | undefined;
try {
  facadeClass = ((await import(facadePath)) as { ClarifaiClient: FacadeClass }).ClarifaiClient;
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
}

function module(transport: "connect" | "grpc-js"): ClientModule {
  return {
    async connect(target: Target): Promise<BenchClient> {
      if (!facadeClass) throw new FacadeMissingError("src/client.ts (ClarifaiClient) is not in this tree");
      const options = { pat: target.pat, userId: target.userId, baseUrl: target.baseUrl, transport };
      // One client per app, as a service writing to one app and reading another would hold them.
      const reader = new facadeClass({ ...options, appId: target.appId });
      const writer = new facadeClass({ ...options, appId: target.postAppId });
      const task = fromBinary(PostTasksRequestSchema, Buffer.from(target.postRequestB64, "base64")).tasks[0]!;
      return {
        async getTask() {
          await reader.tasks.get(target.taskId);
        },
        async postTasks() {
          await writer.tasks.create(task);
        },
        async listTasks() {
          const page = (await reader.tasks.list({ perPage: 128 })) as unknown[] | { tasks: unknown[] };
          return Array.isArray(page) ? page.length : page.tasks.length;
        },
        async close() {
          await Promise.all([reader.close(), writer.close()]);
        },
      };
    },
  };
}

/** The facade on connect-node's gRPC transport (its default). */
export const connectTransport = module("connect");
/** The facade on a grpc-js channel. */
export const grpcJsTransport = module("grpc-js");
