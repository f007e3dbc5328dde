// Records every unhandled rejection and uncaught exception while a fault test runs. A client that lets a
// transport failure escape as an orphan promise or an 'error' event without a listener would crash a
// host service; the tests assert that this list stays empty.
import { afterEach, beforeEach, expect } from "vitest";

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

/**
 * The fault files' per-test guard: each test runs under {@link guardProcess}; after it, what it handed to
 * the returned `track` is closed, pending rejections surface, and the test fails if anything escaped
 * (an exception thrown from a stream's listener or grpc-js' callback lands there, not in the call).
 */
export function guardEachTest(): <T extends { close(): unknown }>(closable: T) => T {
  let guard: ProcessGuard;
  const toClose: { close(): unknown }[] = [];
  beforeEach(() => {
    guard = guardProcess();
  });
  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((c) => c.close()));
    await flushRejections();
    expect(guard.stop()).toEqual([]);
  });
  return (closable) => {
    toClose.push(closable);
    return closable;
  };
}
