// linkSignals: one signal per call that follows the caller's signal and close(), and leaves nothing
// on them afterwards (AbortSignal.any leaks an entry per call on Node 20).
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { linkSignals } from "../../src/abort.js";

describe("linkSignals", () => {
  it("aborts with the reason of the first source to abort, and unlinks itself", () => {
    const a = new AbortController();
    const b = new AbortController();
    const link = linkSignals(a.signal, undefined, b.signal);
    expect(link.signal.aborted).toBe(false);
    b.abort("closed");
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe("closed");
    expect(getEventListeners(a.signal, "abort")).toHaveLength(0);
    a.abort("later");
    expect(link.signal.reason).toBe("closed");
  });

  it("is aborted at once when a source already is", () => {
    const a = new AbortController();
    a.abort("early");
    const link = linkSignals(undefined, a.signal);
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe("early");
  });

  it("one listener on a shared signal however many calls follow it; dispose() removes it with the last", () => {
    const longLived = new AbortController();
    const links = Array.from({ length: 100 }, () => linkSignals(new AbortController().signal, longLived.signal));
    // One listener fans out to every follower: Node warns from the 11th listener on a signal.
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(1);
    links[0]!.dispose();
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(1);
    for (const l of links) l.dispose();
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(0);
    longLived.abort();
    expect(links.every((l) => !l.signal.aborted)).toBe(true);
  });
});
