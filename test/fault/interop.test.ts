// The gRPC interop cases that apply to unary calls, against a grpc-js server of our own
// (support/hostile/interop-server.ts): large messages both ways, custom metadata both ways (binary
// trailers too), a status message with whitespace and non-BMP Unicode, UNIMPLEMENTED method and
// service, deadline on a slow call, cancel after begin.
import { Code } from "@connectrpc/connect";
import { ClarifaiError, NotFoundError } from "clarifai-grpc-es";
import { once } from "node:events";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CASE_HEADER,
  LARGE_REQUEST_BYTES,
  LARGE_RESPONSE_BYTES,
  SPECIAL_STATUS_MESSAGE,
  startInteropServer,
  type InteropServer,
  type SeenCall,
} from "../support/hostile/interop-server.js";
import { guardSuite } from "../support/hostile/process-guard.js";
import { clientFor, expectTypedError, TRANSPORTS, validTask } from "./harness.js";

const track = guardSuite();
let server: InteropServer;
let noV2: InteropServer;
beforeAll(async () => {
  server = track(await startInteropServer("v2"));
  noV2 = track(await startInteropServer("other"));
});

const kase = (name: string) => ({ headers: { [CASE_HEADER]: name } });

describe.each(TRANSPORTS)("gRPC interop (unary) over %s", (transport) => {
  it("large_unary: a 271,828-byte request and a 314,159-byte response", async () => {
    const client = clientFor(transport, server.baseUrl, { timeoutMs: 5000 });
    const [task] = await client.tasks.create([{ description: "q".repeat(LARGE_REQUEST_BYTES) }], { ...kase("large"), validate: false });
    expect(task!.id).toBe(`received-${LARGE_REQUEST_BYTES}`);
    expect(task!.description.length).toBe(LARGE_RESPONSE_BYTES);
    const got = await client.tasks.get("big", kase("large"));
    expect(got.description).toBe("r".repeat(LARGE_RESPONSE_BYTES));
    await client.close();
  });

  it("custom_metadata: text and binary request metadata arrive; echoed headers and trailers (binary too) come back", async () => {
    const client = clientFor(transport, server.baseUrl);
    const binary = Buffer.from([0xab, 0xab, 0xab, 0x00, 0xff]);
    const seen = once(server.events, "call").then(([c]) => c as SeenCall);
    // The raw V2 client exposes response headers and trailers, which the facade methods do not.
    const headers = new Headers({
      [CASE_HEADER]: "echo",
      "x-echo-initial": "test_initial_metadata_value",
      "x-echo-trailing-bin": Buffer.from(binary).toString("base64"),
    });
    let responseHeader: Headers | undefined;
    let responseTrailer: Headers | undefined;
    const response = await client.v2.getTask(
      { userAppId: { userId: "u", appId: "a" }, taskId: "t" },
      { headers, onHeader: (h) => (responseHeader = h), onTrailer: (t) => (responseTrailer = t) },
    );
    expect(response.task?.id).toBe("echoed");
    const call = await seen;
    expect(call.metadata.get("x-echo-initial")).toEqual(["test_initial_metadata_value"]);
    expect(call.metadata.get("x-echo-trailing-bin")).toEqual([binary]);
    expect(call.metadata.get("authorization")).toEqual(["Key emulator-pat"]);
    expect(responseHeader?.get("x-echo-initial")).toBe("test_initial_metadata_value");
    // Binary values travel base64-encoded (padding optional); decode before comparing.
    expect(Buffer.from(responseTrailer?.get("x-trailer-trailing-bin") ?? "", "base64")).toEqual(binary);
    expect(Buffer.from(responseTrailer?.get("x-trailer-extra-bin") ?? "", "base64")).toEqual(Buffer.from([0x00, 0xff, 0x10, 0x80, 0x0a]));
    // The facade sends the same metadata (per-call headers reach the server).
    const facadeSeen = once(server.events, "call").then(([c]) => c as SeenCall);
    await client.tasks.get("t", { headers: { [CASE_HEADER]: "echo", "x-echo-initial": "from the facade" } });
    expect((await facadeSeen).metadata.get("x-echo-initial")).toEqual(["from the facade"]);
    await client.close();
  });

  it("special_status_message: whitespace and non-BMP Unicode survive in a gRPC status message", async () => {
    const client = clientFor(transport, server.baseUrl);
    const error = await expectTypedError(client.tasks.get("t", kase("grpc-status")), 1000);
    expect(error.grpcCode).toBe(Code.Unknown);
    expect(error.description).toBe(SPECIAL_STATUS_MESSAGE);
    expect(error.message).toContain(SPECIAL_STATUS_MESSAGE);
    await client.close();
  });

  it("the same text in a Clarifai status (gRPC OK, status not SUCCESS) survives too", async () => {
    const client = clientFor(transport, server.baseUrl);
    const error = await expectTypedError(client.tasks.get("t", kase("clarifai-status")), 1000);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.codeName).toBe("TASK_MISSING");
    expect(error.description).toBe(SPECIAL_STATUS_MESSAGE);
    expect(error.reqId).toBe("req-😈");
    await client.close();
  });

  it("unimplemented_method: a V2 server without PostCollectors", async () => {
    const client = clientFor(transport, server.baseUrl);
    const error = await expectTypedError(client.collectors.create({ id: "c1" }, { validate: false }), 1000);
    expect(error.grpcCode).toBe(Code.Unimplemented);
    expect(error.method).toBe("PostCollectors");
    expect(error.codeName).toBe("UNIMPLEMENTED");
    await client.close();
  });

  it("unimplemented_service: a server without V2 at all", async () => {
    const client = clientFor(transport, noV2.baseUrl);
    const error = await expectTypedError(client.tasks.get("t"), 1000);
    expect(error.grpcCode).toBe(Code.Unimplemented);
    await client.close();
  });

  it("timeout_on_sleeping_server: the deadline ends a slow call, and the server sees it cancelled", async () => {
    const client = clientFor(transport, server.baseUrl);
    const cancelled = once(server.events, "cancelled");
    const error = await expectTypedError(client.tasks.get("t", { ...kase("hang"), timeoutMs: 300 }), 300);
    expect(error.grpcCode).toBe(Code.DeadlineExceeded);
    await cancelled;
    await client.close();
  });

  it("cancel_after_begin: aborting once the server has the call ends it as CANCELED, and the server sees it", async () => {
    const client = clientFor(transport, server.baseUrl, { timeoutMs: 5000 });
    const controller = new AbortController();
    const arrived = once(server.events, "call");
    const cancelled = once(server.events, "cancelled");
    const call = client.tasks.create([validTask("never finished")], { ...kase("hang"), signal: controller.signal });
    await arrived;
    const reason = new Error("caller gave up");
    controller.abort(reason);
    const error = await expectTypedError(call, 200);
    expect(error).toBeInstanceOf(ClarifaiError);
    expect(error.grpcCode).toBe(Code.Canceled);
    expect(error.cause).toBe(reason);
    await cancelled;
    await client.close();
  });
});
