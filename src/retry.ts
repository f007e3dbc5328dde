// Retries as one step of the call path, with the policy as data (nice-grpc's middleware, gax's per-method
// table): which RPCs may be repeated on which failures, exponential backoff with full jitter, a cap, a
// maximum attempt count, and the call's total deadline respected (no wait that the deadline would cut).
import { Code, ConnectError } from "@connectrpc/connect";
import { onAbort } from "./abort.js";
import { StatusCode } from "../gen/clarifai/api/status/status_code_pb.js";
import { abortableSleep, defaultNow, MAX_TIMEOUT_MS } from "./deadline.js";
import type { ClarifaiError } from "./errors.js";
import type { Redactor } from "./redact.js";
import { rejectUnknownKeys } from "./unknown-keys.js";
import { isAnswerTooLarge, isHandshakeRefused, provablyNotSent, responseStatusCode, statusFailure, toClarifaiError } from "./status.js";

/**
 * How safe an RPC is to repeat:
 * - `"read"`: no effect on the server (Get, List, counts);
 * - `"delete"`: repeating gives the same end state (a repeated delete may answer "not found");
 * - `"write"`: creates or changes something; repeated only when the failure proves nothing was done.
 */
export type MethodKind = "read" | "delete" | "write";

/**
 * The failures on which one kind of RPC is retried. A rule you pass in `rules` replaces the default
 * rule of its kind whole (see {@link defaultRetryRules}), so give all three fields.
 */
export interface RetryRule {
  /**
   * gRPC codes of transport failures to retry. Default: `[UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED]`
   * for reads and deletes, `[]` for writes.
   */
  readonly grpcCodes: readonly Code[];
  /**
   * Clarifai status codes (in an OK response) to retry. Default: the "try again" statuses listed at
   * {@link defaultRetryRules} for reads and deletes; for writes only the throttling statuses that
   * reject before processing (CONN_THROTTLED, CONN_EXCEED_HOURLY_LIMIT, RPC_REQUEST_QUEUE_FULL).
   * For writes, list only statuses that mean nothing was applied: the client retries them and, if the
   * call then ends (abort, deadline), reports the outcome as known.
   */
  readonly statusCodes: readonly StatusCode[];
  /**
   * Retry an `UNAVAILABLE` failure that provably never reached the server (connection refused, name
   * not resolved, REFUSED_STREAM, …, as raised by the client itself, never a server's status text).
   * Default `true` for every kind.
   */
  readonly notSent: boolean;
}

/** What `onRetry` is told before each wait. */
export interface RetryEvent {
  /** RPC name, e.g. `GetTask`. */
  readonly method: string;
  /** The attempt that just failed (1 for the first). */
  readonly attempt: number;
  /** How long the client waits before the next attempt. */
  readonly delayMs: number;
  /** The failure of that attempt. */
  readonly error: ClarifaiError;
}

/** A complete retry policy. Pass a `RetryOptions` (any subset) to the client; the rest comes from {@link defaultRetryPolicy}. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 4. `1` disables retries. */
  readonly maxAttempts: number;
  /** Upper bound of the first wait, in ms. Default 200. At most 2 147 483 647 (2^31 - 1). */
  readonly initialBackoffMs: number;
  /**
   * Cap of any wait, in ms. Default 5000. At most 2 147 483 647 (2^31 - 1, about 24.8 days, the
   * longest timer Node sets); a larger value is a TypeError.
   */
  readonly maxBackoffMs: number;
  /** Growth of the bound per attempt. Default 2. */
  readonly multiplier: number;
  /** Kind of each RPC; an RPC not listed counts as `"write"`. Default {@link defaultMethodKinds}. */
  readonly methods: Readonly<Record<string, MethodKind>>;
  /** What each kind retries on. Default {@link defaultRetryRules}. */
  readonly rules: Readonly<Record<MethodKind, RetryRule>>;
  /** Called before each wait (for logs/metrics); must not throw. Default: none. */
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Uniform random in [0, 1) for the jitter. Default `Math.random`. Inject for deterministic tests. */
  readonly random: () => number;
  /** Waits `ms` or rejects with `signal.reason` when it aborts. Default: a `setTimeout` that the signal cuts short. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Monotonic milliseconds, to measure the time left before the deadline. Default: `process.hrtime` in milliseconds. */
  readonly now: () => number;
}

