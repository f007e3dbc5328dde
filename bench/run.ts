// One bench run: start the emulator, seed it, connect the clients, run the sections, compute the goals.
// The CLI (main.ts) and the smoke test both call runBench; they differ only in preset and server.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCodecBench } from "./codec.js";
import { CLIENT_NAMES, loadClient, type BenchClient, type ClientName } from "./clients/index.js";
import { footprints, ownPackageBytes } from "./footprint.js";
import { runColdStart, runColdStartProfile, runMemory, runProfile, type ProfileSummary } from "./processes.js";
import { computeGoals, type BenchResults } from "./results.js";
import { seed, type BenchServer } from "./server.js";
import { runThroughput } from "./throughput.js";
import { WORKLOADS } from "./workloads.js";

/** The sections a run can include. */
export const SECTIONS = ["throughput", "codec", "coldstart", "memory", "footprint", "profile"] as const;
/** One of {@link SECTIONS}. */
export type Section = (typeof SECTIONS)[number];

/** How long and how often each section measures. */
export interface Preset {
  name: string;
  rounds: number;
  cellMs: number;
  warmupMs: number;
  concurrency: number;
  minLatencyCalls: number;
  codecRounds: number;
  codecMs: number;
  coldStartProcesses: number;
  memoryCalls: number;
  profileMs: number;
}

/** The presets: `full` for published numbers (≈ 8–10 min), `quick` for a smoke run (< 2 min), `tiny` for the test. */
export const PRESETS = {
  full: {
    name: "full",
    rounds: 5,
    cellMs: 2000,
    warmupMs: 1000,
    concurrency: 32,
    minLatencyCalls: 100,
    codecRounds: 5,
    codecMs: 1000,
    coldStartProcesses: 10,
    memoryCalls: 10_000,
    profileMs: 4000,
  },
  quick: {
    name: "quick",
    rounds: 2,
    cellMs: 250,
    warmupMs: 200,
    concurrency: 32,
    minLatencyCalls: 20,
    codecRounds: 2,
    codecMs: 200,
    coldStartProcesses: 3,
    memoryCalls: 1_000,
    profileMs: 1500,
  },
  tiny: {
    name: "tiny",
    rounds: 1,
    cellMs: 40,
    warmupMs: 20,
    concurrency: 4,
    minLatencyCalls: 3,
    codecRounds: 1,
    codecMs: 20,
    coldStartProcesses: 1,
    memoryCalls: 20,
    profileMs: 200,
  },
} satisfies Record<string, Preset>;

