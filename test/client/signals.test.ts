// One caller signal shared by many concurrent calls (a service's shutdown signal, a request's
// cancellation passed to a fan-out): the calls work, Node prints no MaxListenersExceededWarning, and
// nothing is left on the signal afterwards. Node warns at the 11th listener on one AbortSignal, so
// 50 concurrent calls would trip it if each call hung a listener of its own on the caller's signal.
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClarifaiClient, StatusCode } from "clarifai-grpc-es";
import { startScriptedServer, statusMessage, type ScriptedServer } from "../support/scripted-grpc.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer(() => ({ message: statusMessage(StatusCode.SUCCESS) }));
});
afterAll(() => server.close());

/** The warnings Node emits while `run` runs (and the turn after, when emitWarning delivers). */
async function warningsDuring(run: () => Promise<unknown>): Promise<Error[]> {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", onWarning);
  }
  return warnings.filter((w) => w.name === "MaxListenersExceededWarning");
}

describe.each(["connect", "grpc-js"] as const)("50 concurrent calls over %s", (transport) => {
  it("on one caller signal print no MaxListenersExceededWarning and leave no listener on it", async () => {
    const client = new ClarifaiClient({ pat: "signals-pat-0123", userId: "u", appId: "a", baseUrl: server.baseUrl, transport, timeoutMs: 5000 });
    const shutdown = new AbortController();
    try {
      const warnings = await warningsDuring(() => Promise.all(Array.from({ length: 50 }, () => client.tasks.list({}, { signal: shutdown.signal }))));
      expect(warnings).toEqual([]);
      expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(0);
    } finally {
      await client.close();
    }
  });

  it("with an interceptor, 30 concurrent calls without a caller signal print none (each attempt links its own signal)", async () => {
    const client = new ClarifaiClient({ pat: "signals-pat-0123", userId: "u", appId: "a", baseUrl: server.baseUrl, transport, timeoutMs: 5000, interceptors: [(next) => (req) => next(req)] });
    try {
      expect(await warningsDuring(() => Promise.all(Array.from({ length: 30 }, () => client.tasks.list())))).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("without a caller signal print none either (each call follows the client's close())", async () => {
    const client = new ClarifaiClient({ pat: "signals-pat-0123", userId: "u", appId: "a", baseUrl: server.baseUrl, transport, timeoutMs: 5000 });
    try {
      expect(await warningsDuring(() => Promise.all(Array.from({ length: 50 }, () => client.tasks.list())))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
