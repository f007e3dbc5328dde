// The three workloads over any function that sends one unary call given a method descriptor of our
// generated V2 service and the request's init object: what the hand-written raw clients share.
import { fromBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { PostTasksRequestSchema, V2 } from "../../gen/clarifai/api/service_pb.js";
import type { Target } from "../workloads.js";
import { BenchCallError, SUCCESS, type BenchClient } from "./types.js";

/** Sends one call and resolves to the response message. */
export type UnaryCall = <I extends DescMessage, O extends DescMessage>(method: { name: string; input: I; output: O }, init: MessageInitShape<I>) => Promise<MessageShape<O>>;

/** Throws unless the response's Clarifai status is SUCCESS. */
export function checkStatus(response: unknown): void {
  const status = (response as { status?: { code: number } }).status;
  if (status?.code !== SUCCESS) throw new BenchCallError(`status ${status?.code}`);
}

/** GetTask, PostTasks and ListTasks of the target over `call`. */
export function unaryWorkloads(target: Target, call: UnaryCall, close: () => void): BenchClient {
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
      close();
    },
  };
}
