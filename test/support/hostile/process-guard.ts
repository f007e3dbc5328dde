// Records every unhandled rejection and uncaught exception while a fault test runs. A client that lets a
// transport failure escape as an orphan promise or an 'error' event without a listener would crash a
// host service; the tests assert that this list stays empty.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";

/** What `guardProcess()` saw: the orphaned failures, and a function to stop listening. */
export interface ProcessGuard {
  /** Unhandled rejections and uncaught exceptions observed so far, oldest first. */
  readonly failures: readonly unknown[];
  /** Stops listening; returns the failures observed. */
  stop(): readonly unknown[];
}

/**
 * Starts recording `unhandledRejection` and `uncaughtException` events of this process. Call `stop()` in
 * `afterEach`/`afterAll` and assert the result is empty.
 */
export function guardProcess(): ProcessGuard {
  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  const onException = (error: unknown) => failures.push(error);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    failures,
    stop() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
      return failures;
    },
  };
}

/**
 * Lets pending rejections surface: Node reports an unhandled rejection only after the microtask queue
 * drains, so a check right after the last `await` could miss one. `setImmediate` runs after that point.
 */
export function flushRejections(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Hands a closable to the guard, which closes it before its check; returns it. */
export type Track = <T extends { close(): unknown }>(closable: T) => T;

/**
 * The fault files' per-test guard: each test runs under {@link guardProcess}; after it, what it handed to
 * the returned `track` is closed, pending rejections surface, and the test fails if anything escaped
 * (an exception thrown from a stream's listener or grpc-js' callback lands there, not in the call).
 */
export function guardEachTest(): Track {
  return guardBetween(beforeEach, afterEach);
}

/**
 * {@link guardEachTest} once around the enclosing suite (the file, or the `describe` it is called in), for
 * tests that share servers: the setup and teardown hooks are guarded too, and what is tracked is closed
 * after the suite. Call it before the suite's own `beforeAll`: vitest runs `afterAll` hooks in reverse
 * order, so the check then comes after their teardown.
 */
export function guardSuite(): Track {
  return guardBetween(beforeAll, afterAll);
}

function guardBetween(start: (hook: () => void) => void, end: (hook: () => Promise<void>) => void): Track {
  let guard: ProcessGuard;
  const toClose: { close(): unknown }[] = [];
  start(() => {
    guard = guardProcess();
  });
  end(async () => {
    await Promise.all(toClose.splice(0).map((c) => c.close()));
    await flushRejections();
    expect(guard.stop()).toEqual([]);
  });
  return (closable) => {
    toClose.push(closable);
    return closable;
  };
}
