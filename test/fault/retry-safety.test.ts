// The ambiguous failure: the emulator applied a PostTasks, then the connection dropped before the
// answer reached the client. Repeating the write would create a duplicate, so the client must not; it
// must say the outcome is unknown. Reads going through the very same fault are safe to repeat and
// must succeed.
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDropProxy, type DropProxy } from "../support/hostile/drop-proxy.js";
import { guardSuite } from "../support/hostile/process-guard.js";
import { clientFor, expectTypedError, TRANSPORTS, USER, validTask } from "./harness.js";

const track = guardSuite();
let emulator: Emulator;
beforeAll(async () => {
  emulator = track(await startEmulator());
});

describe.each(TRANSPORTS)("retry safety over %s", (transport) => {
  const app = `retry-safety-${transport}`;
  let proxy: DropProxy;
  beforeEach(async () => {
    emulator.store.clear();
    if (proxy) await proxy.close();
    proxy = await startDropProxy(emulator.baseUrl);
  });
  afterAll(() => proxy.close());

  // The client's default retry policy, with backoff short enough for a test.
  const retrying = () => clientFor(transport, proxy.baseUrl, { appId: app, timeoutMs: 5000, retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });

  it("a PostTasks applied but unanswered is not repeated: one task stored, the error says the outcome is unknown", async () => {
    const client = retrying();
    proxy.dropAfterAnswer("PostTasks");
    const error = await expectTypedError(client.tasks.create([validTask("exactly once"), validTask("exactly once too")]), 5000);
    expect(proxy.drops).toBe(1);
    expect(proxy.calls.get("PostTasks")).toBe(1);
    expect(emulator.store.countTasks(USER, app)).toBe(2);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(/outcome unknown/);
    expect(error.method).toBe("PostTasks");
    expect(error.attempts).toBe(1);
    await client.close();
  });

  it("a PatchTasks applied but unanswered is not repeated either, and a read shows it landed", async () => {
    const client = retrying();
    const [task] = await client.tasks.create([validTask("v1")]);
    proxy.dropAfterAnswer("PatchTasks");
    const error = await expectTypedError(client.tasks.update({ ...task!, description: "v2" }), 5000);
    expect(error.outcomeUnknown).toBe(true);
    expect(proxy.calls.get("PatchTasks")).toBe(1);
    // The patch did land: the caller has to look, which a read through the proxy now can.
    const after = await client.tasks.get(task!.id);
    expect(after.description).toBe("v2");
    await client.close();
  });

  it("reads through the same fault are retried and succeed", async () => {
    const client = retrying();
    const [task] = await client.tasks.create([validTask("read me")]);
    proxy.dropAfterAnswer("GetTask");
    proxy.dropAfterAnswer("ListTasks");
    const got = await client.tasks.get(task!.id);
    expect(got.id).toBe(task!.id);
    expect(proxy.calls.get("GetTask")).toBe(2);
    const listed = await client.tasks.list();
    expect(listed.map((t) => t.id)).toEqual([task!.id]);
    expect(proxy.calls.get("ListTasks")).toBe(2);
    expect(proxy.drops).toBe(2);
    expect(emulator.store.countTasks(USER, app)).toBe(1);
    await client.close();
  });

  it("DeleteTasks (idempotent) through the fault is retried and succeeds", async () => {
    const client = retrying();
    const [task] = await client.tasks.create([validTask("delete me")]);
    proxy.dropAfterAnswer("DeleteTasks");
    await client.tasks.delete(task!.id);
    expect(proxy.calls.get("DeleteTasks")).toBeGreaterThanOrEqual(1);
    expect(emulator.store.countTasks(USER, app)).toBe(0);
    await client.close();
  });
});
