// Hand-built gRPC-over-HTTP/2 pieces for the hostile servers: they speak the wire format byte by byte so
// that they can also break it on purpose (wrong lengths, wrong flags, missing trailers).
import { create, toBinary } from "@bufbuild/protobuf";
import type { ServerHttp2Stream } from "node:http2";
import { StatusCode } from "../../../gen/clarifai/api/status/status_code_pb.js";
import { MultiTaskResponseSchema, SingleTaskResponseSchema } from "../../../gen/clarifai/api/service_pb.js";

/** The five-byte gRPC message prefix (flag, big-endian length) followed by the payload. */
export function grpcFrame(payload: Uint8Array, options: { flag?: number; declaredLength?: number } = {}): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8((options.flag ?? 0) & 0xff, 0);
  head.writeUInt32BE((options.declaredLength ?? payload.length) >>> 0, 1);
  return Buffer.concat([head, payload]);
}

/** A SUCCESS `SingleTaskResponse` (the answer to GetTask) carrying a task with this id. */
export function okGetTaskPayload(taskId: string, description = ""): Uint8Array {
  return toBinary(
    SingleTaskResponseSchema,
    create(SingleTaskResponseSchema, {
      status: { code: StatusCode.SUCCESS, description: "Ok" },
      task: { id: taskId, description },
    }),
  );
}

/** A SUCCESS `MultiTaskResponse` (the answer to PostTasks/ListTasks/PatchTasks) with these task ids. */
export function okMultiTaskPayload(taskIds: readonly string[]): Uint8Array {
  return toBinary(
    MultiTaskResponseSchema,
    create(MultiTaskResponseSchema, {
      status: { code: StatusCode.SUCCESS, description: "Ok" },
      tasks: taskIds.map((id) => ({ id })),
    }),
  );
}

/** Answers a unary call properly: headers, one message, `grpc-status: 0` trailers. */
export function respondOk(stream: ServerHttp2Stream, payload: Uint8Array): void {
  if (stream.destroyed || stream.closed) return;
  stream.respond({ ":status": 200, "content-type": "application/grpc+proto" }, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.end(grpcFrame(payload));
}

/** The RPC name of a request path (`/clarifai.api.V2/GetTask` → `GetTask`). */
export function methodOf(path: string | undefined): string {
  return (path ?? "").split("/").pop() ?? "";
}
