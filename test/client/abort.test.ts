// linkSignals: one signal per call that follows the caller's signal and close(), and leaves nothing
// on them afterwards (AbortSignal.any leaks an entry per call on Node 20).
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { keepListening, linkSignals, onAbort } from "../../src/abort.js";
import { flushRejections, guardProcess } from "../support/hostile/process-guard.js";

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

  it("a source carries one listener however many links follow it, and none once they are all disposed", () => {
    const longLived = new AbortController();
    const links = Array.from({ length: 100 }, () => linkSignals(new AbortController().signal, longLived.signal));
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(1);
    for (const l of links.slice(1)) l.dispose();
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(1);
    links[0]!.dispose();
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(0);
    longLived.abort();
    expect(links.every((l) => !l.signal.aborted)).toBe(true);
  });

  it("a shared source that aborts aborts every link following it, each then unlinked from its other sources", () => {
    const shared = new AbortController();
    const own = [new AbortController(), new AbortController()];
    const links = own.map((c) => linkSignals(c.signal, shared.signal));
    shared.abort("service stopping");
    expect(links.map((l) => [l.signal.aborted, l.signal.reason])).toEqual([
      [true, "service stopping"],
      [true, "service stopping"],
    ]);
    for (const c of own) expect(getEventListeners(c.signal, "abort")).toHaveLength(0);
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
  });

  it("a source whose links were all disposed can be followed again", () => {
    const source = new AbortController();
    linkSignals(source.signal).dispose();
    const again = linkSignals(source.signal, source.signal);
    expect(getEventListeners(source.signal, "abort")).toHaveLength(1);
    source.abort("now");
    expect(again.signal.reason).toBe("now");
  });
});

describe("keepListening", () => {
  it("keeps a kept signal's one listener between followers, which it still fans out to; other signals keep none", () => {
    const closing = new AbortController();
    const other = new AbortController();
    keepListening(closing.signal);
    for (let i = 0; i < 3; i++) {
      onAbort(closing.signal, () => {})();
      onAbort(other.signal, () => {})();
    }
    expect(getEventListeners(closing.signal, "abort")).toHaveLength(1);
    expect(getEventListeners(other.signal, "abort")).toHaveLength(0);
    const reasons: unknown[] = [];
    const stop = onAbort(closing.signal, (reason) => reasons.push(reason));
    onAbort(closing.signal, (reason) => reasons.push(reason));
    stop();
    expect(getEventListeners(closing.signal, "abort")).toHaveLength(1);
    closing.abort("closed");
    expect(reasons).toEqual(["closed"]);
    expect(getEventListeners(closing.signal, "abort")).toHaveLength(0);
  });
});


describe("onAbort's fan-out", () => {
  it("a listener that throws neither stops the others nor escapes from the abort event", async () => {
    const guard = guardProcess();
    const source = new AbortController();
    const reached: string[] = [];
    onAbort(source.signal, () => {
      reached.push("first");
      throw new ReferenceError("a listener's own bug");
    });
    onAbort(source.signal, (reason) => reached.push(`second: ${String(reason)}`));
    source.abort("closed");
    await flushRejections();
    expect(guard.stop()).toEqual([]);
    expect(reached).toEqual(["first", "second: closed"]);
  });
});