/** Any subset of a {@link RetryPolicy}; the rest is filled from {@link defaultRetryPolicy}. */
export type RetryOptions = Partial<RetryPolicy>;

/** The in-scope RPCs by kind. */
export const defaultMethodKinds: Readonly<Record<string, MethodKind>> = Object.freeze({
  GetTask: "read",
  ListTasks: "read",
  GetTaskAnnotationCount: "read",
  GetTaskInputCount: "read",
  GetCollector: "read",
  ListCollectors: "read",
  DeleteTasks: "delete",
  DeleteCollectors: "delete",
  PostTasks: "write",
  PatchTasks: "write",
  PostCollectors: "write",
  PatchCollectors: "write",
});

// Clarifai statuses that reject a request before any work: the request was not processed.
const rejectedUnprocessed: readonly StatusCode[] = [
  StatusCode.CONN_THROTTLED,
  StatusCode.CONN_EXCEED_HOURLY_LIMIT,
  StatusCode.RPC_REQUEST_QUEUE_FULL,
];

const idempotentRule: RetryRule = Object.freeze({
  grpcCodes: Object.freeze([Code.Unavailable, Code.ResourceExhausted, Code.Aborted]),
  statusCodes: Object.freeze([
    ...rejectedUnprocessed,
    StatusCode.TRY_AGAIN,
    StatusCode.RPC_SERVER_UNAVAILABLE,
    StatusCode.RPC_REQUEST_TIMEOUT,
    StatusCode.DATABASE_STATEMENT_TIMEOUT,
    StatusCode.DATABASE_DEADLOCK_DETECTED,
    StatusCode.DATABASE_FAIL_TO_GET_CONNECTIONS,
    StatusCode.DATABASE_TOO_MANY_CLIENTS,
    StatusCode.INTERNAL_FETCHING_ISSUE,
    StatusCode.INTERNAL_DATABASE_ISSUE,
    StatusCode.INTERNAL_UNEXPECTED_TIMEOUT,
    StatusCode.INTERNAL_REDIS_UNAVAILABLE,
    StatusCode.INTERNAL_RESOURCE_EXHAUSTED,
  ]),
  notSent: true,
});

/**
 * Default rules: reads and deletes retry on UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED and the
 * Clarifai "try again" statuses (TRY_AGAIN, CONN_THROTTLED, CONN_EXCEED_HOURLY_LIMIT,
 * RPC_REQUEST_QUEUE_FULL, RPC_SERVER_UNAVAILABLE, transient DATABASE_* and INTERNAL_* 98xxx);
 * writes only on failures that prove nothing was done (connection never made, or a throttling
 * status that rejects before processing).
 */
export const defaultRetryRules: Readonly<Record<MethodKind, RetryRule>> = Object.freeze({
  read: idempotentRule,
  delete: idempotentRule,
  write: Object.freeze({ grpcCodes: Object.freeze([]), statusCodes: Object.freeze([...rejectedUnprocessed]), notSent: true }),
});

/** The default policy: 4 attempts, waits drawn from [0, min(5000, 200·2ⁿ⁻¹)) ms, the table above. */
export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  initialBackoffMs: 200,
  maxBackoffMs: 5000,
  multiplier: 2,
  methods: defaultMethodKinds,
  rules: defaultRetryRules,
  onRetry: undefined,
  random: Math.random,
  sleep: abortableSleep,
  now: defaultNow,
});

const policyKeys: ReadonlySet<string> = new Set(Object.keys(defaultRetryPolicy));

