// The parts of Node a client does not need stay unloaded (Node records every built-in it loads):
// - Node's fetch implementation (undici, with web streams and worker_threads: 17 ms of CPU in a profile
//   of close()), on an HTTP/2 transport: not at import, not in a successful call (the raw v2 client's
//   included), not in close() with or without a call in flight. close() used to load it, through the `Headers` that ConnectError's
//   constructor makes: a tenth of a short-lived process's spawn → exit (249 → 224 ms measured).
// - perf_hooks' `performance` (2.3 to 6.6 ms in a fresh process), which the default clock used to load.
// - node:util's lazy parts (parseArgs, MIMEType: about 0.7 ms), which an ES import of node:util loads
//   by reading all its exports: not at import, and not in calls on the default (connect) transport.
// - node:module (with its source-map support), which only the lookup of an optional peer needs: not at
//   import, and not in calls when nothing is registered with OpenTelemetry.
// - Node's fetch again, in a call whose deadline passes (on both transports): a service's first
//   DEADLINE_EXCEEDED would otherwise stall its event loop for as long, just when it is short of time.
// Checked in a fresh process on the built entry; the probe ends by loading each itself, which shows
// that its checks see them when they are loaded. Also: the ConnectError close() makes without that
// constructor is the one the constructor makes.
import path from "node:path";
import { types } from "node:util";
import { describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { hasUnreadMetadata, lazyConnectError, metadataHas } from "../../src/lazy-connect-error.js";
import { root } from "../support/build.js";
import { runProbe, useBuiltPackageAndEmulator } from "../support/probe.js";

const probe = (transport: string) => `
import http2 from "node:http2";
const has = (name) => process.moduleLoadList.includes("NativeModule " + name);
const fetchLoaded = () => has("internal/deps/undici/undici");
const perfLoaded = () => has("internal/perf/performance");
const utilLazyLoaded = () => has("internal/util/parse_args/parse_args");
const moduleLoaded = () => has("module");
const { ClarifaiClient } = await import(${JSON.stringify(path.join(root, "dist/src/index.js"))});
const seen = { atImport: fetchLoaded(), utilAtImport: utilLazyLoaded(), moduleAtImport: moduleLoaded() };
const options = { pat: "emulator-pat", userId: "emulator-user", appId: "lazy-fetch", transport: ${JSON.stringify(transport)}, timeoutMs: 10000 };

// Successful calls against the emulator (in the test process), then close() with nothing in flight.
const client = new ClarifaiClient({ ...options, baseUrl: process.env.BASE_URL });
const [task] = await client.tasks.create([{ type: 1, name: "t", worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "w" } } }] } }]);
seen.got = (await client.tasks.get(task.id)).id === task.id;
seen.afterCalls = fetchLoaded();
// The raw v2 client too, unless its caller asks for the response's headers.
seen.rawGot = (await client.v2.getTask({ userAppId: { userId: "emulator-user", appId: "lazy-fetch" }, taskId: task.id })).task?.id === task.id;
seen.afterRawCall = fetchLoaded();
seen.perfAfterCalls = perfLoaded();
seen.utilAfterCalls = utilLazyLoaded();
seen.moduleAfterCalls = moduleLoaded();
await client.close();
seen.afterClose = fetchLoaded();

// A server that takes every call and never answers: close() while a call is in flight there.
const server = http2.createServer();
// The client's close() resets the stream: an error the server's stream must not throw.
const arrived = new Promise((resolve) => server.once("stream", (stream) => resolve(stream.on("error", () => {}))));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const held = new ClarifaiClient({ ...options, baseUrl: "http://127.0.0.1:" + server.address().port, retry: false });
const pending = held.tasks.get("t").catch((e) => e);
await arrived;
await held.close();
const error = await pending;
seen.inFlight = { grpcCode: error.grpcCode, closed: /ClarifaiClient was closed/.test(error.message) };
seen.afterInFlightClose = fetchLoaded();

// The same server, a call whose deadline passes: a service's first DEADLINE_EXCEEDED must not stall its
// event loop loading fetch.
// Its streams are reset when the calls give up: errors the server's streams must not throw.
server.on("stream", (stream) => stream.on("error", () => {}));
const late = new ClarifaiClient({ ...options, baseUrl: "http://127.0.0.1:" + server.address().port, retry: false, timeoutMs: 200 });
const expired = await late.tasks.get("t").catch((e) => e);
seen.deadline = { grpcCode: expired.grpcCode, name: expired.name };
seen.afterDeadline = fetchLoaded();
await late.close();
server.close();

seen.perfAtEnd = perfLoaded();
new Headers();
performance.now();
await import("node:util");
await import("node:module");
seen.probeSees = [fetchLoaded(), perfLoaded(), utilLazyLoaded(), moduleLoaded()];
console.log(JSON.stringify(seen));
`;

describe("what a client loads", () => {
  const emulator = useBuiltPackageAndEmulator();

  it.each(["connect", "grpc-js"])("over %s, nothing of ours loads fetch, perf_hooks, node:util's lazy parts or node:module", async (transport) => {
    const { stdout } = await runProbe(probe(transport), emulator().baseUrl);
    expect(JSON.parse(stdout)).toEqual({
      atImport: false,
      utilAtImport: false,
      moduleAtImport: false,
      got: true,
      afterCalls: false,
      rawGot: true,
      afterRawCall: false,
      perfAfterCalls: false,
      // grpc-js loads node:util's lazy parts in its first call itself (it is outside the bundle).
      utilAfterCalls: transport === "connect" ? false : expect.any(Boolean),
      moduleAfterCalls: false,
      afterClose: false,
      inFlight: { grpcCode: Code.Canceled, closed: true },
      afterInFlightClose: false,
      deadline: { grpcCode: Code.DeadlineExceeded, name: "ClarifaiError" },
      afterDeadline: false,
      perfAtEnd: false,
      probeSees: [true, true, true, true],
    });
  });
});

describe("lazyConnectError", () => {
  const made = lazyConnectError("the ClarifaiClient was closed", Code.Canceled);
  const constructed = new ConnectError("the ClarifaiClient was closed", Code.Canceled);

  it("is what ConnectError's constructor makes: a native error with its prototype, message and fields", () => {
    expect(types.isNativeError(made)).toBe(true);
    expect(Object.getPrototypeOf(made)).toBe(ConnectError.prototype);
    expect(made).toBeInstanceOf(ConnectError);
    expect(Object.keys(made)).toEqual(Object.keys(constructed));
    for (const key of ["name", "message", "rawMessage", "code", "details", "cause"] as const) expect(made[key], key).toEqual(constructed[key]);
    expect(made.message).toBe("[canceled] the ClarifaiClient was closed");
    expect(String(made)).toBe(String(constructed));
    // Its stack starts where it was made, not inside the helper.
    expect(made.stack).toMatch(/^ConnectError: \[canceled\] the ClarifaiClient was closed\n\s+at /);
    expect(made.stack).not.toMatch(/lazyConnectError/);
    // connect takes it as it is, as it takes any ConnectError.
    expect(ConnectError.from(made)).toBe(made);
  });

  it("makes its metadata when first read, keeps it, and takes a new one", () => {
    const e = lazyConnectError("", Code.DeadlineExceeded);
    expect(e.message).toBe("[deadline_exceeded]");
    expect(e.metadata).toBeInstanceOf(Headers);
    expect([...e.metadata]).toEqual([]);
    e.metadata.set("x-a", "1");
    expect(e.metadata.get("x-a")).toBe("1");
    const replaced = new Headers({ "x-b": "2" });
    (e as { metadata: Headers }).metadata = replaced;
    expect(e.metadata).toBe(replaced);
  });

  it("takes a cause as the constructor does", () => {
    const cause = new Error("socket hang up");
    const e = lazyConnectError("the deadline passed", Code.DeadlineExceeded, cause);
    const c = new ConnectError("the deadline passed", Code.DeadlineExceeded, undefined, undefined, cause);
    expect(e.cause).toBe(cause);
    expect(Object.keys(e)).toEqual(Object.keys(c));
    expect(String(e)).toBe(String(c));
  });

  it("answers metadataHas without making its metadata until someone reads or replaces it", () => {
    const e = lazyConnectError("", Code.Canceled);
    expect(metadataHas(e, "grpc-status")).toBe(false);
    expect(hasUnreadMetadata(e)).toBe(true);
    e.metadata.set("grpc-status", "1");
    expect(hasUnreadMetadata(e)).toBe(false);
    expect(metadataHas(e, "grpc-status")).toBe(true);

    const replaced = lazyConnectError("", Code.Canceled);
    (replaced as { metadata: Headers }).metadata = new Headers({ "grpc-status": "1" });
    expect(hasUnreadMetadata(replaced)).toBe(false);
    expect(metadataHas(replaced, "grpc-status")).toBe(true);
    // Any other ConnectError is asked directly.
    expect(metadataHas(new ConnectError("x", Code.Internal, { "grpc-status": "13" }), "grpc-status")).toBe(true);
    expect(metadataHas(new ConnectError("x", Code.Internal), "grpc-status")).toBe(false);
  });
});
