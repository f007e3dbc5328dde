// Errors back out of a service: every ClarifaiError has a gRPC code (for Clarifai statuses from the
// one table in src/grpc-codes.ts), toGrpcStatus() is what a grpc-js handler passes to its callback and
// toConnectError() what a connect handler throws; a real grpc-js and a real connect server pass them
// to their callers with the Clarifai status name and req_id, and never the PAT.
import { create, toBinary } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import {
  AuthenticationError,
  ClarifaiError,
  Code,
  createClarifaiError,
  grpcCodeForStatus,
  grpcCodeName,
  NotFoundError,
  StatusCode,
  StatusSchema,
  V2,
} from "clarifai-grpc-es";
import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { closeH2, listenH2 } from "../support/h2.js";

describe("grpcCodeForStatus: one table from Clarifai statuses to gRPC codes", () => {
  it.each([
    [StatusCode.SUCCESS, 0],
    [StatusCode.TASK_MISSING, Code.NotFound],
    [StatusCode.COLLECTOR_MISSING, Code.NotFound],
    [StatusCode.WORKER_MISSING, Code.NotFound],
    [StatusCode.MODEL_DOES_NOT_EXIST, Code.NotFound],
    [StatusCode.CONN_KEY_INVALID, Code.Unauthenticated],
    [StatusCode.CONN_KEY_NOT_FOUND, Code.Unauthenticated],
    [StatusCode.CONN_INSUFFICIENT_SCOPES, Code.PermissionDenied],
    [StatusCode.TASK_PERMISSION_DENIED, Code.PermissionDenied],
    [StatusCode.CONN_INVALID_REQUEST, Code.InvalidArgument],
    [StatusCode.CONN_BAD_REQUEST_FORMAT, Code.InvalidArgument],
    [StatusCode.MODEL_INVALID_ARGUMENT, Code.InvalidArgument],
    [StatusCode.CONN_INVALID_RANGE, Code.OutOfRange],
    [StatusCode.CONN_THROTTLED, Code.ResourceExhausted],
    [StatusCode.CONN_EXCEED_HOURLY_LIMIT, Code.ResourceExhausted],
    [StatusCode.RPC_REQUEST_QUEUE_FULL, Code.ResourceExhausted],
    [StatusCode.TRY_AGAIN, Code.Unavailable],
    [StatusCode.RPC_SERVER_UNAVAILABLE, Code.Unavailable],
    [StatusCode.RPC_REQUEST_TIMEOUT, Code.DeadlineExceeded],
    [StatusCode.TASK_CONFLICT, Code.AlreadyExists],
    [StatusCode.INPUT_DUPLICATE, Code.AlreadyExists],
    [StatusCode.TASK_NOT_IMPLEMENTED, Code.Unimplemented],
    [StatusCode.RPC_CANCELED, Code.Canceled],
    [StatusCode.DATABASE_DEADLOCK_DETECTED, Code.Aborted],
    [StatusCode.INTERNAL_SERVER_ISSUE, Code.Internal],
    [StatusCode.FAILURE, Code.Unknown],
    [StatusCode.ZERO, Code.Unknown],
    [123456 as StatusCode, Code.Unknown],
  ])("%s → %s", (status, grpcCode) => {
    expect(grpcCodeForStatus(status)).toBe(grpcCode);
  });

  it("MIXED_STATUS takes the code of its first failed item (UNKNOWN without one)", () => {
    expect(grpcCodeForStatus(StatusCode.MIXED_STATUS, [StatusCode.SUCCESS, StatusCode.TASK_CONFLICT, StatusCode.TASK_MISSING])).toBe(Code.AlreadyExists);
    expect(grpcCodeForStatus(StatusCode.MIXED_STATUS, [StatusCode.SUCCESS])).toBe(Code.Unknown);
    expect(grpcCodeForStatus(StatusCode.MIXED_STATUS)).toBe(Code.Unknown);
  });

  it("the category class follows the gRPC code, for Clarifai statuses and transport failures alike", () => {
    expect(createClarifaiError({ code: StatusCode.TASK_MISSING })).toBeInstanceOf(NotFoundError);
    expect(createClarifaiError({ code: StatusCode.TASK_MISSING }).grpcCode).toBe(Code.NotFound);
    expect(createClarifaiError({ code: StatusCode.CONN_INSUFFICIENT_SCOPES })).toBeInstanceOf(AuthenticationError);
    expect(createClarifaiError({ grpcCode: Code.NotFound })).toBeInstanceOf(NotFoundError);
    // No Clarifai status and no gRPC code: UNKNOWN, the catch-all class.
    const bare = createClarifaiError({ description: "?" });
    expect(bare.grpcCode).toBe(Code.Unknown);
    expect(bare.constructor).toBe(ClarifaiError);
    expect(grpcCodeName(Code.Canceled)).toBe("CANCELLED");
  });
});

