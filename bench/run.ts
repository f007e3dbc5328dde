// One bench run: start the emulator(s), seed them, run the sections, compute the goals. The CLI
// (main.ts) and the smoke test both call runBench; they differ only in preset, clients and Nodes.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCodecBench, type CodecRound } from "./codec.js";
import { PACKAGE_ENTRY } from "./clients/index.js";
import { CLIENT_NAMES, isFacade, isOfficial, type ClientName, type LoadOptions } from "./clients/types.js";
import { runCompression } from "./compression.js";
import { runCpu } from "./cpu.js";
import { runFacade } from "./facade.js";
import { footprints, ownPackageBytes } from "./footprint.js";
import type { NodeBinary } from "./nodes.js";
import { runChild, runColdStart, runColdStartProfile, runMemory, runProfile, type ProfileSummary } from "./processes.js";
import { computeGoals, type BenchResults } from "./results.js";
import type { RoundsOptions, SectionSetup } from "./rounds.js";
import { seed, startServerProcess, type BenchServer } from "./server.js";
import { runTracing } from "./tracing.js";
import { bundleFacadeAndParts } from "./transport-bundle.js";
import { COMPRESSION_CELLS, CPU_CELLS, TRACING_CELLS, type Cell, type Target, type Workload } from "./workloads.js";

/** The sections a run can include, in the order they run. */
export const SECTIONS = ["cpu", "facade", "coldstart", "compression", "tracing", "memory", "footprint", "codec", "profile"] as const;
/** One of {@link SECTIONS}. */
export type Section = (typeof SECTIONS)[number];

/** How much each section measures. */
export interface Preset {
  name: string;
  /** Rounds of the CPU section (per Node). */
  rounds: number;
  /** Measured calls per client, cell and round, by workload (the same in every section). */
  calls: Record<Workload, number>;
  /** Unmeasured calls before each measured cell, as a fraction of the measured ones. */
  warmupFraction: number;
  /**
   * Rounds of the facade section's paired blocks per child process; each block is `facadeCallsFactor` ×
   * `calls` calls, after `facadeWarmupFactor` × `calls` calls of each client before its first block.
   */
  facadeRounds: number;
  /** Child processes of the facade section per Node, each running `facadeRounds` paired rounds: their rounds are pooled. */
  facadeProcesses: number;
  facadeCallsFactor: number;
  facadeWarmupFactor: number;
  /** The facade section's in-process measurement: rounds, and calls per round and cell. */
  facadeOwnRounds: number;
  facadeOwnCalls: number;
  compressionRounds: number;
  tracingRounds: number;
  /** Fresh processes per client and mode in the cold start section. */
  coldStartProcesses: number;
  memoryCalls: number;
  memoryConcurrency: number;
  codecRounds: number;
  codecMs: number;
}

