// runWithRetries called directly: the first attempt, which it starts outside its retry loop (so that a
// call answered SUCCESS at once costs no async frame), must be told the same time, fail the same way
// and be judged by the same rules as every later attempt.
import { describe, expect, it } from "vitest";
import { StatusCode } from "clarifai-grpc-es";
import { resolveRetryPolicy, runWithRetries, type RetryRecord, type RetryRun } from "../../src/retry.js";

type Answer = { readonly message: { status: { code: StatusCode } } };
const answer = (code: StatusCode): Answer => ({ message: { status: { code } } });

function runOf(overrides: Partial<RetryRun> = {}): RetryRun & { record: RetryRecord } {
  return {
    method: "GetTask",
    policy: undefined,
    signal: new AbortController().signal,
    deadlineAt: undefined,
    clock: () => 1000,
    redact: (t) => t,
    record: { attempts: 1, previousErrors: [], nothingApplied: true },
    ...overrides,
  } as RetryRun & { record: RetryRecord };
}

describe("runWithRetries' first attempt", () => {
  it("is told the time left by the clock when the run gives a deadline but no timeout, and the run's timeout when it gives one", async () => {
    const told: (number | undefined)[] = [];
    const attempt = async (ms: number | undefined) => (told.push(ms), answer(StatusCode.SUCCESS));
    await runWithRetries(runOf({ deadlineAt: 1500 }), attempt);
    await runWithRetries(runOf({ deadlineAt: 1500, timeoutMs: 700 }), attempt);
    await runWithRetries(runOf(), attempt);
    expect(told).toEqual([500, 700, undefined]);
  });

  it("that throws instead of returning a promise is a failure of the call: a rejection, never a synchronous throw", async () => {
    const boom = new Error("cannot send");
    const run = runOf();
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = runWithRetries(run, () => {
        throw boom;
      });
    }).not.toThrow();
    await expect(result).rejects.toBe(boom);
    expect(run.record.attempts).toBe(1);
    // Thrown before anything was sent, but not proven so: the outcome stays unknown.
    expect(run.record.nothingApplied).toBe(false);
  });

  it("answered with a status the rules retry goes on to the next attempt; SUCCESS then ends it even where the rules list SUCCESS", async () => {
    const policy = resolveRetryPolicy({
      sleep: async () => {},
      random: () => 0,
      rules: { read: { grpcCodes: [], statusCodes: [StatusCode.TRY_AGAIN, StatusCode.SUCCESS], notSent: false } } as never,
    });
    const answers = [StatusCode.TRY_AGAIN, StatusCode.SUCCESS, StatusCode.FAILURE];
    let sent = 0;
    const run = runOf({ policy });
    const response = await runWithRetries(run, async () => answer(answers[sent++]!));
    expect(response.message.status.code).toBe(StatusCode.SUCCESS);
    expect(sent).toBe(2);
    expect(run.record.attempts).toBe(2);
    expect(run.record.previousErrors.map((e) => e.code)).toEqual([StatusCode.TRY_AGAIN]);
  });
});

describe("runWithRetries' settle (the facade's handlers of the attempts' outcome)", () => {
  const failed = (error: unknown): never => {
    throw new Error("failed", { cause: error });
  };

  it("runs `done` in the reaction to a first attempt answered SUCCESS: its promise settles one turn after the attempt's, not two", async () => {
    const order: (number | string)[] = [];
    const attempt = () => Promise.resolve(answer(StatusCode.SUCCESS));
    const call = runWithRetries(runOf(), attempt, { done: (r) => r.message.status.code, failed });
    // A reference chain started after the call: each link is one turn of the microtask queue.
    void Promise.resolve()
      .then(() => order.push(1))
      .then(() => order.push(2))
      .then(() => order.push(3));
    void call.then((code) => order.push(`settled ${code}`));
    await call;
    await Promise.resolve().then().then().then();
    // The attempt's promise reacts in turn 1 (`done` included), the call's own reaction in turn 2.
    expect(order).toEqual([1, `settled ${StatusCode.SUCCESS}`, 2, 3]);
  });

  it("gives `done` the response that ends the attempts after a retry, and `failed` a failure that is not retried", async () => {
    const policy = resolveRetryPolicy({
      sleep: async () => {},
      random: () => 0,
      rules: { read: { grpcCodes: [], statusCodes: [StatusCode.TRY_AGAIN], notSent: false } } as never,
    });
    const answers = [StatusCode.TRY_AGAIN, StatusCode.FAILURE];
    let sent = 0;
    const code = await runWithRetries(runOf({ policy }), async () => answer(answers[sent++]!), { done: (r) => r.message.status.code, failed });
    // FAILURE is not retried: it ends the attempts, and `done` (the caller's status check) sees it.
    expect([code, sent]).toEqual([StatusCode.FAILURE, 2]);

    const boom = new Error("reset");
    const error = await runWithRetries(runOf(), () => Promise.reject(boom), { done: () => "answered", failed }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: "failed", cause: boom });
  });

  it("hands a first answer it cannot read (no message) to `failed`, as it hands one after a retry", async () => {
    const seen: unknown[] = [];
    const unreadable = () => Promise.resolve(undefined as unknown as Answer);
    const call = runWithRetries(runOf(), unreadable, {
      done: () => "answered",
      failed: (e): never => {
        seen.push(e);
        throw new Error("failed", { cause: e });
      },
    });
    await expect(call).rejects.toMatchObject({ message: "failed" });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(TypeError);
  });

  it("rejects with what `done` throws, without passing it to `failed`", async () => {
    const mine = new Error("status check failed");
    const seen: unknown[] = [];
    const call = runWithRetries(runOf(), async () => answer(StatusCode.SUCCESS), {
      done: () => {
        throw mine;
      },
      failed: (e): never => {
        seen.push(e);
        throw e;
      },
    });
    await expect(call).rejects.toBe(mine);
    expect(seen).toEqual([]);
  });
});
