// A Node warning printed during the suite is a bug somewhere (a MaxListenersExceededWarning from a
// shared AbortSignal, a deprecated API, an unhandled-rejection notice), and a green run next to it
// hides it. This setup file (vitest.config.ts `setupFiles`, so it runs in every worker) fails the
// test during which a warning was emitted, and the file when one arrives outside any test. A test
// that provokes a warning on purpose says so with `allowWarning(…)`.
import { afterAll, afterEach, beforeEach } from "vitest";

/** Which warnings a test provokes on purpose: by `name` (e.g. `"DeprecationWarning"`) and/or message. */
export interface WarningMatcher {
  /** The warning's `name`. Default: any name. */
  readonly name?: string;
  /** A substring or pattern of its `message`. Default: any message. */
  readonly message?: string | RegExp;
  /** A pattern its stack must match (where it came from). Default: any origin. */
  readonly from?: RegExp;
  /** Why the warning is expected, for whoever reads the test. */
  readonly reason: string;
}

/**
 * Warnings that may appear anywhere in the suite, each with the reason it is not a bug of ours. Keep
 * it empty unless a dependency or Node itself warns and nothing in this repository can avoid it.
 */
const SUITE_ALLOWED: readonly WarningMatcher[] = [
  {
    name: "DeprecationWarning",
    message: "Setting the TLS ServerName to an IP address",
    from: /@grpc[\\/]grpc-js/,
    reason:
      "grpc-js sets the TLS servername to the target host even when it is an IP address (channel-credentials.js); " +
      "the TLS tests reach 127.0.0.1 through the grpc-js transport, and no option of grpc-js avoids it",
  },
];

interface State {
  /** Warnings received since the last check. */
  pending: Error[];
  /** Warnings that arrived outside a test (at import, between tests), reported when the file ends. */
  outside: Error[];
  /** What the running test allowed. */
  allowed: WarningMatcher[];
}

// One listener per worker process, however many test files the worker runs: the setup file is
// evaluated again for each file, and a listener per file would pile up (and warn, itself).
const key = Symbol.for("clarifai-grpc-es/test-warnings");
const holder = globalThis as typeof globalThis & { [key]?: State };
const state: State = (holder[key] ??= (() => {
  const s: State = { pending: [], outside: [], allowed: [] };
  process.on("warning", (w) => s.pending.push(w));
  return s;
})());
state.pending = [];
state.outside = [];

/**
 * Lets the running test emit warnings that match `matcher` (only this test; the allowance ends with it).
 *
 * @example allowWarning({ name: "DeprecationWarning", message: /DEP0005/, reason: "the test checks the fallback for Buffer()" })
 */
export function allowWarning(matcher: WarningMatcher): void {
  state.allowed.push(matcher);
}

function matches(w: Error, m: WarningMatcher): boolean {
  if (m.name !== undefined && w.name !== m.name) return false;
  if (m.from !== undefined && !m.from.test(w.stack ?? "")) return false;
  if (m.message === undefined) return true;
  return typeof m.message === "string" ? w.message.includes(m.message) : m.message.test(w.message);
}

function unexpected(warnings: readonly Error[], allowed: readonly WarningMatcher[]): Error[] {
  return warnings.filter((w) => ![...SUITE_ALLOWED, ...allowed].some((m) => matches(w, m)));
}

function describe(warnings: readonly Error[], when: string): string {
  const lines = warnings.map((w) => {
    // The first frame outside Node itself: the code that made Node warn.
    const site = w.stack?.split("\n").slice(1).find((l) => !/\(?node:[\w/]+:\d+/.test(l))?.trim();
    return `  ${w.name}: ${w.message}${site ? `\n    ${site}` : ""}`;
  });
  return `Node printed ${warnings.length === 1 ? "a warning" : `${warnings.length} warnings`} ${when}:\n${lines.join("\n")}\n` +
    "Fix the cause, or, if the test provokes it on purpose, call allowWarning({ name, message, reason }) in it (test/setup/warnings.ts).";
}

// process.emitWarning delivers on the next tick; one turn of the event loop lets the last ones arrive.
const settle = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(async () => {
  await settle();
  state.outside.push(...state.pending);
  state.pending = [];
  state.allowed = [];
});

afterEach(async () => {
  await settle();
  const found = unexpected(state.pending, state.allowed);
  state.pending = [];
  state.allowed = [];
  if (found.length > 0) throw new Error(describe(found, "during this test"));
});

afterAll(async () => {
  await settle();
  const found = unexpected([...state.outside, ...state.pending], []);
  state.outside = [];
  state.pending = [];
  if (found.length > 0) throw new Error(describe(found, "in this file outside its tests (at import, in a hook, or after a test ended)"));
});
