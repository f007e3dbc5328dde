// Everything measured in fresh Node processes: cold start (median of N processes per client and mode),
// memory (one process per client) and CPU profiles (V8's profiler, summarised here).
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { ChildTask, ColdStartResult, MemoryResult } from "./child.js";
import type { ClientName, LoadOptions } from "./clients/types.js";
import type { NodeBinary } from "./nodes.js";
import { usPerCall } from "./rounds.js";
import { spread, type Spread } from "./stats.js";
import { startWorker } from "./workers.js";
import { cellName, type Cell, type Target } from "./workloads.js";

/** Runs `<node> <flags> <buildRoot>/bench/child.js <task>` and parses its one-line result. */
export function runChild<T>(buildRoot: string, task: ChildTask, nodeFlags: string[] = [], node: string = process.execPath): Promise<{ result: T; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(node, [...nodeFlags, path.join(buildRoot, "bench", "child.js"), JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      const wallMs = performance.now() - start;
      const what = "client" in task ? `${task.mode} child for ${task.client}` : `${task.mode} child`;
      if (code !== 0) return reject(new Error(`${what} failed (${code}): ${err.trim()}`));
      try {
        resolve({ result: JSON.parse(out.trim().split("\n").pop()!) as T, wallMs });
      } catch {
        reject(new Error(`${what} printed no result: ${out}${err}`));
      }
    });
  });
}

/** A client that could not run in a fresh-process section, and why. */
export interface ProcessMissing {
  section: "coldstart" | "memory";
  node: string;
  client: ClientName;
  reason: string;
}

/** Cold start of one client, medians over the processes, in milliseconds. */
export interface ColdStart {
  client: ClientName;
  /** The Node version the processes ran on. */
  node: string;
  processes: number;
  /** Import alone (from the first line of the script to the client module loaded). */
  importMs: Spread;
  /** Import and first call: the client's whole cold start, Node's own boot excluded. */
  importFirstCallMs: Spread;
  /** The same process measured from outside: spawn to exit, Node's boot and teardown included. */
  processWallMs: Spread;
}

/**
 * Cold start on one Node: for each client, `processes` fresh processes that only import it and
 * `processes` that import it and complete a GetTask, interleaved across clients so load changes hit all alike.
 */
export async function runColdStart(
  buildRoot: string,
  node: NodeBinary,
  clients: readonly ClientName[],
  target: Target,
  processes: number,
  load: LoadOptions,
): Promise<{ rows: ColdStart[]; missing: ProcessMissing[] }> {
  const importOnly = new Map<ClientName, number[]>(clients.map((c) => [c, []]));
  const firstCall = new Map<ClientName, number[]>(clients.map((c) => [c, []]));
  const wall = new Map<ClientName, number[]>(clients.map((c) => [c, []]));
  const missing: ProcessMissing[] = [];
  for (let i = 0; i < processes; i++) {
    for (const client of clients) {
      if (missing.some((m) => m.client === client)) continue;
      try {
        const a = await runChild<ColdStartResult>(buildRoot, { mode: "coldstart", client, firstCall: false, target, load }, [], node.path);
        const b = await runChild<ColdStartResult>(buildRoot, { mode: "coldstart", client, firstCall: true, target, load }, [], node.path);
        importOnly.get(client)!.push(a.result.importMs);
        firstCall.get(client)!.push(b.result.importMs + b.result.firstCallMs);
        wall.get(client)!.push(b.wallMs);
      } catch (error) {
        missing.push({ section: "coldstart", node: node.version, client, reason: (error as Error).message });
      }
    }
  }
  const rows = clients
    .filter((client) => !missing.some((m) => m.client === client))
    .map((client) => ({
      client,
      node: node.version,
      processes,
      importMs: spread(importOnly.get(client)!),
      importFirstCallMs: spread(firstCall.get(client)!),
      processWallMs: spread(wall.get(client)!),
    }));
  return { rows, missing };
}

/** Memory of one client, in bytes. */
export interface Memory extends MemoryResult {
  client: ClientName;
  calls: number;
}

