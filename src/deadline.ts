// Deadlines. Every call has one (connect-node and grpc-js both have hangs that only a deadline ends);
// it covers all attempts and backoff, and travels as the `grpc-timeout` request header, which each
// retry rewrites to what is left (gax-style: the total deadline shrinks each attempt's timeout).
import { onAbort } from "./abort.js";

/** The gRPC request header carrying the deadline. */
export const GRPC_TIMEOUT_HEADER = "grpc-timeout";

/**
 * The longest finite time a call may be given, in ms: 2^31 - 1 (about 24.8 days), the longest delay
 * Node's timers take. A longer one fires after 1 ms instead (with a TimeoutOverflowWarning), which
 * would end the call at once, and grpc-js cannot make a `Date` of one past ~8.64e15. @internal
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Throws a TypeError naming `what` when `ms` is finite and longer than {@link MAX_TIMEOUT_MS}: refused
 * rather than shortened, since a deadline the caller did not ask for is worse than an error. @internal
 */
export function checkMaxTimeout(what: string, ms: number): void {
  if (ms > MAX_TIMEOUT_MS && ms !== Infinity) {
    throw new TypeError(`${what} must be at most ${MAX_TIMEOUT_MS} ms (about 24.8 days), got ${ms}; for a call without a deadline, pass timeoutMs: Infinity in its call options`);
  }
}

/**
 * Encodes milliseconds as a `grpc-timeout` value (at most 8 digits, as the spec requires), rounded up
 * to the unit, except past {@link MAX_TIMEOUT_MS}: a Node server sets a timer of what it is told, and
 * one longer than that fires after 1 ms (a connect-node server then ends the call at once). @internal
 */
export function encodeGrpcTimeout(ms: number): string {
  const value = Math.max(0, Math.ceil(ms));
  if (value < 1e8) return `${value}m`;
  const seconds = Math.ceil(value / 1000);
  if (seconds < 1e8) return `${seconds * 1000 > MAX_TIMEOUT_MS && value <= MAX_TIMEOUT_MS ? Math.floor(value / 1000) : seconds}S`;
  return `${Math.min(99_999_999, Math.ceil(seconds / 60))}M`;
}

const units: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** Parses a `grpc-timeout` value to milliseconds; `undefined` when absent or malformed. @internal */
export function parseGrpcTimeout(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * units[m[2]!]!;
}

/** What a call says about its deadline (a subset of `CallOptions`). */
export interface DeadlineOptions {
  readonly timeoutMs?: number | undefined;
  readonly deadline?: Date | number | undefined;
}

/**
 * The time a call has, in ms, from its options: the earlier of `timeoutMs` (default: the client's)
 * and the absolute `deadline` (a `Date` or epoch milliseconds, as grpc-js writes deadlines; `Infinity`
 * means none). `0` or less means the deadline has already passed: the call fails with
 * DEADLINE_EXCEEDED without sending anything. A value that is not a time at all, or a finite time
 * longer than {@link MAX_TIMEOUT_MS}, is a programming error (TypeError). @internal
 */
export function timeLeftMs(options: DeadlineOptions, clientTimeoutMs: number, nowEpochMs: () => number = Date.now): number {
  let left = clientTimeoutMs;
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined) {
    if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) throw new TypeError(`timeoutMs must be a number of milliseconds, got ${String(timeoutMs)}`);
    checkMaxTimeout("timeoutMs", timeoutMs);
    left = timeoutMs;
  }
  const deadline = options.deadline;
  if (deadline !== undefined) {
    const at = deadline instanceof Date ? deadline.getTime() : deadline;
    if (typeof at !== "number" || Number.isNaN(at)) throw new TypeError(`deadline must be a Date or epoch milliseconds, got ${String(deadline)}`);
    // Infinity (no deadline) leaves `left` as it is: Infinity minus the time now is Infinity.
    left = Math.min(left, at - nowEpochMs());
    // Only a call with `timeoutMs: Infinity` gets here with more: its deadline is then this one.
    checkMaxTimeout("deadline (the time from now to it)", left);
  }
  return left;
}

/**
 * The monotonic clock used by default, in milliseconds from an arbitrary start (`process.hrtime`,
 * immune to wall-clock jumps). Not `performance.now()`: its first use loads Node's perf_hooks (2.3 ms
 * in a fresh process, 5.5 to 6.6 ms once node:http2 is loaded), which every client paid in its first call.
 */
export const defaultNow = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Waits `ms`, or rejects with the signal's reason as soon as `signal` aborts (a backoff must never
 * outlive the caller's interest or the deadline). The default `sleep` of the retry policy.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // Through onAbort: many calls in backoff at once may share one signal (the client's close signal).
    const stop = signal
      ? onAbort(signal, (reason) => {
          clearTimeout(timer);
          reject(reason);
        })
      : undefined;
    const timer = setTimeout(() => {
      stop?.();
      resolve();
    }, Math.max(0, ms));
  });
}
