// fromGrpcJsCall / fromConnectContext: an incoming call's deadline, cancellation and trace context, as
// call options, read from real server calls (a grpc-js server, a connect-node handler) and passed on.
import { createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { Code, fromConnectContext, fromGrpcJsCall, IncomingCallCancelledError, V2, type PropagatedCallOptions } from "clarifai-grpc-es";
import { getEventListeners } from "node:events";
import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { closeH2, listenH2 } from "../support/h2.js";

const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const passthrough = { requestSerialize: (x: Buffer) => x, requestDeserialize: (x: Buffer) => x, responseSerialize: (x: Buffer) => x, responseDeserialize: (x: Buffer) => x };

/** A grpc-js server whose one method hands its call to `onCall` and answers when told. */
async function grpcJsServer(onCall: (call: grpc.ServerUnaryCall<Buffer, Buffer>, answer: () => void) => void) {
  const server = new grpc.Server();
  server.addService(
    { start: { path: "/test.Orchestrator/Start", requestStream: false, responseStream: false, ...passthrough } },
    { start: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => onCall(call, () => callback(null, Buffer.alloc(0))) },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    call(metadata: grpc.Metadata, deadline?: Date) {
      let resolveDone!: (e: grpc.ServiceError | null) => void;
      const done = new Promise<grpc.ServiceError | null>((resolve) => (resolveDone = resolve));
      const c = client.makeUnaryRequest("/test.Orchestrator/Start", (x: Buffer) => x, (x: Buffer) => x, Buffer.alloc(0), metadata, deadline ? { deadline } : {}, (e) => resolveDone(e));
      return { done, cancel: () => c.cancel() };
    },
    close() {
      client.close();
      server.forceShutdown();
    },
  };
}

describe("fromGrpcJsCall", () => {
  it("carries the deadline, the trace context and listed metadata; cancelling the call aborts the signal", async () => {
    let seen: PropagatedCallOptions | undefined;
    let again: PropagatedCallOptions | undefined;
    let arrived!: () => void;
    const ready = new Promise<void>((r) => (arrived = r));
    const server = await grpcJsServer((call) => {
      seen = fromGrpcJsCall(call, { headers: ["X-Request-Id"] });
      again = fromGrpcJsCall(call);
      arrived();
    });
    const metadata = new grpc.Metadata();
    metadata.set("traceparent", TRACEPARENT);
    metadata.set("tracestate", "vendor=1");
    metadata.set("x-request-id", "r-1");
    metadata.set("x-other", "not passed");
    const deadline = new Date(Date.now() + 5000);
    const pending = server.call(metadata, deadline);
    await ready;
    expect(seen!.deadline).toBeGreaterThan(Date.now());
    // The server starts its clock when the request arrives: a few ms after the client's.
    expect(seen!.deadline).toBeLessThanOrEqual(deadline.getTime() + 200);
    expect(seen!.headers).toEqual({ traceparent: TRACEPARENT, tracestate: "vendor=1", "x-request-id": "r-1" });
    // One signal per incoming call, however many outgoing calls spread it.
    expect(again!.signal).toBe(seen!.signal);
    expect(seen!.signal!.aborted).toBe(false);
    const aborted = new Promise((resolve) => seen!.signal!.addEventListener("abort", resolve));
    pending.cancel();
    await aborted;
    expect(seen!.signal!.reason).toBeInstanceOf(IncomingCallCancelledError);
    expect((await pending.done)?.code).toBe(grpc.status.CANCELLED);
    server.close();
  });

  it("without a deadline: no deadline option; flags turn parts off", async () => {
    let seen: PropagatedCallOptions | undefined;
    let off: PropagatedCallOptions | undefined;
    const server = await grpcJsServer((call, answer) => {
      seen = fromGrpcJsCall(call);
      off = fromGrpcJsCall(call, { deadline: false, cancellation: false });
      answer();
    });
    const md = new grpc.Metadata();
    expect(await server.call(md, new Date(Date.now() + 5000)).done).toBeNull();
    expect(off).toEqual({});
    expect(await server.call(md).done).toBeNull();
    expect("deadline" in seen!).toBe(false);
    expect("headers" in seen!).toBe(false);
    server.close();
  });

  it("when the incoming deadline passes, the outgoing call is aborted with DEADLINE_EXCEEDED, not a cancellation", async () => {
    let seen: PropagatedCallOptions | undefined;
    let arrived!: () => void;
    const ready = new Promise<void>((r) => (arrived = r));
    const server = await grpcJsServer((call) => {
      seen = fromGrpcJsCall(call);
      arrived();
    });
    const pending = server.call(new grpc.Metadata(), new Date(Date.now() + 300));
    await ready;
    const aborted = new Promise((resolve) => seen!.signal!.addEventListener("abort", resolve));
    expect((await pending.done)?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await aborted;
    expect((seen!.signal!.reason as { code?: unknown }).code).toBe(Code.DeadlineExceeded);
    server.close();
  });

  it("an already-cancelled call gives an aborted signal; the shared signal adds one listener to the call", () => {
    const listeners: (() => void)[] = [];
    const call = { getDeadline: () => Infinity, cancelled: false, metadata: { get: () => [] }, once: (_: "cancelled", l: () => void) => listeners.push(l) };
    for (let i = 0; i < 50; i++) fromGrpcJsCall(call);
    expect(listeners).toHaveLength(1);
    const done = { ...call, cancelled: true };
    expect(fromGrpcJsCall(done).signal!.aborted).toBe(true);
  });
});

describe("fromConnectContext", () => {
  it("carries ctx.signal, the time left as a deadline, and the trace context", async () => {
    let seen: PropagatedCallOptions | undefined;
    let ctxSignal: AbortSignal | undefined;
    const server = http2.createServer(
      connectNodeAdapter({
        routes: (router) =>
          router.service(V2, {
            getTask: (_req, ctx) => {
              seen = fromConnectContext(ctx, { headers: ["x-request-id"] });
              ctxSignal = ctx.signal;
              return {};
            },
          }),
      }),
    );
    const port = await listenH2(server);
    const client = createClient(V2, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
    const before = Date.now();
    await client.getTask({}, { timeoutMs: 4000, headers: { traceparent: TRACEPARENT, "x-request-id": "r-2" } });
    expect(seen!.signal).toBe(ctxSignal);
    expect(seen!.deadline).toBeGreaterThan(before);
    expect(seen!.deadline).toBeLessThanOrEqual(before + 4000 + 200);
    expect(seen!.headers).toEqual({ traceparent: TRACEPARENT, "x-request-id": "r-2" });
    expect(getEventListeners(ctxSignal!, "abort").length).toBeLessThanOrEqual(1);
    await closeH2(server);
  });
});

