// Everything measured in fresh Node processes: cold start (median of N processes per client and mode),
// memory (one process per client) and CPU profiles (`node --cpu-prof`, summarised here).
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { ChildTask, ColdStartResult, MemoryResult } from "./child.js";
import type { ClientName } from "./clients/types.js";
import type { LoadSample } from "./load.js";
import { spread, type Spread } from "./stats.js";
import type { Target, Workload } from "./workloads.js";

/** Runs `node <flags> <buildRoot>/bench/child.js <task>` and parses its one-line result. */
export function runChild<T>(buildRoot: string, task: ChildTask, nodeFlags: string[] = []): Promise<{ result: T; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, path.join(buildRoot, "bench", "child.js"), JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`${task.mode} child for ${task.client} failed (${code}): ${err.trim()}`));
      try {
        resolve({ result: JSON.parse(out.trim().split("\n").pop()!) as T, wallMs });
      } catch {
        reject(new Error(`${task.mode} child for ${task.client} printed no result: ${out}${err}`));
      }
    });
  });
}

/** Cold start of one client, medians over the processes, in milliseconds. */
export interface ColdStart {
  client: ClientName;
  processes: number;
  /** Import alone (from the first line of the script to the client module loaded). */
  importMs: Spread;
  /** Import and first call: the client's whole cold start, Node's own boot excluded. */
  importFirstCallMs: Spread;
  /** The same process measured from outside: spawn to exit, Node's boot and teardown included. */
  processWallMs: Spread;
}

/**
 * Cold start: for each client, `processes` fresh processes that only import it and `processes` that
 * import it and complete a GetTask, interleaved across clients so load changes hit all alike.
 */
export async function runColdStart(buildRoot: string, clients: readonly ClientName[], target: Target, processes: number): Promise<ColdStart[]> {
  const importOnly = new Map<ClientName, number[]>(clients.map((c) => [c, []]));
  const firstCall = new Map<ClientName, number[]>(clients.map((c) => [c, []]));
  const wall = new Map<ClientName, number[]>(clients.map((c) => [c, []]));
  for (let i = 0; i < processes; i++) {
    for (const client of clients) {
      const a = await runChild<ColdStartResult>(buildRoot, { mode: "coldstart", client, firstCall: false, target });
      importOnly.get(client)!.push(a.result.importMs);
      const b = await runChild<ColdStartResult>(buildRoot, { mode: "coldstart", client, firstCall: true, target });
      firstCall.get(client)!.push(b.result.importMs + b.result.firstCallMs);
      wall.get(client)!.push(b.wallMs);
    }
  }
  return clients.map((client) => ({
    client,
    processes,
    importMs: spread(importOnly.get(client)!),
    importFirstCallMs: spread(firstCall.get(client)!),
    processWallMs: spread(wall.get(client)!),
  }));
}

/** Memory of one client, in bytes. */
export interface Memory extends MemoryResult {
  client: ClientName;
  calls: number;
}

/** Memory: one process per client, `calls` GetTask calls at `concurrency`. */
export async function runMemory(buildRoot: string, clients: readonly ClientName[], target: Target, calls: number, concurrency: number): Promise<Memory[]> {
  const results: Memory[] = [];
  for (const client of clients) {
    const { result } = await runChild<MemoryResult>(buildRoot, { mode: "memory", client, calls, concurrency, target }, ["--expose-gc"]);
    results.push({ client, calls, ...result });
  }
  return results;
}

/** Where a profile's self time went. */
export interface ProfileSummary {
  client: ClientName;
  /** The workload profiled at concurrency 32, or "cold start" (a whole fresh process up to its first call). */
  workload: Workload | "cold start";
  /** Calls/s during the profile (the profiler slows everything a little); 0 for a cold start. */
  callsPerSec: number;
  /** Self time by package or runtime area, percent of all samples, largest first. */
  byArea: { area: string; pct: number }[];
  /** The functions with the most self time. */
  topFunctions: { fn: string; area: string; pct: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package or part of the runtime a script URL belongs to. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) {
    const m = /^node:(?:internal\/)?([a-z_0-9]+)/.exec(url);
    return `node:${m?.[1] ?? "?"}`;
  }
  for (const [dir, area] of [["/gen/", "ours: gen"], ["/src/", "ours: facade"], ["/bench/", "bench harness"]] as const) {
    if (url.includes(dir)) return area;
  }
  return url;
}

/** Summarises a `.cpuprofile`: self time per area and per function, in percent of non-idle time. */
export function summariseProfile(profile: CpuProfile): Pick<ProfileSummary, "byArea" | "topFunctions"> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByNode = new Map<number, number>();
  let total = 0;
  // Percentages are of busy time: idle is the client waiting on the server, not work it does.
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  profile.samples.forEach((id, i) => {
    if (idle.has(id)) return;
    const dt = profile.timeDeltas[i] ?? 0;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + dt);
    total += dt;
  });
  const areas = new Map<string, number>();
  const fns = new Map<string, { area: string; t: number }>();
  for (const [id, t] of selfByNode) {
    const frame = byId.get(id)!.callFrame;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + t);
    const key = `${frame.functionName || "(anonymous)"} ${path.basename(frame.url)}:${frame.lineNumber + 1}`;
    const entry = fns.get(key) ?? { area, t: 0 };
    entry.t += t;
    fns.set(key, entry);
  }
  const pct = (t: number) => Math.round((t / total) * 1000) / 10;
  return {
    byArea: [...areas].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([area, t]) => ({ area, pct: pct(t) })),
    topFunctions: [...fns].sort((a, b) => b[1].t - a[1].t).slice(0, 12).map(([fn, e]) => ({ fn, area: e.area, pct: pct(e.t) })),
  };
}

/**
 * Profiles one client on one workload at `concurrency` in a fresh process, sampling only the steady
 * state (after a warm-up), and keeps the `.cpuprofile` in `profileDir` for a closer look.
 */
export async function runProfile(
  buildRoot: string,
  profileDir: string,
  client: ClientName,
  workload: Workload,
  target: Target,
  durationMs: number,
  concurrency: number,
): Promise<ProfileSummary & { file: string }> {
  mkdirSync(profileDir, { recursive: true });
  const outFile = path.join(profileDir, `${client}-${workload}.cpuprofile`);
  const { result } = await runChild<LoadSample>(buildRoot, { mode: "profile", client, workload, durationMs, concurrency, target, outFile });
  const summary = summariseProfile(JSON.parse(readFileSync(outFile, "utf8")) as CpuProfile);
  return { client, workload, callsPerSec: result.callsPerSec, ...summary, file: outFile };
}

/**
 * Profiles a cold start with `node --cpu-prof`: a fresh process that imports the client and completes
 * its first call, sampled from Node's start-up on, so module loading shows up by package.
 */
export async function runColdStartProfile(buildRoot: string, profileDir: string, client: ClientName, target: Target): Promise<ProfileSummary & { file: string }> {
  const dir = path.join(profileDir, `cold-${client}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runChild<ColdStartResult>(buildRoot, { mode: "coldstart", client, firstCall: true, target }, [
    "--cpu-prof",
    `--cpu-prof-dir=${dir}`,
    // A finer interval than the default 1 ms: a cold start is short.
    "--cpu-prof-interval=250",
  ]);
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("the profiled cold start wrote no .cpuprofile");
  const summary = summariseProfile(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile);
  return { client, workload: "cold start", callsPerSec: 0, ...summary, file: path.join(dir, file) };
}
