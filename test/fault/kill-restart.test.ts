// The server process dies (SIGKILL: no GOAWAY, the kernel resets the sockets) while calls are in
// flight, then a new one starts on the same port. Every in-flight call must settle with an
// "unavailable" ClarifaiError within its deadline, and the same client must work again afterwards.
import { ClarifaiError, UnavailableError } from "clarifai-grpc-es";
import { describe, expect, it } from "vitest";
import { spawnEmulator } from "../support/hostile/child-emulator.js";
import { guardEachTest } from "../support/hostile/process-guard.js";
import { ALL_TRANSPORTS, clientFor, expectTypedError, settle, validTask } from "./harness.js";

const track = guardEachTest();

describe.each(ALL_TRANSPORTS)("server killed and restarted, over %s", (transport) => {
  it("in-flight calls fail as unavailable within their deadline; after a restart on the same port the same client succeeds", async () => {
    const first = await spawnEmulator();
    track({ close: () => first.kill() });
    // One client without retries (each in-flight failure is seen as is) and one with the default policy.
    const client = clientFor(transport, first.baseUrl, { timeoutMs: 3000 });
    // Retries spaced (deterministically) to outlast grpc-js's reconnect backoff, which the client caps at
    // 1 s (+20% jitter): during it grpc-js fails calls at once with "No connection established". The
    // default policy's full jitter can retry faster than that; see the README's Reliability notes.
    const retrying = clientFor(transport, first.baseUrl, {
      timeoutMs: 3000,
      retry: { maxAttempts: 8, initialBackoffMs: 500, maxBackoffMs: 1500, random: () => 0.5 },
    });
    const [created] = await client.tasks.create([validTask("before the crash")]);
    expect(created?.id).toBeTruthy();
    await retrying.tasks.get(created!.id);

    // Frozen first, so the calls are certainly in flight (sent, unanswered) when the process dies.
    first.freeze();
    // The write goes first: over HTTP/2 every call shares the one open connection, but over REST
    // (HTTP/1.1) only the first call reuses the kept-alive connection; the others open new ones, which
    // a loaded machine may not have connected before the kill (refused: provably not sent).
    const inFlight = [
      client.tasks.create(validTask("during the crash")),
      ...Array.from({ length: 8 }, () => client.tasks.get(created!.id)),
      client.tasks.list(),
    ];
    // Handlers attached now: a failed assertion below must not leave these rejections orphaned.
    const settled = inFlight.map((call) => expectTypedError(call, 3000));
    // A shorter deadline here: the read keeps retrying against a dead server until its deadline ends it.
    const retryingSettled = [
      retrying.tasks.get(created!.id, { timeoutMs: 1000 }),
      retrying.tasks.create(validTask("during the crash"), { timeoutMs: 1000 }),
    ].map((call) => expectTypedError(call, 1000));
    await first.kill("SIGKILL");
    const errors = await Promise.all(settled);
    const retryingErrors = await Promise.all(retryingSettled);
    expect(errors.map((e) => `${e.codeName}: ${e.description}`)).toEqual(errors.map((e) => `UNAVAILABLE: ${e.description}`));
    for (const error of errors) expect(error).toBeInstanceOf(UnavailableError);
    // The write was sent and never answered: nobody knows whether it was applied.
    expect(errors[0]!.method).toBe("PostTasks");
    expect(errors[0]!.outcomeUnknown).toBe(true);
    // With retries, reads may retry until the deadline; either way a typed error, in time.
    expect(retryingErrors).toHaveLength(2);

    // While nothing listens: refused connections are unavailable too, promptly.
    const refused = await expectTypedError(client.tasks.list(), 3000);
    expect(refused).toBeInstanceOf(ClarifaiError);

    const second = await spawnEmulator({ port: first.port });
    track({ close: () => second.kill() });
    expect(second.port).toBe(first.port);
    // The restarted emulator is empty; what matters is that the same client objects reach it: the one
    // with the default retry policy, and the one without retries.
    const retried = await settle(retrying.tasks.list({}, { timeoutMs: 5000 }));
    const listed = await settle(client.tasks.list());
    expect({ retried: retried.ok || String(retried.error), listed: listed.ok || String(listed.error) }).toEqual({ retried: true, listed: true });
    await client.close();
    await retrying.close();
  }, 30_000);
});