const missing = () =>
  createClarifaiError({ method: "GetTask", code: StatusCode.TASK_MISSING, description: "Task not found", reqId: "req-7" });

describe("toGrpcStatus / toConnectError", () => {
  it("toGrpcStatus: code, message and the Clarifai status in metadata", () => {
    const status = missing().toGrpcStatus(grpc.Metadata);
    expect(status.code).toBe(grpc.status.NOT_FOUND);
    expect(status.details).toBe("[TASK_MISSING 54102] GetTask: Task not found (req_id req-7)");
    expect(status.metadata).toBeInstanceOf(grpc.Metadata);
    expect(status.metadata.getMap()).toEqual({ "clarifai-status-code": "54102", "clarifai-status-name": "TASK_MISSING", "clarifai-req-id": "req-7" });
    // Without a Metadata class given, the package's own grpc-js is used.
    expect(missing().toGrpcStatus().metadata.get("clarifai-status-name")).toEqual(["TASK_MISSING"]);
  });

  it("toConnectError: code, message, metadata, rich details passed on, and the error as cause", () => {
    const detail = toBinary(StatusSchema, create(StatusSchema, { code: StatusCode.CONN_INVALID_REQUEST }));
    const source = createClarifaiError({ method: "PostTasks", grpcCode: Code.InvalidArgument, description: "bad", statusDetails: [{ type: StatusSchema.typeName, value: detail }] });
    const ce = source.toConnectError();
    expect(ce).toBeInstanceOf(ConnectError);
    expect(ce.code).toBe(Code.InvalidArgument);
    expect(ce.rawMessage).toBe(source.message);
    expect(ce.cause).toBe(source);
    expect(ce.details).toEqual([{ type: StatusSchema.typeName, value: detail }]);
    expect(missing().toConnectError().metadata.get("clarifai-status-name")).toBe("TASK_MISSING");
    // A transport failure has no Clarifai status: no clarifai-status-* metadata.
    expect([...createClarifaiError({ grpcCode: Code.Unavailable }).toConnectError().metadata.keys()]).toEqual([]);
  });

  it("a grpc-js handler that calls back with toGrpcStatus(): its caller sees NOT_FOUND and the Clarifai status", async () => {
    const server = new grpc.Server();
    server.addService(
      { getTask: { path: "/clarifai.api.V2/GetTask", requestStream: false, responseStream: false, requestSerialize: (x: Buffer) => x, requestDeserialize: (x: Buffer) => x, responseSerialize: (x: Buffer) => x, responseDeserialize: (x: Buffer) => x } },
      { getTask: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(missing().toGrpcStatus(grpc.Metadata)) },
    );
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const error = await new Promise<grpc.ServiceError>((resolve) =>
      client.makeUnaryRequest("/clarifai.api.V2/GetTask", (x: Buffer) => x, (x: Buffer) => x, Buffer.alloc(0), (e) => resolve(e!)),
    );
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    expect(error.details).toContain("TASK_MISSING");
    expect(error.metadata.get("clarifai-status-name")).toEqual(["TASK_MISSING"]);
    expect(error.metadata.get("clarifai-req-id")).toEqual(["req-7"]);
    client.close();
    server.forceShutdown();
  });

  it("a connect handler that throws toConnectError(): its caller sees NOT_FOUND and the Clarifai status", async () => {
    const server = http2.createServer(
      connectNodeAdapter({
        routes: (router) =>
          router.service(V2, {
            getTask: () => {
              throw missing().toConnectError();
            },
          }),
      }),
    );
    const port = await listenH2(server);
    const client = createClient(V2, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
    const error = (await client.getTask({}).catch((e: unknown) => e)) as ConnectError;
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toContain("TASK_MISSING");
    expect(error.metadata.get("clarifai-status-name")).toBe("TASK_MISSING");
    await closeH2(server);
  });
});