/** The presets: `full` for published numbers, `quick` for a smoke run (< 2 min), `tiny` for the test. */
export const PRESETS = {
  full: {
    name: "full",
    rounds: 5,
    // 60 pages, not 30: at c=8 a client runs a full collection every 24 to 54 pages (V8's trace, one
    // process per client), so a block of 30 held none, one or two, and its CPU a page moved with that
    // count (one client's blocks ranged 6,579-10,464 µs a page on Node 20).
    calls: { GetTask: 600, PostTasks: 600, ListTasks: 60 },
    // Half a block: at c=32, V8 scavenges about every 250 GetTasks, so the garbage of the cell before
    // is collected in the warm-up rather than in the measured calls.
    warmupFraction: 0.5,
    // Many short rounds rather than a few long ones: a round's ratio moves with what the machine did
    // during it, and the median of more rounds holds still (ad hoc, GetTask c=32: raw-http2 against its
    // twin over 40 rounds of 150 calls, +4.1% with a 95% interval of [−3.0, +14.8]; the 7 rounds of
    // 1,200 before left the twin's median anywhere from −3% to +23% between runs). Rounds of half a
    // CPU block keep the section's time with five pairs where three took it before.
    // Three processes of 6 rounds, not one of 16: a process's own luck (where V8 put its code, what it
    // inlined) leans all its rounds one way. PostTasks c=32, raw-http2's connect transport against a
    // second one in the same process, 16 rounds, three processes in a row: −7.8% [−20.0, −0.1], −1.4%
    // and −0.9%.
    facadeRounds: 6,
    facadeProcesses: 3,
    facadeCallsFactor: 0.5,
    // 3,000 calls (300 pages) per client and cell before the rounds: V8 is still compiling after the
    // first thousand (see bench/facade-own.ts), and both clients' code then counts in its steady state.
    facadeWarmupFactor: 5,
    facadeOwnRounds: 7,
    facadeOwnCalls: 20_000,
    compressionRounds: 3,
    tracingRounds: 3,
    coldStartProcesses: 10,
    memoryCalls: 10_000,
    memoryConcurrency: 32,
    codecRounds: 5,
    codecMs: 1000,
  },
  quick: {
    name: "quick",
    rounds: 2,
    calls: { GetTask: 60, PostTasks: 60, ListTasks: 4 },
    warmupFraction: 0.1,
    facadeRounds: 2,
    facadeProcesses: 1,
    facadeCallsFactor: 1,
    facadeWarmupFactor: 1,
    facadeOwnRounds: 2,
    facadeOwnCalls: 2_000,
    compressionRounds: 1,
    tracingRounds: 1,
    coldStartProcesses: 1,
    memoryCalls: 200,
    memoryConcurrency: 32,
    codecRounds: 1,
    codecMs: 100,
  },
  tiny: {
    name: "tiny",
    rounds: 1,
    calls: { GetTask: 6, PostTasks: 6, ListTasks: 2 },
    warmupFraction: 0,
    facadeRounds: 1,
    // Two, so that the test sees rounds pooled across processes (and an interval of their median).
    facadeProcesses: 2,
    facadeCallsFactor: 1,
    facadeWarmupFactor: 1,
    facadeOwnRounds: 1,
    // Enough calls that the call path's few µs stand clear of the CPU clock's resolution.
    facadeOwnCalls: 2_000,
    compressionRounds: 1,
    tracingRounds: 1,
    coldStartProcesses: 1,
    memoryCalls: 10,
    memoryConcurrency: 4,
    codecRounds: 1,
    codecMs: 20,
  },
} satisfies Record<string, Preset>;

/** What to run. */
export interface RunOptions {
  preset: Preset;
  /** The compiled tree holding bench/worker.js, child.js and emulator-child.js. */
  buildRoot: string;
  /** The project root (package.json, package-lock.json, node_modules). */
  projectDir: string;
  /** Where `.cpuprofile` files go. */
  profileDir: string;
  sections: readonly Section[];
  /** Nodes the client processes run on (the first one also runs compression, tracing, memory and profiles). */
  nodes: readonly NodeBinary[];
  /** Nodes asked for that could not be had (reported). */
  nodeNotes?: readonly string[];
  /** Clients to run (default: all). */
  clients?: readonly ClientName[];
  /** Clients measured in the cold start and memory sections; default: every client that runs. */
  processClients?: readonly ClientName[];
  /** Where the facade clients import the package from (default: the package's own entry, `dist/`). */
  load?: LoadOptions;
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
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-base",
  ]) {
    const v = lock.packages[`node_modules/${p}`]?.version;
    if (v) out[p.replace("clarifai-nodejs-grpc/node_modules/", "")] = v;
  }
  return out;
}

function commit(projectDir: string): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return git("rev-parse", "--short=12", "HEAD") + (git("status", "--porcelain", "--untracked-files=no", "--", "src", "gen", "bench", ":(exclude)bench/results.*") ? "+dirty" : "");
  } catch {
    return "unknown";
  }
}

