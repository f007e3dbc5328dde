// `@opentelemetry/api` is an optional peer: loaded at the first traced call made once something is
// registered with it (never by importing the package, building a client, or calling while nothing is
// registered), and when it cannot be loaded, calls work on every transport and nothing is traced. Each case is a child process (run through children/watch-otel.mjs) so that the
// module cache starts empty and the package can be made unresolvable.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { root } from "../support/build.js";
import { parseTraceparent } from "../support/otel-sdk.js";
import { TRANSPORTS } from "./transports.js";

interface OtelLoads {
  readonly requested: string[];
  readonly cached: string[];
}
interface ChildReport {
  readonly afterImport: OtelLoads;
  readonly afterUntracedClient: OtelLoads;
  readonly afterClients: OtelLoads;
  readonly afterRegistration: OtelLoads;
  readonly calls: { transport: string; listed: number; missing: string }[];
  readonly traceparentsUnregistered: (string | null)[];
  readonly traceparentsRegistered: (string | null)[];
}

const child = (name: string) => fileURLToPath(new URL(`./children/${name}`, import.meta.url));

/** Runs children/client-calls.ts on every transport; `OTEL_API=blocked` makes the package unresolvable. */
function runChild(otelApi: "installed" | "blocked"): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", child("watch-otel.mjs"), child("client-calls.ts"), JSON.stringify(TRANSPORTS.map((t) => t.name))], {
      cwd: root,
      env: { ...process.env, OTEL_API: otelApi },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => (stdout += d));
    proc.stderr.on("data", (d) => (stderr += d));
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split("\n").pop()!) as ChildReport);
    });
  });
}

// Each transport's calls, before and after registration.
const expectedCalls = [0, 1].flatMap(() => TRANSPORTS.map((t) => ({ transport: t.name, listed: 0, missing: "TASK_MISSING" })));
const noTraceContext = Array(2 * TRANSPORTS.length).fill(null);
const nothing: OtelLoads = { requested: [], cached: [] };

describe("@opentelemetry/api as an optional peer", () => {
  it("is not loaded by importing the package, by clients, or by calls while nothing is registered; the first call after registration loads it", async () => {
    const report = await runChild("installed");
    expect(report.afterImport).toEqual(nothing);
    expect(report.afterUntracedClient).toEqual(nothing);
    expect(report.afterClients).toEqual(nothing);
    expect(report.traceparentsUnregistered).toEqual(noTraceContext);
    // The clients built before registration trace their later calls: each sends its span's context.
    expect(report.afterRegistration.requested).toContain("require @opentelemetry/api");
    expect(report.afterRegistration.cached).toContain("@opentelemetry/api");
    expect(report.traceparentsRegistered).toHaveLength(2 * TRANSPORTS.length);
    expect(report.traceparentsRegistered.every((t) => parseTraceparent(t ?? undefined) !== undefined)).toBe(true);
    expect(report.calls).toEqual(expectedCalls);
  }, 60_000);

  it("when it cannot be loaded, calls work on every transport and no trace context is sent", async () => {
    const report = await runChild("blocked");
    expect(report.afterImport).toEqual(nothing);
    expect(report.afterClients).toEqual(nothing);
    // Once something is registered, the first call looks for it (once: the answer is remembered) and finds nothing.
    expect(report.afterRegistration.requested).toEqual(["require @opentelemetry/api"]);
    expect(report.afterRegistration.cached).toEqual([]);
    expect(report.calls).toEqual(expectedCalls);
    expect([...report.traceparentsUnregistered, ...report.traceparentsRegistered]).toEqual([...noTraceContext, ...noTraceContext]);
  }, 60_000);
});
