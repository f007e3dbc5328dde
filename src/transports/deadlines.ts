// The deadlines of a transport's calls on one Node timer. A timer per call costs more than it seems with
// few calls in flight: each deadline is a new duration, so Node makes a timer list for it, puts it in
// its queue and re-arms libuv's timer, then drops the list when the call ends (measured: +7% CPU per
// GetTask at concurrency 1 over the raw transport, in one process). Here the timer is armed for the
// soonest deadline only, and left armed when calls end: a call's deadline is nearly always later than
// the one armed, so a call costs a set entry, and the timer wakes once per armed deadline.

import { defaultNow } from "../deadline.js";

/** Node's largest timer delay: a longer one would fire at once (TimeoutOverflowWarning). */
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Deadline {
  readonly at: number;
  readonly fire: () => void;
}

/** The deadlines of the calls in flight, on one timer. @internal */
export class Deadlines {
  readonly #pending = new Set<Deadline>();
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Number.POSITIVE_INFINITY;

  /** @param now - the clock (milliseconds, monotonic); default {@link defaultNow}. */
  constructor(now: () => number = defaultNow) {
    this.#now = now;
  }

  /** Calls `fire` once `ms` have passed, unless the returned function is called first. */
  add(ms: number, fire: () => void): () => void {
    const deadline: Deadline = { at: this.#now() + Math.max(0, ms), fire };
    this.#pending.add(deadline);
    if (deadline.at < this.#armedAt) this.#arm(deadline.at);
    // A timer left armed with nothing pending must not keep the process alive; one with calls pending
    // does, like the timer of each call did.
    else if (this.#pending.size === 1) this.#timer?.ref();
    return () => {
      if (this.#pending.delete(deadline) && this.#pending.size === 0) this.#timer?.unref();
    };
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.min(MAX_DELAY_MS, Math.max(0, at - this.#now())));
  }

  /** Fires the deadlines that have passed and arms the timer for the soonest left. */
  #expire(): void {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.#now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const deadline of [...this.#pending]) {
      if (deadline.at <= now) {
        this.#pending.delete(deadline);
        deadline.fire();
      } else if (deadline.at < soonest) {
        soonest = deadline.at;
      }
    }
    // A deadline added by a `fire` above armed the timer itself.
    if (soonest < this.#armedAt && this.#pending.size > 0) this.#arm(soonest);
  }
}
