// Records every unhandled rejection and uncaught exception while a fault test runs. A client that lets a
// transport failure escape as an orphan promise or an 'error' event without a listener would crash a
// host service; the tests assert that this list stays empty.

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