/** Runs the bench and returns its results (nothing is printed or written here). */
export async function runBench(options: RunOptions): Promise<BenchResults> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const preset = options.preset;
  const has = (s: Section) => options.sections.includes(s);
  const cpus = os.cpus();
  const loadStart = os.loadavg()[0] ?? 0;
  const clients = options.clients ?? CLIENT_NAMES;
  const load = options.load ?? {};
  const nodes = options.nodes;
  const first = nodes[0];
  if (!first) throw new Error("no Node binary to run the clients on");
  const calls = (cell: Cell) => preset.calls[cell.workload];
  const rounds = (n: number, cells: readonly Cell[], what: string): RoundsOptions => ({
    rounds: n,
    cells,
    calls,
    warmupFraction: preset.warmupFraction,
    onRound: (r) => log(`  ${what}: round ${r + 1}/${n} done`),
  });
  const setup = (node: NodeBinary): SectionSetup => ({ buildRoot: options.buildRoot, node, load, log });

  const results: Omit<BenchResults, "goals"> = {
    schema: 3,
    preset: preset.name,
    date: new Date(started).toISOString(),
    commit: commit(options.projectDir),
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
    nodes: [...nodes],
    nodeNotes: [...(options.nodeNotes ?? [])],
    versions: versions(options.projectDir),
    settings: { ...preset, calls: JSON.stringify(preset.calls), sections: options.sections.join(",") },
    cpu: [],
    facade: [],
    coldStart: [],
    memory: [],
    processMissing: [],
    codec: [],
    profiles: [],
  };

  const servers: BenchServer[] = [];
  try {
    const server = await startServerProcess(options.buildRoot);
    servers.push(server);
    log(`seeding the emulator at ${server.address} (pid ${server.pid})`);
    const target = await seed(server.address);
    // The emulator that never compresses: the official clients' like-for-like rows and the compression section.
    let offTarget: Target | undefined;
    if (has("cpu") || has("compression")) {
      const off = await startServerProcess(options.buildRoot, { compression: false });
      servers.push(off);
      offTarget = await seed(off.address);
    }

    if (has("cpu")) {
      for (const node of nodes) {
        log(`cpu per call on Node ${node.version}: ${clients.length} clients (and the official ones on uncompressed answers) × ${CPU_CELLS.length} cells × ${preset.rounds} rounds`);
        results.cpu.push(await runCpu(setup(node), target, clients, rounds(preset.rounds, CPU_CELLS, `Node ${node.version}`), offTarget));
      }
    }
    if (has("facade")) {
      for (const node of nodes) {
        log(`facade on Node ${node.version}: each facade against the transport under it alone and the raw client of its libraries (and raw-http2 against a second client) in ${preset.facadeProcesses} process(es), ${CPU_CELLS.length} cells × ${preset.facadeRounds} paired rounds each`);
        const paired = {
          rounds: preset.facadeRounds,
          processes: preset.facadeProcesses,
          calls: (cell: Cell) => calls(cell) * preset.facadeCallsFactor,
          warmup: (cell: Cell) => calls(cell) * preset.facadeWarmupFactor,
        };
        const inProcess = { rounds: preset.facadeOwnRounds, calls: preset.facadeOwnCalls, entry: load.facadeEntry ?? PACKAGE_ENTRY };
        results.facade!.push(await runFacade(setup(node), target, clients, CPU_CELLS, paired, inProcess));
      }
    }
    const processClients = options.processClients ?? clients;
    if (has("coldstart") && processClients.length) {
      for (const node of nodes) {
        log(`cold start on Node ${node.version}: ${preset.coldStartProcesses} × 2 processes per client`);
        const { rows, missing } = await runColdStart(options.buildRoot, node, processClients, target, preset.coldStartProcesses, load);
        results.coldStart.push(...rows);
        results.processMissing.push(...missing);
      }
    }
    if (has("compression") && offTarget) {
      log(`compression on Node ${first.version}: identity against gzip, ${clients.length} clients × up to 3 setups`);
      results.compression = await runCompression(setup(first), target, offTarget, clients, rounds(preset.compressionRounds, COMPRESSION_CELLS, "compression"));
    }
    const facades = clients.filter(isFacade);
    if (has("tracing") && facades.length) {
      log(`tracing on Node ${first.version}: ${facades.join(", ")} with and without an OpenTelemetry SDK`);
      results.tracing = await runTracing(setup(first), target, facades, rounds(preset.tracingRounds, TRACING_CELLS, "tracing"));
    }
    if (has("memory") && processClients.length) {
      log(`memory: ${preset.memoryCalls} calls per client`);
      const { rows, missing } = await runMemory(options.buildRoot, processClients, target, preset.memoryCalls, preset.memoryConcurrency, load);
      results.memory = rows;
      results.processMissing.push(...missing);
    }
    if (has("footprint")) {
      log("footprint");
      results.footprint = { ...footprints(options.projectDir), ownPackageBytes: ownPackageBytes(options.projectDir) };
    }
    if (has("codec")) {
      log("codec");
      // The package's own copy of protobuf-es, bundled with the build's edits as the client is.
      const { transportParts: shippedParts } = await bundleFacadeAndParts(options.projectDir, path.join(options.buildRoot, "bench-bundle"));
      const timing = { durationMs: preset.codecMs, warmupMs: preset.codecMs / 2 };
      results.codec = await runCodecBench(preset.codecRounds, async (codec) => (await runChild<CodecRound>(options.buildRoot, { mode: "codec", codec, ...timing, shippedParts })).result);
    }
    if (has("profile")) results.profiles = await profileWhereWeLose(options, results, target, first);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }

  results.machine.loadAvg.end = os.loadavg()[0] ?? 0;
  results.durationSec = Math.round((Date.now() - started) / 100) / 10;
  return { ...results, goals: computeGoals(results) };
}

