// The REST client needs nothing but a global fetch: in a process where node:http2, connect-node and
// grpc-js throw on import (test/rest/support/deny-http2.mjs), the built package imports, and a
// `transport: "rest"` client runs every kind of call against the emulator (which runs here, in the
// test process). The same probe on the connect transport fails, which shows the denial is real.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { root } from "../support/build.js";
import { runProbe, useBuiltPackageAndEmulator } from "../support/probe.js";

const deny = fileURLToPath(new URL("./support/deny-http2.mjs", import.meta.url));

const probe = (transport: string) => `
const { ClarifaiClient } = await import(${JSON.stringify(path.join(root, "dist/src/index.js"))});
const client = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "no-http2", baseUrl: process.env.BASE_URL, transport: ${JSON.stringify(transport)}, timeoutMs: 5000 });
try {
  const [task] = await client.tasks.create([{ type: 1, name: "t", worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "w" } } }] } }]);
  const got = await client.tasks.get(task.id);
  const listed = await client.tasks.list({ workerUserIds: ["w"] });
  await client.tasks.update({ ...got, description: "changed" });
  await client.collectors.create({ id: "c1", postQueueWorkflowId: "wf", collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } } });
  await client.tasks.delete(task.id);
  const missing = await client.tasks.get(task.id).catch((e) => e.constructor.name);
  // The built-in HTTP/2 module is not even loaded by anything else (Node records every built-in it loads).
  const http2Loaded = process.moduleLoadList.some((m) => /\bhttp2\b/.test(m));
  console.log(JSON.stringify({ got: got.id === task.id, listed: listed.length, missing, http2Loaded }));
} finally {
  await client.close();
}
`;

const emulator = useBuiltPackageAndEmulator();

async function run(transport: string) {
  return runProbe(probe(transport), emulator().baseUrl, ["--import", deny]).catch((e: { stdout: string; stderr: string; code: number }) => e);
}

it("a REST client runs with node:http2, connect-node and grpc-js unavailable, and tries to load none of them", async () => {
  const { stdout, stderr } = await run("rest");
  // Every call succeeded, and an import of a denied module throws: none was attempted.
  expect(stderr).not.toMatch(/denied in this runtime/);
  expect(JSON.parse(stdout)).toEqual({ got: true, listed: 1, missing: "NotFoundError", http2Loaded: false });
  expect(emulator().store.countCollectors("emulator-user", "no-http2")).toBe(1);
});

it("the same probe on the connect transport hits the denial (the hook works)", async () => {
  const { stderr } = await run("connect");
  expect(stderr).toMatch(/denied in this runtime: (@connectrpc\/connect-node|node:http2)/);
});
