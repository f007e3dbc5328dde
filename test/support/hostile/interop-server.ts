// A grpc-js server of our own for the gRPC interop cases that apply to unary calls (large messages,
// metadata both ways, special status messages, UNIMPLEMENTED, deadlines, cancellation). It serves
// `clarifai.api.V2` paths with protobuf-es (de)serialisers so the client under test sees real V2
// messages, and the behaviour is picked per call by the `x-interop-case` request header.
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { EventEmitter } from "node:events";
import { StatusCode } from "../../../gen/clarifai/api/status/status_code_pb.js";
import {
  GetTaskRequestSchema,
  MultiTaskResponseSchema,
  PostTasksRequestSchema,
  SingleTaskResponseSchema,
  type GetTaskRequest,
  type PostTasksRequest,
} from "../../../gen/clarifai/api/service_pb.js";

/** The interop status message: whitespace at both ends and inside, a BMP and a non-BMP character. */
export const SPECIAL_STATUS_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
/** Request header naming the behaviour of a call. */
export const CASE_HEADER = "x-interop-case";
/** Sizes from the gRPC interop "large_unary" case. */
export const LARGE_REQUEST_BYTES = 271_828;
export const LARGE_RESPONSE_BYTES = 314_159;

function method<I extends DescMessage, O extends DescMessage>(name: string, input: I, output: O): grpc.MethodDefinition<MessageShape<I>, MessageShape<O>> {
  return {
    path: `/clarifai.api.V2/${name}`,
    requestStream: false,
    responseStream: false,
    originalName: name,
    requestSerialize: (m) => Buffer.from(toBinary(input, m)),
    requestDeserialize: (b) => fromBinary(input, b),
    responseSerialize: (m) => Buffer.from(toBinary(output, m)),
    responseDeserialize: (b) => fromBinary(output, b),
  };
}

/** The part of V2 this server knows: GetTask and PostTasks (everything else is UNIMPLEMENTED). */
export const interopV2Definition = {
  GetTask: method("GetTask", GetTaskRequestSchema, SingleTaskResponseSchema),
  PostTasks: method("PostTasks", PostTasksRequestSchema, MultiTaskResponseSchema),
} satisfies grpc.ServiceDefinition;

/** A service that is not V2, for a server where V2 itself is unknown. */
const otherServiceDefinition = {
  Ping: { ...method("Ping", GetTaskRequestSchema, SingleTaskResponseSchema), path: "/interop.Other/Ping" },
} satisfies grpc.ServiceDefinition;

/** What the interop server recorded about one call. */
export interface SeenCall {
  readonly method: string;
  readonly metadata: grpc.Metadata;
  /** Total bytes of task descriptions in the request. */
  readonly requestBytes: number;
}

/** The running server. */
export interface InteropServer {
  readonly port: number;
  readonly baseUrl: string;
  /** Emits `call` (SeenCall) when a call arrives and `cancelled` (method) when a client gives up on one. */
  readonly events: EventEmitter;
  readonly calls: SeenCall[];
  close(): Promise<void>;
}

type Call = grpc.ServerUnaryCall<GetTaskRequest | PostTasksRequest, unknown>;

function caseOf(call: Call): string {
  return String(call.metadata.get(CASE_HEADER)[0] ?? "");
}

/** Copies the caller's `x-echo-*` metadata (text and `-bin`) into both the headers and the trailers. */
function echoMetadata(call: Call): { initial: grpc.Metadata; trailing: grpc.Metadata } {
  const initial = new grpc.Metadata();
  const trailing = new grpc.Metadata();
  for (const [key, values] of Object.entries(call.metadata.getMap())) {
    if (!key.startsWith("x-echo-")) continue;
    const value = values;
    initial.set(key, value);
    trailing.set(key.replace(/^x-echo-/, "x-trailer-"), value);
  }
  // A binary trailer that the client did not send: proves `-bin` values decode on the way back.
  trailing.set("x-trailer-extra-bin", Buffer.from([0x00, 0xff, 0x10, 0x80, 0x0a]));
  return { initial, trailing };
}

/** Starts the interop server on 127.0.0.1:0. `services`: `"v2"` (default) or `"other"` (no V2 at all). */
export async function startInteropServer(services: "v2" | "other" = "v2"): Promise<InteropServer> {
  const events = new EventEmitter();
  const calls: SeenCall[] = [];
  const server = new grpc.Server({ "grpc.max_receive_message_length": 8 * 1024 * 1024 });

  const handle = (name: string) => (call: Call, callback: grpc.sendUnaryData<unknown>) => {
    const req = call.request;
    const requestBytes = "tasks" in req ? req.tasks.reduce((n, t) => n + t.description.length, 0) : 0;
    const seen: SeenCall = { method: name, metadata: call.metadata, requestBytes };
    calls.push(seen);
    call.on("cancelled", () => events.emit("cancelled", name));
    events.emit("call", seen);
    const kase = caseOf(call);
    const respond = (task: { id: string; description?: string }) =>
      name === "GetTask"
        ? create(SingleTaskResponseSchema, { status: { code: StatusCode.SUCCESS }, task })
        : create(MultiTaskResponseSchema, { status: { code: StatusCode.SUCCESS }, tasks: [task] });
    switch (kase) {
      case "large":
        // Answer with the large body and say how much arrived, so the test can check both directions.
        callback(null, respond({ id: `received-${requestBytes}`, description: "r".repeat(LARGE_RESPONSE_BYTES) }));
        return;
      case "echo": {
        const { initial, trailing } = echoMetadata(call);
        call.sendMetadata(initial);
        callback(null, respond({ id: "echoed" }), trailing);
        return;
      }
      case "grpc-status":
        callback({ code: grpc.status.UNKNOWN, details: SPECIAL_STATUS_MESSAGE });
        return;
      case "clarifai-status":
        callback(
          null,
          name === "GetTask"
            ? create(SingleTaskResponseSchema, { status: { code: StatusCode.TASK_MISSING, description: SPECIAL_STATUS_MESSAGE, reqId: "req-😈" } })
            : create(MultiTaskResponseSchema, { status: { code: StatusCode.TASK_MISSING, description: SPECIAL_STATUS_MESSAGE, reqId: "req-😈" } }),
        );
        return;
      case "hang":
        // Never answers: only the client's deadline or cancellation can end the call.
        return;
      default:
        callback(null, respond({ id: "ok" }));
    }
  };

  if (services === "v2") {
    server.addService(interopV2Definition, { GetTask: handle("GetTask"), PostTasks: handle("PostTasks") } as grpc.UntypedServiceImplementation);
  } else {
    server.addService(otherServiceDefinition, { Ping: handle("Ping") } as grpc.UntypedServiceImplementation);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    events,
    calls,
    // Forced: a "hang" call never finishes, so a graceful shutdown would wait for ever.
    close: async () => server.forceShutdown(),
  };
}