/** Fills a policy from options; rejects unknown keys and nonsense numbers. @internal */
export function resolveRetryPolicy(options: RetryOptions): RetryPolicy {
  rejectUnknownKeys("retry options", options, policyKeys);
  const policy: RetryPolicy = {
    ...defaultRetryPolicy,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    methods: { ...defaultMethodKinds, ...(options.methods ?? {}) },
    rules: { ...defaultRetryRules, ...(options.rules ?? {}) },
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new TypeError(`retry.maxAttempts must be an integer ≥ 1, got ${policy.maxAttempts}`);
  for (const key of ["initialBackoffMs", "maxBackoffMs", "multiplier"] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) throw new TypeError(`retry.${key} must be a non-negative number, got ${policy[key]}`);
  }
  // A wait longer than Node's longest timer would fire after 1 ms: refused, not shortened.
  for (const key of ["initialBackoffMs", "maxBackoffMs"] as const) {
    if (policy[key] > MAX_TIMEOUT_MS) throw new TypeError(`retry.${key} must be at most ${MAX_TIMEOUT_MS} ms (about 24.8 days), got ${policy[key]}`);
  }
  return policy;
}

/** The kind of an RPC under a policy (`"write"` when unlisted: the safe default). */
export function methodKind(policy: Pick<RetryPolicy, "methods"> | undefined, method: string): MethodKind {
  return (policy ?? defaultRetryPolicy).methods[method] ?? defaultMethodKinds[method] ?? "write";
}

/** The wait after failed attempt `attempt` (1-based): full jitter over the capped exponential bound. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const bound = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (attempt - 1));
  return Math.floor(policy.random() * bound);
}

/** Filled by {@link runWithRetries} so the final error can say how many attempts were made. @internal */
export interface RetryRecord {
  attempts: number;
  previousErrors: ClarifaiError[];
  /**
   * `true` while no attempt is in flight and every failed one is proven to have done nothing (never
   * sent, or answered with a failure status): an abort or deadline in the backoff then leaves the
   * outcome known. `false` while an attempt is in flight.
   */
  nothingApplied: boolean;
}

