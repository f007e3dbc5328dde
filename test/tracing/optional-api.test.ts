// `@opentelemetry/api` is an optional peer: loaded when the first client with tracing on is built,
// never by importing the package, and when it cannot be loaded, calls work on every transport and
// nothing is traced. Each case is a child process (run through children/watch-otel.mjs) so that the
// module cache starts empty and the package can be made unresolvable.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { root } from "../support/build.js";
import { TRANSPORTS } from "./transports.js";

interface OtelLoads {
  readonly requested: string[];
  readonly cached: string[];
}
interface ChildReport {
  readonly afterImport: OtelLoads;
  readonly afterUntracedClient: OtelLoads;
  readonly afterClients: OtelLoads;
  readonly calls: { transport: string; listed: number; missing: string }[];
  readonly traceparents: (string | null)[];
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

const expectedCalls = TRANSPORTS.map((t) => ({ transport: t.name, listed: 0, missing: "TASK_MISSING" }));
const nothing: OtelLoads = { requested: [], cached: [] };

describe("@opentelemetry/api as an optional peer", () => {
  it("is not loaded by importing the package, nor by a client with tracing: false; the first traced client loads it", async () => {
    const report = await runChild("installed");
    expect(report.afterImport).toEqual(nothing);
    expect(report.afterUntracedClient).toEqual(nothing);
    expect(report.afterClients.requested).toContain("require @opentelemetry/api");
    expect(report.afterClients.cached).toEqual(["@opentelemetry/api"]);
    expect(report.calls).toEqual(expectedCalls);
  }, 60_000);

  it("when it cannot be loaded, calls work on every transport and no trace context is sent", async () => {
    const report = await runChild("blocked");
    expect(report.afterImport).toEqual(nothing);
    // The client did look for it (once: the answer is remembered), and found nothing.
    expect(report.afterClients.requested).toEqual(["require @opentelemetry/api"]);
    expect(report.afterClients.cached).toEqual([]);
    expect(report.calls).toEqual(expectedCalls);
    expect(report.traceparents).toEqual(Array(1 + 2 * TRANSPORTS.length).fill(null));
  }, 60_000);
});
