// Smoke test of the bench harness (issue 14): runs every section but the profiles on a tiny workload,
// with client processes on this test's own Node, and checks that every row the report is built from is
// there, well-formed, and rendered. It checks shapes and arithmetic, never speed.
//
// The client processes and the emulators are fresh Node processes, which cannot run TypeScript; so the
// sources they load are transpiled (types stripped, no type check) into a scratch directory inside the
// project, where Node still finds node_modules. The facade is loaded from the transpiled sources, not
// from dist/, so the test measures the code under test.
import { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { summariseCpu } from "../../bench/cpu.js";
import { areaOf, summariseProfile } from "../../bench/processes.js";
import { renderMarkdown } from "../../bench/report.js";
import type { BenchResults } from "../../bench/results.js";
import { PRESETS, runBench } from "../../bench/run.js";
import { seed, startServerProcess } from "../../bench/server.js";
import { median, medianInterval } from "../../bench/stats.js";
import { renderSvg } from "../../bench/svg.js";
import type { CellSample } from "../../bench/worker.js";
import { COMPRESSION_CELLS, CPU_CELLS, LIST_PAGE_SIZE, TRACING_CELLS } from "../../bench/workloads.js";
import { ClarifaiClient, TaskSchema } from "../../src/index.js";
import { PostTasksRequestSchema } from "../../gen/clarifai/api/service_pb.js";

const projectDir = fileURLToPath(new URL("../..", import.meta.url));
const scratch = path.join(projectDir, ".build", `bench-smoke-${process.pid}`);

function transpileTree(dir: string) {
  for (const entry of readdirSync(path.join(projectDir, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) transpileTree(rel);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      const { outputText } = ts.transpileModule(readFileSync(path.join(projectDir, rel), "utf8"), {
        fileName: rel,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      });
      const out = path.join(scratch, rel.replace(/\.ts$/, ".js"));
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
}

// One facade, the raw transport under it, one official client: every kind of row.
const CLIENTS = ["facade-connect", "raw-http2", "official-static"] as const;
let results: BenchResults;

beforeAll(async () => {
  if (process.env.BENCH_SMOKE_LOG) console.error(`${(performance.now() / 1000).toFixed(1)}s transpiling`);
  // test/support: the codec section's child loads protobufjs' upstream root from it.
  for (const dir of ["bench", "src", "gen", "test/support"]) transpileTree(dir);
  results = await runBench({
    preset: PRESETS.tiny,
    buildRoot: scratch,
    projectDir,
    profileDir: path.join(scratch, "profiles"),
    sections: ["cpu", "facade", "coldstart", "compression", "tracing", "memory", "footprint", "codec"],
    nodes: [{ path: process.execPath, version: process.version, v8: process.versions.v8 }],
    clients: CLIENTS,
    // Each client measured in fresh processes costs three Node start-ups: one is enough to test the harness.
    processClients: ["facade-connect"],
    load: { facadeEntry: pathToFileURL(path.join(scratch, "src", "index.js")).href },
    // BENCH_SMOKE_LOG=1 shows where the test's time goes.
    log: process.env.BENCH_SMOKE_LOG ? (line) => console.error(`${(performance.now() / 1000).toFixed(1)}s ${line}`) : undefined,
  });
}, 180_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const positive = (v: number) => Number.isFinite(v) && v > 0;

describe("bench harness on a tiny workload", () => {
  it("records the run: machine, Nodes, date, commit, versions", () => {
    expect(results.schema).toBe(3);
    expect(results.machine.node).toBe(process.version);
    expect(results.nodes.map((n) => n.version)).toEqual([process.version]);
    expect(new Date(results.date).toString()).not.toBe("Invalid Date");
    expect(results.commit).toMatch(/^([0-9a-f]{12}(\+dirty)?|unknown)$/);
    expect(results.versions["clarifai-nodejs-grpc"]).toBe("11.11.0");
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it("measures client CPU per call for every client on every cell, with per-round ratios to the best official", () => {
    const [run] = results.cpu;
    expect(run!.cells.map((c) => c.cell)).toEqual(CPU_CELLS.map((c) => `${c.workload} c=${c.concurrency}`));
    for (const cell of run!.cells) {
      // Every client either ran or is reported missing with a reason.
      for (const client of CLIENTS) {
        const row = cell.clients.find((c) => c.client === client);
        expect(row !== undefined || run!.missing.some((m) => m.client === client && m.reason.length > 0)).toBe(true);
      }
      expect(cell.clients.map((c) => c.client)).toEqual(expect.arrayContaining(["raw-http2", "official-static"]));
      for (const row of cell.clients) {
        expect(positive(row.usPerCall.median) && positive(row.callsPerSec.median)).toBe(true);
        expect(row.p50Ms.median).toBeLessThanOrEqual(row.p99Ms.median);
        expect(positive(row.ratioToBestOfficial!.median)).toBe(true);
      }
      // The only official client is the best one: its ratio is exactly 1.
      expect(cell.clients.find((c) => c.label === "official-static")!.ratioToBestOfficial!.median).toBe(1);
      // It also ran against the emulator that never compresses, for the like-for-like ratio.
      expect(cell.clients.find((c) => c.label === "official-static · identity answers")!.client).toBe("official-static");
      if (cell.clients.some((c) => c.client === "facade-connect")) {
        expect(positive(cell.bestOursOverBestOfficial!.median) && positive(cell.bestOursOverBestOfficialIdentity!.median)).toBe(true);
        expect(cell.facadeOverhead.map((o) => [o.facade, o.under, o.own])).toEqual([["facade-connect", "raw-http2", true]]);
      }
    }
    // What every client that ran put on the wire, for each of the three RPCs.
    for (const w of run!.wire) {
      expect(w.records.map((r) => r.path)).toEqual(expect.arrayContaining(["/clarifai.api.V2/GetTask", "/clarifai.api.V2/ListTasks"]));
      for (const r of w.records) expect(r.answered).toMatch(/^(identity|gzip)$/);
    }
    // The official stubs run on grpc-js, which advertises gzip: the shipped emulator compresses their page.
    const official = run!.wire.find((w) => w.label === "official-static")!;
    expect(official.records.find((r) => r.path.endsWith("/ListTasks"))).toMatchObject({ advertised: "identity,deflate,gzip", answered: "gzip" });
  });

  it("measures the facade's own CPU paired with the transport under it and with the raw client within processes, beside a second raw client, pooling the processes' rounds", () => {
    const [run] = results.facade!;
    expect(run!.node.version).toBe(process.version);
    expect(run!.cells.map((c) => c.cell)).toEqual(CPU_CELLS.map((c) => `${c.workload} c=${c.concurrency}`));
    expect(run!.paired.calls).toEqual(CPU_CELLS.map((c) => PRESETS.tiny.calls[c.workload] * PRESETS.tiny.facadeCallsFactor));
    expect([run!.paired.rounds, run!.paired.processes]).toEqual([PRESETS.tiny.facadeRounds, PRESETS.tiny.facadeProcesses]);
    expect(run!.paired.warmup).toEqual(CPU_CELLS.map((c) => PRESETS.tiny.calls[c.workload] * PRESETS.tiny.facadeWarmupFactor));
    // Every process's rounds, pooled.
    const rounds = PRESETS.tiny.facadeRounds * PRESETS.tiny.facadeProcesses;
    expect(rounds).toBeGreaterThan(PRESETS.tiny.facadeRounds);
    for (const cell of run!.cells) {
      // The transport alone needs no client of its own among CLIENTS: it is the facade's, called without it.
      expect(cell.paired.map((p) => [p.facade, p.under, p.pct.n])).toEqual([
        ["facade-connect", "connect transport", rounds],
        ["facade-connect", "raw-http2", rounds],
      ]);
      expect(cell.twinPct!.n).toBe(rounds);
      // A round from each process: a median, and an interval of it.
      for (const p of cell.paired) {
        expect(Number.isFinite(p.pct.median)).toBe(true);
        expect(p.interval![0]).toBeLessThanOrEqual(p.pct.median);
        expect(p.interval![1]).toBeGreaterThanOrEqual(p.pct.median);
      }
      expect(Number.isFinite(cell.twinPct!.median)).toBe(true);
      // The call path is a difference of two loops, which a tiny run cannot keep clear of noise: it is a
      // number; the bookkeeping is measured directly and always costs something.
      expect(Number.isFinite(cell.callPathUs.median)).toBe(true);
      expect(positive(cell.bookkeepingUs.median) && positive(cell.rawUs.median)).toBe(true);
      expect(cell.ownPct).toBeCloseTo(((cell.callPathUs.median + cell.bookkeepingUs.median) / cell.rawUs.median) * 100, 6);
    }
    const goal = results.goals.find((g) => g.id === "facade-overhead")!;
    expect(goal.target).toContain("the transport under it called alone");
    expect(goal.detail).toContain("facade-connect over connect transport");
    expect(goal.detail).not.toContain("over raw-http2");
    expect(goal.detail).toContain("second raw-http2 client");
    expect(goal.detail).toContain("call path + bookkeeping");
  });

  it("measures cold start and memory in fresh processes", () => {
    expect(results.coldStart.map((c) => [c.client, c.node])).toEqual([["facade-connect", process.version]]);
    for (const c of results.coldStart) {
      expect(positive(c.importMs.median) && positive(c.importFirstCallMs.median)).toBe(true);
      expect(c.importFirstCallMs.median).toBeLessThan(c.processWallMs.median);
    }
    expect(results.memory.map((m) => m.client)).toEqual(["facade-connect"]);
    for (const m of results.memory) {
      expect(positive(m.afterImport.rss) && positive(m.afterCallsGc.heapUsed)).toBe(true);
      expect(m.afterImport.heapUsed).toBeGreaterThan(m.baseline.heapUsed);
    }
  });

  it("states what each emulator did with compression, and measures every client on both", () => {
    const c = results.compression!;
    const answer = (emulator: string, rpc: string, advertised: string) => c.answers.find((a) => a.emulator === emulator && a.rpc === rpc && a.advertised === advertised)!;
    // The shipped emulator compresses a 128-task page for a client that advertises gzip, and not for one that advertises nothing.
    expect(answer("as shipped", "ListTasks", "gzip").encoding).toBe("gzip");
    expect(answer("as shipped", "ListTasks", "gzip").wireBytes).toBeLessThan(answer("as shipped", "ListTasks", "none").wireBytes);
    expect(answer("as shipped", "ListTasks", "none").encoding).toBe("identity");
    expect(c.answers.filter((a) => a.emulator === "compression off").every((a) => a.encoding === "identity")).toBe(true);
    expect(c.cells.map((x) => x.cell)).toEqual(COMPRESSION_CELLS.map((x) => `${x.workload} c=${x.concurrency}`));
    for (const cell of c.cells) {
      for (const row of cell.rows) {
        expect(positive(row.usPerCall.gzip!.median) && positive(row.overGzip["identity (emulator)"]!.median)).toBe(true);
        // The raw HTTP/2 client can ask for identity; grpc-js (the official stubs) cannot, and says so.
        if (row.client === "raw-http2") expect(positive(row.overGzip["identity (client option)"]!.median)).toBe(true);
        if (row.client === "official-static") expect(row.notRun["identity (client option)"]).toMatch(/grpc-js/);
      }
      expect(cell.rows.map((r) => r.client)).toEqual(expect.arrayContaining(["raw-http2", "official-static"]));
    }
    // Each process's own record agrees: asked for gzip, the shipped emulator answered gzip and the other identity.
    const wire = (label: string) => c.wire.find((w) => w.label === label)!.records.find((r) => r.path.endsWith("/ListTasks"))!;
    expect(wire("raw-http2 · gzip")).toMatchObject({ advertised: "gzip", answered: "gzip" });
    expect(wire("raw-http2 · identity (emulator)").answered).toBe("identity");
    expect(wire("raw-http2 · identity (client option)")).toMatchObject({ advertised: "none", answered: "identity" });
  });

  it("measures the facade without @opentelemetry/api, with it, and with an SDK registered, or says why not", () => {
    const t = results.tracing!;
    expect(t.cells.map((x) => x.cell)).toEqual(TRACING_CELLS.map((x) => `${x.workload} c=${x.concurrency}`));
    for (const cell of t.cells) {
      const row = cell.rows.find((r) => r.client === "facade-connect")!;
      expect(positive(row.us["no API"]!.median)).toBe(true);
      for (const setup of ["API, no SDK", "SDK registered"] as const) {
        const ran = row.us[setup] !== undefined;
        if (ran) expect(Number.isFinite(row.overNoApi[setup]!.median)).toBe(true);
        else expect(t.missing.find((m) => m.label === `facade-connect · ${setup}`)!.reason.length).toBeGreaterThan(0);
      }
    }
  });

  it("sizes both dependency closures and times the five codecs", () => {
    const f = results.footprint!;
    expect(f.ours.packages).toBeGreaterThanOrEqual(4);
    expect(f.official.largest.some((p) => p.name.startsWith("clarifai-nodejs-grpc@"))).toBe(true);
    expect(results.codec.map((c) => c.codec)).toEqual(["protobuf-es (as shipped)", "protobuf-es", "google-protobuf", "protobufjs (dynamic stub)", "protobufjs (raw)"]);
    for (const c of results.codec) {
      expect(c.encodedBytes).toBeGreaterThan(10_000);
      // Timed in a child process each: the rates came back through its JSON.
      expect(positive(c.encodeOpsPerSec.median) && positive(c.decodeOpsPerSec.median)).toBe(true);
    }
  });

  it("states every goal as met, not met or not measured, with the ratios", () => {
    expect(results.goals.map((g) => g.id)).toEqual(["cpu-vs-official", "list-tasks", "facade-overhead", "cold-start"]);
    for (const g of results.goals) {
      expect([true, false, null]).toContain(g.met);
      expect(g.detail.length).toBeGreaterThan(0);
    }
    // No official dynamic stub in this run: the cold start goal cannot be measured, and says so.
    expect(results.goals.find((g) => g.id === "cold-start")!.met).toBeNull();
  });

  it("renders a markdown report and an SVG chart", () => {
    const md = renderMarkdown(results);
    for (const heading of ["#### Client CPU per completed call", "#### The facade's own CPU", "#### Goals", "#### Cold start", "#### Compression", "#### Tracing", "#### Wall clock", "#### Memory", "#### Footprint", "#### Codec"]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain("**best of our facades ÷ best official**");
    const { rounds, processes } = results.facade![0]!.paired;
    expect(md).toContain(`(${rounds * processes!} paired rounds (${processes} processes × ${rounds}), blocks of`);
    expect(md).not.toMatch(/NaN|undefined/);
    const svg = renderSvg(results);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<rect /g)!.length).toBeGreaterThan(CPU_CELLS.length * CLIENTS.length - 1);
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});

describe("CPU ratios", () => {
  const sample = (usPerCall: number): CellSample => ({ calls: 10, cpuUs: usPerCall * 10, userUs: 0, systemUs: 0, wallMs: 5, p50Ms: 1, p99Ms: 2 });
  it("divides by the best official client of the same round, and takes the facade's overhead per round", () => {
    const rounds = (...us: number[]) => [us.map(sample)];
    const samples = new Map([
      ["facade-connect", rounds(120, 150)],
      ["raw-http2", rounds(100, 100)],
      ["raw-connect", rounds(200, 300)],
      ["official-dynamic", rounds(100, 200)],
      ["official-static", rounds(150, 100)],
      ["official-static · identity answers", rounds(60, 75)],
    ]);
    const [cell] = summariseCpu(samples, [CPU_CELLS[0]!], () => 10);
    // Best official per round: 100 (dynamic), then 100 (static); the facade's ratios 1.2 and 1.5.
    expect(cell!.bestOursOverBestOfficial!.median).toBeCloseTo(1.35);
    expect(cell!.bestOursOverBestOfficial!.min).toBeCloseTo(1.2);
    expect(cell!.clients.find((c) => c.label === "official-dynamic")!.ratioToBestOfficial!.max).toBeCloseTo(2);
    // The identity row is a row of its own, and not an official client of the default comparison.
    expect(cell!.clients.find((c) => c.label === "official-static · identity answers")!.ratioToBestOfficial!.median).toBeCloseTo(0.675);
    // Like for like: the facade against the official clients on uncompressed answers (60, then 75).
    expect(cell!.bestOursOverBestOfficialIdentity!.median).toBeCloseTo(2);
    // Over the transport under it (its own cost), then over connect's generic client.
    expect(cell!.facadeOverhead.map((o) => [o.under, o.own])).toEqual([["raw-http2", true], ["raw-connect", false]]);
    expect(cell!.facadeOverhead[0]!.pct.median).toBeCloseTo(35);
    expect(cell!.facadeOverhead[1]!.pct.median).toBeCloseTo(-45);
  });
});

describe("interval of a median", () => {
  it("brackets the median of the rounds, narrows with more rounds, and is the same on every rendering", () => {
    const rounds = [4.1, -2.0, 7.5, 1.2, 3.3, 12.8, 0.4, 5.6, 2.9, -1.1, 6.0, 3.8];
    const [lo, hi] = medianInterval(rounds)!;
    expect(lo).toBeLessThanOrEqual(median(rounds));
    expect(hi).toBeGreaterThanOrEqual(median(rounds));
    expect(lo).toBeGreaterThanOrEqual(-2.0);
    expect(hi).toBeLessThanOrEqual(12.8);
    expect(medianInterval(rounds)).toEqual([lo, hi]);
    const more = [...rounds, ...rounds, ...rounds, ...rounds];
    const [lo4, hi4] = medianInterval(more)!;
    expect(hi4 - lo4).toBeLessThan(hi - lo);
    // Equal rounds leave no doubt; a single round says nothing about its spread.
    expect(medianInterval([2, 2, 2, 2])).toEqual([2, 2]);
    expect(medianInterval([2])).toBeNull();
  });
});

describe("profile summary", () => {
  it("attributes self time to packages and runtime areas, leaving out idle time and the profiler's own calls", () => {
    expect(areaOf("file:///p/node_modules/@bufbuild/protobuf/dist/esm/wire/binary-encoding.js", "f")).toBe("@bufbuild/protobuf");
    expect(areaOf("file:///p/node_modules/a/node_modules/protobufjs/src/reader.js", "f")).toBe("protobufjs");
    expect(areaOf("node:internal/http2/core", "f")).toBe("node:http2");
    expect(areaOf("", "(garbage collector)")).toBe("(garbage collector)");
    const frame = (id: number, url: string, functionName = "fn", children?: number[]) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
    const summary = summariseProfile(
      {
        nodes: [
          frame(1, "", "(root)", [2, 3, 4]),
          frame(2, "file:///p/node_modules/protobufjs/x.js", "decode"),
          frame(3, "", "(idle)"),
          frame(4, "node:inspector", "post", [5]),
          frame(5, "", "dispatch"),
        ],
        samples: [5, 2, 2, 2, 1, 3],
        timeDeltas: [90_000, 10, 10, 10, 10, 1000],
      },
      200,
    );
    expect(summary.byArea[0]).toEqual({ area: "protobufjs", pct: 75, usPerCall: 150 });
    expect(summary.topFunctions[0]!.fn).toMatch(/^decode x\.js:1$/);
    expect(summary.byArea.some((a) => a.area === "(native)")).toBe(false);
  });
});

describe("the bench's emulator process", () => {
  // PostTasks stores every task it is sent; the child empties the write app as the bench runs so that its
  // heap (which its collector walks on the cores the measured client shares) does not grow by a run's
  // hundreds of thousands of tasks. The read app, whose page ListTasks measures, must stay as seeded.
  it("empties the app PostTasks writes to, and only that app", async () => {
    const server = await startServerProcess(scratch);
    const target = await seed(server.address);
    const client = new ClarifaiClient({ pat: target.pat, userId: target.userId, appId: target.appId, baseUrl: target.baseUrl });
    try {
      const write = { userAppId: { userId: target.userId, appId: target.postAppId } };
      const task = fromBinary(PostTasksRequestSchema, Buffer.from(target.postRequestB64, "base64")).tasks[0]!;
      const stored = await client.tasks.create(Array.from({ length: 20 }, () => task), write);
      expect(stored.map((t) => t.id)).toHaveLength(20);
      expect(new Set(stored.map((t) => t.id)).size).toBe(20);
      // The emptying runs on the child's own timer: nothing to wait on but what ListTasks then says.
      await vi.waitFor(async () => expect(await client.tasks.list({ perPage: 100 }, write)).toEqual([]), { timeout: 10_000, interval: 50 });
      const page = await client.tasks.list({ perPage: LIST_PAGE_SIZE });
      expect(page).toHaveLength(LIST_PAGE_SIZE);
      expect(page.every((t) => t.$typeName === TaskSchema.typeName)).toBe(true);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