/** One call under a retry policy. @internal */
export interface RetryRun {
  /** RPC name. */
  readonly method: string;
  /** The policy; `undefined` runs one attempt. */
  readonly policy: RetryPolicy | undefined;
  /** Ends the attempts and cuts a backoff short (the caller's abort, close()). */
  readonly signal: AbortSignal;
  /** When the call's deadline passes, on `clock`; `undefined` for none. */
  readonly deadlineAt: number | undefined;
  /** The time the call had when it began (what the first attempt is told). Default: from `deadlineAt`. */
  readonly timeoutMs?: number | undefined;
  /** The clock of `deadlineAt` (the policy's `now` when there is a policy). */
  readonly clock: () => number;
  /** Scrubs the PAT from the failures it records. */
  readonly redact: Redactor;
  /** Filled as attempts are made. */
  readonly record: RetryRecord;
  /** Told of each retry after the policy's own `onRetry` (tracing). */
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

/**
 * Runs `attempt` until it succeeds, fails in a way the policy does not retry, runs out of attempts, or
 * the next wait would outlive the deadline. `attempt` gets the time left in ms (`undefined` for none)
 * and resolves with the response message, whose Clarifai status may itself be a retried failure
 * (then the last such response is returned when retrying ends: the caller checks it). A failure is
 * thrown as the transport raised it; the caller converts it. An abort is never retried and a wait is
 * cut short by it. @internal
 */
export function runWithRetries<R extends { readonly message: object }>(run: RetryRun, attempt: (timeoutMs: number | undefined) => Promise<R>): Promise<R>;
/**
 * {@link runWithRetries}, its outcome handed to `settle`: `settle.done` with the response that ends
 * the attempts, `settle.failed` with the failure that does. The same as `.then(done, failed)` on its
 * promise, one reaction and one promise fewer on a plain success (nearly every call): the caller's
 * handlers run in the reaction to the first attempt itself. @internal
 */
export function runWithRetries<R extends { readonly message: object }, T>(run: RetryRun, attempt: (timeoutMs: number | undefined) => Promise<R>, settle: RetrySettle<R, T>): Promise<T>;
export function runWithRetries<R extends { readonly message: object }, T>(
  run: RetryRun,
  attempt: (timeoutMs: number | undefined) => Promise<R>,
  settle: RetrySettle<R, R | T> = passThrough<R>(),
): Promise<R | T> {
  // The first attempt is told the caller's time as given. Started here, outside the loop's async
  // function: a call answered SUCCESS at once (nearly every call) then takes no async frame, and the
  // retry step allocates 305 bytes a call instead of 712 (sampled, in a loop over an attempt that
  // resolves at once). Anything else goes through the loop as before, this attempt's outcome its first.
  const left = run.deadlineAt === undefined ? undefined : run.timeoutMs !== undefined ? run.timeoutMs : run.deadlineAt - run.clock();
  // In flight: until it fails in a way that proves otherwise, this attempt may be applied.
  run.record.nothingApplied = false;
  let first: Promise<R>;
  try {
    first = attempt(left);
  } catch (error) {
    first = Promise.reject(error);
  }
  // On SUCCESS the record stays as the call made it: it is read only for a failure. `done` runs in
  // this reaction on a plain success; what it throws rejects the call as it would from
  // `.then(done, failed)`, without passing through `failed`. A response that cannot be read (no
  // message) is the attempt's failure, and goes to `failed` as it does in the loop.
  return first.then(
    (response) => {
      let success: boolean;
      try {
        success = responseStatusCode(response.message) === StatusCode.SUCCESS;
      } catch (error) {
        return settle.failed(error);
      }
      return success ? settle.done(response) : retrying(run, attempt, Promise.resolve(response)).then(settle.done, settle.failed);
    },
    (error: unknown) => retrying(run, attempt, Promise.reject(error)).then(settle.done, settle.failed),
  );
}

// The outcome as it is: what runWithRetries without a settle, and a raw call, take.
const PASS_THROUGH: RetrySettle<unknown, unknown> = {
  done: (response) => response,
  failed: (error) => {
    throw error;
  },
};

/** The settle that hands the outcome on as it is (the response, or the failure as raised). @internal */
export function passThrough<R>(): RetrySettle<R, R> {
  return PASS_THROUGH as RetrySettle<R, R>;
}

/**
 * What ends a call's attempts: see {@link runWithRetries}. Plain functions (`this: void`): they are
 * called as methods on a first success and handed to `then` after a retry. @internal
 */
export interface RetrySettle<R, T> {
  /** Given the response that ends the attempts (its status may be a failure the policy does not retry, or the last retried one). */
  readonly done: (this: void, response: R) => T;
  /** Given the failure that ends the attempts, as the transport raised it; throws. */
  readonly failed: (this: void, error: unknown) => never;
}

/** The attempts after the first's outcome, `first`, that was not a plain success: see {@link runWithRetries}. */
async function retrying<R extends { readonly message: object }>(run: RetryRun, attempt: (timeoutMs: number | undefined) => Promise<R>, first: Promise<R>): Promise<R> {
  const { policy, method, record, signal } = run;
  const kind = methodKind(policy, method);
  const rule = policy?.rules[kind];
  const maxAttempts = policy?.maxAttempts ?? 1;
  const previousErrors: ClarifaiError[] = [];
  // Whether every attempt that has failed so far is proven to have done nothing.
  let nothingApplied = true;
  // No closure in this function, and the failure context built only for a failure: every call not
  // answered SUCCESS at once runs it (a status failure that is not retried, say).
  for (let n = 1; ; n++) {
    // The first attempt was made by runWithRetries; later ones are told what the clock says is left.
    // In flight: until it fails in a way that proves otherwise, this attempt may be applied.
    record.nothingApplied = false;
    let failure: ClarifaiError;
    let outcome: { readonly response: R } | { readonly error: unknown };
    try {
      const response = await (n === 1 ? first : attempt(run.deadlineAt === undefined ? undefined : run.deadlineAt - run.clock()));
      const code = responseStatusCode(response.message);
      if (code === StatusCode.SUCCESS || !rule || !rule.statusCodes.includes(code)) {
        finish(record, n, previousErrors, nothingApplied);
        return response;
      }
      // The server answered with a failure status: it says what happened, and it was not applied.
      failure = statusFailure(response.message, { method, redact: run.redact, attempts: n })!;
      outcome = { response };
    } catch (error) {
      // An attempt aborted mid-flight may have been applied: leave nothingApplied false.
      if (signal.aborted || !rule) {
        nothingApplied = nothingApplied && !signal.aborted && provablyNotSent(error);
        finish(record, n, previousErrors, nothingApplied);
        throw error;
      }
      nothingApplied &&= provablyNotSent(error);
      finish(record, n, previousErrors, nothingApplied);
      failure = toClarifaiError(error, { method, idempotent: kind !== "write", redact: run.redact, attempts: n });
      const code = failure.grpcCode;
      const retryable = rule.grpcCodes.includes(code) || (rule.notSent && code === Code.Unavailable && provablyNotSent(error));
      // A certificate nobody trusts, a server that does not speak TLS or no HTTP version in common
      // stays so: retrying only delays the error. So does an answer too large to take (the server
      // processed the request and would send it again).
      if (!retryable || isHandshakeRefused(error) || isAnswerTooLarge(error)) throw error;
      outcome = { error };
    }
    finish(record, n, previousErrors, nothingApplied);
    if (n >= maxAttempts || !policy) return lastOutcome(outcome);
    const delayMs = backoffDelay(policy, n);
    // A wait that outlives the deadline only turns a meaningful error into DEADLINE_EXCEEDED.
    if (run.deadlineAt !== undefined && run.clock() + delayMs >= run.deadlineAt) return lastOutcome(outcome);
    const event = { method, attempt: n, delayMs, error: failure };
    for (const hook of [policy.onRetry, run.onRetry]) {
      try {
        hook?.(event);
      } catch {
        // A logging hook must not change the outcome of the call.
      }
    }
    previousErrors.push(failure);
    await backoff(policy, delayMs, signal, run.deadlineAt === undefined ? undefined : run.deadlineAt - run.clock());
  }
}

/** What the attempts so far tell the caller. */
function finish(record: RetryRecord, attempts: number, previousErrors: ClarifaiError[], nothingApplied: boolean): void {
  record.attempts = attempts;
  record.previousErrors = previousErrors;
  record.nothingApplied = nothingApplied;
}

/** The last attempt's outcome, once retrying ends: its response, or its failure thrown. */
function lastOutcome<R>(outcome: { readonly response: R } | { readonly error: unknown }): R {
  if ("error" in outcome) throw outcome.error;
  return outcome.response;
}

/**
 * The policy's wait, cut short by the call's signal and by its deadline (`leftMs`): a `sleep` that
 * outlives the deadline rejects with DEADLINE_EXCEEDED when the deadline passes.
 */
async function backoff(policy: RetryPolicy, delayMs: number, signal: AbortSignal, leftMs: number | undefined): Promise<void> {
  // Aborted since the attempt failed (by the onRetry hook, say): onAbort would never call back.
  if (signal.aborted) throw signal.reason;
  if (leftMs === undefined) return policy.sleep(delayMs, signal);
  const wait = new AbortController();
  const stop = onAbort(signal, (reason) => wait.abort(reason));
  const timer = setTimeout(() => wait.abort(new ConnectError("the deadline passed during the retry backoff", Code.DeadlineExceeded)), Math.max(0, leftMs));
  try {
    await policy.sleep(delayMs, wait.signal);
  } finally {
    clearTimeout(timer);
    stop();
  }
}
