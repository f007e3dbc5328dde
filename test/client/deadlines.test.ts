// The default transport's deadlines on one timer (src/transports/deadlines.ts): each fires at its own
// time and not before, a cancelled one never fires, and only pending deadlines keep the process alive.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Deadlines } from "../../src/transports/deadlines.js";

/** Timers that keep the event loop alive (Node lists one "Timeout" per such timer). */
const liveTimers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

/** Advances the fake timers step by step (ms), checking after each step what has fired so far. */
async function expectFiring(fired: readonly unknown[], steps: readonly (readonly [number, readonly unknown[]])[]): Promise<void> {
  for (const [ms, firedSoFar] of steps) {
    await vi.advanceTimersByTimeAsync(ms);
    expect(fired).toEqual(firedSoFar);
  }
}

describe("Deadlines on fake timers", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires each deadline at its own time, on one timer, whatever order they were added in", async () => {
    const deadlines = new Deadlines(() => Date.now());
    const fired: string[] = [];
    deadlines.add(300, () => fired.push("300"));
    deadlines.add(100, () => fired.push("100"));
    deadlines.add(200, () => fired.push("200"));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(["100"]);
    await vi.advanceTimersByTimeAsync(199);
    expect(fired).toEqual(["100", "200"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(["100", "200", "300"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("never fires a cancelled deadline; the timer left armed for it wakes once and finds nothing", async () => {
    const deadlines = new Deadlines(() => Date.now());
    const fired: number[] = [];
    const cancel = deadlines.add(100, () => fired.push(100));
    deadlines.add(250, () => fired.push(250));
    cancel();
    cancel();
    await vi.advanceTimersByTimeAsync(249);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([250]);
  });

  it("a later deadline added while one is armed waits for its own time, not the armed one's", async () => {
    const deadlines = new Deadlines(() => Date.now());
    const fired: number[] = [];
    const first = deadlines.add(100, () => fired.push(1));
    await vi.advanceTimersByTimeAsync(50);
    first();
    deadlines.add(100, () => fired.push(2));
    await vi.advanceTimersByTimeAsync(50);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(49);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([2]);
  });

  it("a timer that fires early by the clock's reckoning re-arms for the rest", async () => {
    let skew = 0;
    const deadlines = new Deadlines(() => Date.now() - skew);
    const fired: number[] = [];
    deadlines.add(100, () => fired.push(1));
    skew = 5;
    await vi.advanceTimersByTimeAsync(100);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(5);
    expect(fired).toEqual([1]);
  });

  it("deadlines added in the order they fall due fire each at its own time", async () => {
    const deadlines = new Deadlines(() => Date.now());
    const fired: number[] = [];
    for (const ms of [100, 200, 300]) deadlines.add(ms, () => fired.push(ms));
    await expectFiring(fired, [
      [100, [100]],
      [99, [100]],
      [1, [100, 200]],
      [100, [100, 200, 300]],
    ]);
  });

  it("a deadline added by a firing one fires at its own time, before a later one already pending", async () => {
    const deadlines = new Deadlines(() => Date.now());
    const fired: string[] = [];
    deadlines.add(100, () => {
      fired.push("first");
      deadlines.add(100, () => fired.push("added"));
    });
    deadlines.add(500, () => fired.push("later"));
    await expectFiring(fired, [
      [199, ["first"]],
      [1, ["first", "added"]],
      [300, ["first", "added", "later"]],
    ]);
  });

  it("a deadline cancelled by a firing one never fires, and leaves no timer behind", async () => {
    const deadlines = new Deadlines(() => Date.now());
    const fired: string[] = [];
    let cancelSecond = () => {};
    deadlines.add(100, () => {
      fired.push("first");
      cancelSecond();
    });
    cancelSecond = deadlines.add(200, () => fired.push("second"));
    await expectFiring(fired, [[100, ["first"]]]);
    expect(vi.getTimerCount()).toBe(0);
    await expectFiring(fired, [[1000, ["first"]]]);
  });

  it("a deadline past Node's longest timer (24.8 days) arms the longest, rather than one that fires at once", async () => {
    // Node runs a timer longer than 2^31 - 1 ms after 1 ms (the fake timers do the same): armed with
    // the whole delay, the timer would wake every millisecond, read the clock, find nothing due and
    // arm again. Counting the clock's readings shows whether it does.
    let readings = 0;
    const deadlines = new Deadlines(() => {
      readings++;
      return Date.now();
    });
    const fired: number[] = [];
    const thirtyDays = 30 * 24 * 3600 * 1000;
    deadlines.add(thirtyDays, () => fired.push(1));
    const afterAdd = readings;
    await vi.advanceTimersByTimeAsync(100);
    expect(readings).toBe(afterAdd);
    // At the longest delay the timer wakes once, finds the deadline not due, and arms for the rest.
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1 - 100);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(thirtyDays - (2 ** 31 - 1));
    expect(fired).toEqual([1]);
  });
});

describe("Deadlines and the event loop", () => {
  it("keeps the process alive while a deadline is pending, and not once none is", () => {
    const before = liveTimers();
    const deadlines = new Deadlines();
    const cancelA = deadlines.add(60_000, () => {});
    expect(liveTimers()).toBe(before + 1);
    const cancelB = deadlines.add(120_000, () => {});
    expect(liveTimers()).toBe(before + 1);
    cancelA();
    expect(liveTimers()).toBe(before + 1);
    cancelB();
    // The timer stays armed for the first deadline, but no longer holds the process.
    expect(liveTimers()).toBe(before);
    const cancelC = deadlines.add(90_000, () => {});
    expect(liveTimers()).toBe(before + 1);
    cancelC();
    expect(liveTimers()).toBe(before);
  });

  it("a deadline of Infinity ms never fires and arms no timer, pending or cancelled", () => {
    const before = liveTimers();
    const deadlines = new Deadlines();
    const cancel = deadlines.add(Number.POSITIVE_INFINITY, () => expect.unreachable("an infinite deadline fired"));
    expect(liveTimers()).toBe(before);
    cancel();
    expect(liveTimers()).toBe(before);
  });
});