/** Memory: one process per client (on the bench's own Node), `calls` GetTask calls at `concurrency`. */
export async function runMemory(
  buildRoot: string,
  clients: readonly ClientName[],
  target: Target,
  calls: number,
  concurrency: number,
  load: LoadOptions,
): Promise<{ rows: Memory[]; missing: ProcessMissing[] }> {
  const rows: Memory[] = [];
  const missing: ProcessMissing[] = [];
  for (const client of clients) {
    try {
      const { result } = await runChild<MemoryResult>(buildRoot, { mode: "memory", client, calls, concurrency, target, load }, ["--expose-gc"]);
      rows.push({ client, calls, ...result });
    } catch (error) {
      missing.push({ section: "memory", node: process.version, client, reason: (error as Error).message });
    }
  }
  return { rows, missing };
}

/** Where a profile's self time went. */
export interface ProfileSummary {
  client: ClientName;
  /** The cell profiled (e.g. "GetTask c=32"), or "cold start" (a whole fresh process up to its first call). */
  cell: string;
  node: string;
  /** Client CPU per call while profiled, µs (the profiler adds a little); 0 for a cold start. */
  usPerCall: number;
  /** Self time by package or runtime area, percent of busy samples, largest first, with µs per call (0 for a cold start). */
  byArea: { area: string; pct: number; usPerCall: number }[];
  /** The functions with the most self time. */
  topFunctions: { fn: string; area: string; pct: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
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

/**
 * Summarises a `.cpuprofile`: self time per area and per function, in percent of busy time. With
 * `usPerCall` (the CPU per call measured while profiling), each area's share is also given in µs per
 * call: the share of samples times the measured CPU, because a sample's time delta is wall time and a
 * process descheduled on a busy machine would otherwise charge the wait to whatever ran next.
 */
export function summariseProfile(profile: CpuProfile, usPerCall = 0): Pick<ProfileSummary, "byArea" | "topFunctions"> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Not the client's work: idle (waiting on the server), and the profiler's own start and stop
  // (the in-process inspector session, whose first sample also carries the time before sampling began).
  const excluded = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const exclude = (id: number) => {
    excluded.add(id);
    for (const child of byId.get(id)?.children ?? []) exclude(child);
  };
  for (const n of profile.nodes) if (n.callFrame.url === "node:inspector") exclude(n.id);
  const selfByNode = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (excluded.has(id)) return;
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
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([area, t]) => ({ area, pct: pct(t), usPerCall: Math.round((t / total) * usPerCall) })),
    topFunctions: [...fns].sort((a, b) => b[1].t - a[1].t).slice(0, 12).map(([fn, e]) => ({ fn, area: e.area, pct: pct(e.t) })),
  };
}

/**
 * Profiles one client on one cell in a fresh client process on `node`: the process warms up unprofiled,
 * then V8's CPU profiler samples only the measured calls. The `.cpuprofile` is kept in `profileDir`.
 */
export async function runProfile(
  buildRoot: string,
  profileDir: string,
  node: NodeBinary,
  client: ClientName,
  cell: Cell,
  calls: number,
  target: Target,
  load: LoadOptions,
): Promise<ProfileSummary & { file: string }> {
  mkdirSync(profileDir, { recursive: true });
  const file = path.join(profileDir, `${client}-${cell.workload}-c${cell.concurrency}-node${node.version}.cpuprofile`);
  const worker = await startWorker(buildRoot, node, { label: client, client, config: {}, target }, load);
  try {
    const sample = await worker.run({ ...cell, warmupCalls: calls, calls, profileFile: file });
    const us = usPerCall(sample);
    const summary = summariseProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, us);
    return { client, cell: cellName(cell), node: node.version, usPerCall: us, ...summary, file };
  } finally {
    await worker.close();
  }
}

/**
 * Profiles a cold start with `node --cpu-prof`: a fresh process that imports the client and completes
 * its first call, sampled from Node's start-up on, so module loading shows up by package.
 */
export async function runColdStartProfile(
  buildRoot: string,
  profileDir: string,
  node: NodeBinary,
  client: ClientName,
  target: Target,
  load: LoadOptions,
): Promise<ProfileSummary & { file: string }> {
  const dir = path.join(profileDir, `cold-${client}-node${node.version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runChild<ColdStartResult>(
    buildRoot,
    { mode: "coldstart", client, firstCall: true, target, load },
    // A finer interval than the default 1 ms: a cold start is short.
    ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=250"],
    node.path,
  );
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("the profiled cold start wrote no .cpuprofile");
  const summary = summariseProfile(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile);
  return { client, cell: "cold start", node: node.version, usPerCall: 0, ...summary, file: path.join(dir, file) };
}
