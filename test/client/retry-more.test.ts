// The retry backoff against the call's deadline and signal, through a caller's own connect Transport
// (so every attempt's deadline is seen as the transport is told it, and nothing waits for real time:
// timers are faked, the clock and the jitter injected): a call without a deadline waits its full
// backoff; a wait that outlives the deadline is cut when it passes; an abort during a wait, or from
// the onRetry hook, ends the call at once; a finished call leaves no timer running. Also what a
// caller's abort makes of a write in flight, and deadlines that are not a time.
import { create, type DescMessage, type DescMethodUnary } from "@bufbuild/protobuf";
import { ConnectError, type Transport, type UnaryResponse } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClarifaiClient, ClarifaiError, Code, StatusCode, defaultRetryRules, type RetryOptions } from "clarifai-grpc-es";

/** What the fake transport does on the n-th attempt (1-based), given the call's signal. */
type Script = (n: number, signal: AbortSignal) => "ok" | Error;

/** A connect Transport that answers by `script`, recording the timeout each attempt is given (0: none). */
function scriptedTransport(script: Script) {
  const timeouts: (number | undefined)[] = [];
  const transport = {
    async unary(method: DescMethodUnary<DescMessage, DescMessage>, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<UnaryResponse> {
      // As connect's own transports do: an aborted signal sends nothing.
      if (signal?.aborted) throw signal.reason;
      timeouts.push(timeoutMs);
      const answer = script(timeouts.length, signal!);
      if (answer !== "ok") throw answer;
      const message = create(method.output, { status: { code: StatusCode.SUCCESS } } as never);
      return { stream: false, service: method.parent, method, header: new Headers(), trailer: new Headers(), message } as UnaryResponse;
    },
    async stream(): Promise<never> {
      throw new Error("unary only");
    },
  } as unknown as Transport;
  return { transport, timeouts };
}

const unavailable = () => new ConnectError("down", Code.Unavailable);
const failFirst = (times: number): Script => (n) => (n <= times ? unavailable() : "ok");

/** A caller's sleep that is slower than asked: it ends only when its signal aborts. */
const sleepUntilAborted = (_ms: number, signal: AbortSignal) =>
  new Promise<void>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

function client(transport: Transport, retry: RetryOptions | false = {}, timeoutMs = 1000): ClarifaiClient {
  // The clock stands still (not at 0, so that a deadline and the time left to it differ): the time
  // left is exactly what the deadline timer is set to.
  const policy = retry === false ? false : { random: () => 0.5, now: () => 5000, ...retry };
  return new ClarifaiClient({ pat: "retry-more-pat-0123456789", userId: "u", appId: "a", transport, timeoutMs, retry: policy });
}

/** The call's outcome as soon as it has one: `pending` while it has none. */
function track(call: Promise<unknown>) {
  const state: { settled: boolean; error?: ClarifaiError; value?: unknown } = { settled: false };
  call.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: ClarifaiError) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the backoff and the deadline", () => {
  it("a call without a deadline (timeoutMs: Infinity) tells no attempt a deadline, and waits each backoff in full", async () => {
    const { transport, timeouts } = scriptedTransport(failFirst(2));
    const call = track(client(transport).tasks.list({}, { timeoutMs: Infinity }));
    // Waits of 100 then 200 ms (half of 200·2ⁿ⁻¹), on the default sleep.
    await vi.advanceTimersByTimeAsync(299);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call).toMatchObject({ settled: true, value: [] });
    expect(timeouts).toEqual([0, 0, 0]);
  });

  it("the raw client's timeoutMs 0 (connect's 'none') is no deadline either", async () => {
    const { transport, timeouts } = scriptedTransport(failFirst(1));
    const call = track(client(transport).v2.listTasks({}, { timeoutMs: 0 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(call.settled).toBe(true);
    expect(call.error).toBeUndefined();
    expect(timeouts).toEqual([0, 0]);
  });

  it("a wait that outlives the deadline is cut when the deadline passes: DEADLINE_EXCEEDED, saying so", async () => {
    const { transport, timeouts } = scriptedTransport(failFirst(1));
    const call = track(client(transport, { sleep: sleepUntilAborted }).tasks.list());
    await vi.advanceTimersByTimeAsync(999);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.settled).toBe(true);
    expect(call.error).toBeInstanceOf(ClarifaiError);
    expect(call.error!.grpcCode).toBe(Code.DeadlineExceeded);
    expect(call.error!.message).toContain("the deadline passed during the retry backoff");
    expect(timeouts).toEqual([1000]);
  });

  it("a call that waited and then succeeded leaves no timer running (it would hold the process until the deadline)", async () => {
    const { transport } = scriptedTransport(failFirst(1));
    const call = track(client(transport, {}, 30_000).tasks.list());
    await vi.advanceTimersByTimeAsync(100);
    expect(call).toMatchObject({ settled: true, value: [] });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("an abort during the backoff", () => {
  it("ends the wait at once: CANCELLED with the caller's reason, nothing more sent, no timer left", async () => {
    const { transport, timeouts } = scriptedTransport(failFirst(1));
    const controller = new AbortController();
    const call = track(client(transport, { sleep: sleepUntilAborted }).tasks.list({}, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    expect(call.settled).toBe(false);
    const reason = new Error("the user left");
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(call.settled).toBe(true);
    expect(call.error!.grpcCode).toBe(Code.Canceled);
    expect(call.error!.cause).toBe(reason);
    expect(timeouts).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("an abort from the onRetry hook ends the call before the wait: CANCELLED, nothing more sent", async () => {
    const { transport, timeouts } = scriptedTransport(failFirst(3));
    const controller = new AbortController();
    const c = client(transport, { sleep: sleepUntilAborted, onRetry: () => controller.abort(new Error("enough retries")) });
    const call = track(c.tasks.list({}, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(0);
    expect(call.settled).toBe(true);
    expect(call.error!.grpcCode).toBe(Code.Canceled);
    expect(call.error!.message).toContain("enough retries");
    expect(timeouts).toHaveLength(1);
  });
});

describe("a write whose caller aborted while it was in flight", () => {
  // The transport's failure comes after the abort: whatever it says (here: the connection was
  // refused, which alone would prove nothing was sent), the write may have been applied.
  const refusedAfterAbort = (controller: AbortController, signal: AbortSignal) => {
    controller.abort(new Error("the user left"));
    expect(signal.aborted).toBe(true);
    return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  };
  const repeatWrites: RetryOptions = { rules: { ...defaultRetryRules, write: { grpcCodes: [Code.Unavailable], statusCodes: [], notSent: true } } };

  it.each<[string, RetryOptions | false, number]>([
    ["with retries off", false, 1],
    ["after an earlier attempt that failed UNAVAILABLE and was repeated", repeatWrites, 2],
  ])("is outcomeUnknown, %s", async (_, retry, attempts) => {
    const controller = new AbortController();
    const { transport, timeouts } = scriptedTransport((n, signal) => (n < attempts ? unavailable() : refusedAfterAbort(controller, signal)));
    const call = track(client(transport, retry).collectors.create({ id: "c" }, { signal: controller.signal, validate: false }));
    await vi.advanceTimersByTimeAsync(100);
    expect(call.error!.grpcCode).toBe(Code.Canceled);
    expect(call.error!.outcomeUnknown).toBe(true);
    expect(timeouts).toHaveLength(attempts);
  });
});

describe("a time that is not a number", () => {
  it.each([
    ["timeoutMs given as text", { timeoutMs: "5000" }, 'timeoutMs must be a number of milliseconds, got 5000'],
    ["a deadline given as text", { deadline: "2030-01-01T00:00:00Z" }, "deadline must be a Date or epoch milliseconds, got 2030-01-01T00:00:00Z"],
  ])("%s is a TypeError before anything is sent", async (_, options, message) => {
    const { transport, timeouts } = scriptedTransport(() => "ok");
    await expect(client(transport).tasks.list({}, options as never)).rejects.toThrow(new TypeError(message));
    expect(timeouts).toEqual([]);
  });
});
