// One AbortSignal that follows several others, for as long as one call lasts.

/** A signal that aborts when any of its sources does, and the function that unlinks it. @internal */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Removes the listeners from the sources; call it when the call ends, whatever its outcome. */
  dispose(): void;
}

/**
 * Links `sources` (undefined ones are skipped) into one signal that aborts with the reason of the first
 * source to abort. Unlike `AbortSignal.any`, it leaves nothing behind on the sources once disposed:
 * on Node 20, `AbortSignal.any` adds an entry to every source that is never removed, so linking each
 * call to the client's long-lived close signal that way grows the heap by ~50 bytes a call.
 * @internal
 */
export function linkSignals(...sources: (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const live = sources.filter((s): s is AbortSignal => s !== undefined);
  const already = live.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = function (this: AbortSignal) {
    controller.abort(this.reason);
    dispose();
  };
  const dispose = () => {
    for (const s of live) s.removeEventListener("abort", onAbort);
  };
  for (const s of live) s.addEventListener("abort", onAbort);
  return { signal: controller.signal, dispose };
}