/**
 * On the first Node: for every cell where the best of our facade transports spends more CPU per call
 * than the best official client, profile both (every cell when forced); and the cold starts of both,
 * when ours is not 10× faster.
 */
async function profileWhereWeLose(options: RunOptions, results: Omit<BenchResults, "goals">, target: Target, node: NodeBinary): Promise<ProfileSummary[]> {
  const log = options.log ?? (() => {});
  const load = options.load ?? {};
  const profiles: ProfileSummary[] = [];
  const run = results.cpu.find((c) => c.node.version === node.version);
  for (const cell of run?.cells ?? []) {
    const best = (pick: (c: ClientName) => boolean) =>
      cell.clients.filter((c) => c.label === c.client && pick(c.client)).sort((a, b) => a.usPerCall.median - b.usPerCall.median)[0]?.client;
    const ours = best(isFacade);
    const theirs = best(isOfficial);
    const ratio = cell.bestOursOverBestOfficial?.median;
    if (!ours || !theirs || ratio === undefined || (!options.forceProfile && ratio <= 1)) continue;
    for (const client of [ours, theirs]) {
      log(`profile: ${client} / ${cell.cell} on Node ${node.version}`);
      const spec = { workload: cell.workload, concurrency: cell.concurrency };
      profiles.push(await runProfile(options.buildRoot, options.profileDir, node, client, spec, cell.calls, target, load));
    }
  }
  const cold = (c: ClientName) => results.coldStart.find((x) => x.client === c && x.node === node.version)?.importFirstCallMs.median;
  const facades = (["facade-connect", "facade-grpc-js"] as const).filter((c) => cold(c) !== undefined);
  const ours = facades.sort((a, b) => cold(a)! - cold(b)!)[0];
  const official = cold("official-dynamic");
  if (ours && official !== undefined && (options.forceProfile || official / cold(ours)! < 10)) {
    for (const client of [ours, "official-dynamic"] as const) {
      log(`profile: ${client} / cold start on Node ${node.version}`);
      profiles.push(await runColdStartProfile(options.buildRoot, options.profileDir, node, client, target, load));
    }
  }
  return profiles;
}