/** What to run. */
export interface RunOptions {
  preset: Preset;
  /** The emulator, already started (in its own process for real runs). */
  server: BenchServer;
  /** The compiled tree holding bench/child.js (for the child-process sections). */
  buildRoot: string;
  /** The project root (package.json, package-lock.json, node_modules). */
  projectDir: string;
  /** Where `.cpuprofile` files go. */
  profileDir: string;
  sections: readonly Section[];
  /** Clients to run (default: all five). */
  clients?: readonly ClientName[];
  /** Clients measured in fresh processes (cold start, memory); default: every client that runs. */
  processClients?: readonly ClientName[];
  /** Profile even when no goal is missed (by default only where we lose). */
  forceProfile?: boolean;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

function versions(projectDir: string): Record<string, string> {
  const lock = JSON.parse(readFileSync(path.join(projectDir, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  const out: Record<string, string> = {};
  for (const p of [
    "@bufbuild/protobuf",
    "@connectrpc/connect",
    "@connectrpc/connect-node",
    "@grpc/grpc-js",
    "clarifai-nodejs-grpc",
    "clarifai-nodejs-grpc/node_modules/@grpc/proto-loader",
    "clarifai-nodejs-grpc/node_modules/protobufjs",
    "google-protobuf",
  ]) {
    const v = lock.packages[`node_modules/${p}`]?.version;
    if (v) out[p.replace("clarifai-nodejs-grpc/node_modules/", "")] = v;
  }
  return out;
}

/** Runs the bench and returns its results (nothing is printed or written here). */
export async function runBench(options: RunOptions): Promise<BenchResults> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const preset = options.preset;
  const has = (s: Section) => options.sections.includes(s);
  const cpus = os.cpus();
  const loadStart = os.loadavg()[0] ?? 0;

  log(`seeding the emulator at ${options.server.address} (pid ${options.server.pid})`);
  const target = await seed(options.server.address);

  // Connect every client once; one that cannot run (the facade not yet in the tree) is reported, not fatal.
  const missing: BenchResults["missing"] = [];
  const connected = new Map<ClientName, BenchClient>();
  for (const name of options.clients ?? CLIENT_NAMES) {
    try {
      const client = await (await loadClient(name)).connect(target);
      // One of each call proves the client works before anything is timed.
      await client.getTask();
      await client.postTasks();
      const n = await client.listTasks();
      if (n !== 128) throw new Error(`ListTasks returned ${n} tasks, not a full page of 128`);
      connected.set(name, client);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log(`client ${name} cannot run: ${reason}`);
      missing.push({ client: name, reason });
    }
  }
  const names = [...connected.keys()];
  const processNames = names.filter((n) => !options.processClients || options.processClients.includes(n));

  const results: Omit<BenchResults, "goals"> = {
    schema: 1,
    preset: preset.name,
    date: new Date(started).toISOString(),
    durationSec: 0,
    machine: {
      platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(),
      cpu: cpus[0]?.model.trim() ?? "unknown",
      cores: cpus.length,
      memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      v8: process.versions.v8,
      loadAvg: { start: loadStart, end: 0 },
    },
    versions: versions(options.projectDir),
    settings: { ...preset, sections: options.sections.join(",") },
    missing,
    throughput: [],
    codec: [],
    coldStart: [],
    memory: [],
    profiles: [],
  };

  try {
    if (has("throughput") && names.length) {
      log(`throughput: ${names.length} clients × ${WORKLOADS.length} workloads × ${preset.rounds} rounds`);
      let cells = 0;
      const total = names.length * WORKLOADS.length * preset.rounds;
      results.throughput = await runThroughput(connected, {
        ...preset,
        onCell: () => {
          cells++;
          if (cells % names.length === 0) log(`  ${cells}/${total} cells`);
        },
      });
    }
  } finally {
    await Promise.all([...connected.values()].map((c) => c.close()));
  }

  if (has("codec")) {
    log("codec");
    results.codec = runCodecBench({ rounds: preset.codecRounds, durationMs: preset.codecMs, warmupMs: preset.codecMs / 2 });
  }
  if (has("coldstart") && processNames.length) {
    log(`cold start: ${preset.coldStartProcesses} × 2 processes per client`);
    results.coldStart = await runColdStart(options.buildRoot, processNames, target, preset.coldStartProcesses);
  }
  if (has("memory") && processNames.length) {
    log(`memory: ${preset.memoryCalls} calls per client`);
    results.memory = await runMemory(options.buildRoot, processNames, target, preset.memoryCalls, preset.concurrency);
  }
  if (has("footprint")) {
    log("footprint");
    results.footprint = { ...footprints(options.projectDir), ownPackageBytes: ownPackageBytes(options.projectDir) };
  }

  if (has("profile")) {
    // Profile where we lose: for each workload where our best client is behind the best official one in
    // throughput, profile both, so the report can say what dominates (or everything, when forced).
    const targets: { client: ClientName; workload: (typeof WORKLOADS)[number] }[] = [];
    for (const w of WORKLOADS) {
      const rows = results.throughput.filter((t) => t.workload === w);
      const facades = rows.filter((t) => t.client.startsWith("facade"));
      const top = (xs: typeof rows) => [...xs].sort((a, b) => b.cN.callsPerSec.median - a.cN.callsPerSec.median)[0];
      const ours = top(facades.length ? facades : rows.filter((t) => t.client === "raw-connect"));
      const theirs = top(rows.filter((t) => t.client.startsWith("official")));
      if (ours && theirs && (options.forceProfile || ours.cN.callsPerSec.median < theirs.cN.callsPerSec.median)) {
        targets.push({ client: ours.client, workload: w }, { client: theirs.client, workload: w });
      }
    }
    const profiles: ProfileSummary[] = [];
    for (const t of targets) {
      log(`profile: ${t.client} / ${t.workload}`);
      profiles.push(await runProfile(options.buildRoot, options.profileDir, t.client, t.workload, target, preset.profileMs, preset.concurrency));
    }
    // And the cold start, when it is not 10× the official dynamic stub's: what does our import spend on?
    const cold = (c: ClientName) => results.coldStart.find((x) => x.client === c)?.importFirstCallMs.median;
    const ours = cold("facade-connect") ?? cold("raw-connect");
    const official = cold("official-dynamic");
    if (ours !== undefined && official !== undefined && (options.forceProfile || official / ours < 10)) {
      for (const client of [connected.has("facade-connect") ? "facade-connect" : "raw-connect", "official-dynamic"] as const) {
        log(`profile: ${client} / cold start`);
        profiles.push(await runColdStartProfile(options.buildRoot, options.profileDir, client, target));
      }
    }
    results.profiles = profiles;
  }

  results.machine.loadAvg.end = os.loadavg()[0] ?? 0;
  results.durationSec = Math.round((Date.now() - started) / 100) / 10;
  return { ...results, goals: computeGoals(results) };
}
