// Smoke test of the bench harness (issue 7): runs every section on a tiny workload and checks that the
// results, the markdown and the SVG are well-formed. It checks shapes, never the numbers.
//
// The cold-start and memory sections spawn fresh Node processes, which cannot run TypeScript; so the
// sources those children load are transpiled (types stripped, no type check) into a scratch directory
// inside the project, where Node still finds node_modules.
import { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areaOf, summariseProfile } from "../../bench/processes.js";
import { renderMarkdown } from "../../bench/report.js";
import type { BenchResults } from "../../bench/results.js";
import { PRESETS, runBench } from "../../bench/run.js";
import { startServerInProcess, type BenchServer } from "../../bench/server.js";
import { renderSvg } from "../../bench/svg.js";
import { WORKLOADS } from "../../bench/workloads.js";

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

let server: BenchServer;
let results: BenchResults;

beforeAll(async () => {
  if (process.env.BENCH_SMOKE_LOG) console.error(`${(performance.now() / 1000).toFixed(1)}s transpiling`);
  for (const dir of ["bench", "src", "gen"]) transpileTree(dir);
  server = await startServerInProcess();
  results = await runBench({
    preset: PRESETS.tiny,
    server,
    buildRoot: scratch,
    projectDir,
    profileDir: path.join(scratch, "profiles"),
    sections: ["throughput", "codec", "coldstart", "memory", "footprint"],
    // One client per kind keeps the test short: facade (reported missing if absent), raw, official.
    clients: ["facade-connect", "raw-connect", "official-static"],
    // Each client measured in fresh processes costs three Node start-ups: one is enough to test the harness.
    processClients: ["raw-connect"],
    // BENCH_SMOKE_LOG=1 shows where the test's time goes.
    log: process.env.BENCH_SMOKE_LOG ? (line) => console.error(`${(performance.now() / 1000).toFixed(1)}s ${line}`) : undefined,
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const positive = (v: number) => Number.isFinite(v) && v > 0;

describe("bench harness on a tiny workload", () => {
  it("records the run: machine, Node version, date, versions", () => {
    expect(results.schema).toBe(1);
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(new Date(results.date).toString()).not.toBe("Invalid Date");
    expect(results.versions["clarifai-nodejs-grpc"]).toBe("11.11.0");
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it("measures every workload for every client that ran, with p50 ≤ p99", () => {
    const ran = [...new Set(results.throughput.map((t) => t.client))];
    expect(ran).toEqual(expect.arrayContaining(["raw-connect", "official-static"]));
    // A client either ran or is reported missing with a reason.
    for (const c of ["facade-connect", "raw-connect", "official-static"] as const) {
      expect(ran.includes(c) || results.missing.some((m) => m.client === c && m.reason.length > 0)).toBe(true);
    }
    for (const client of ran) {
      for (const workload of WORKLOADS) {
        const row = results.throughput.find((t) => t.client === client && t.workload === workload)!;
        expect(row).toBeDefined();
        expect(positive(row.cN.callsPerSec.median)).toBe(true);
        expect(positive(row.c1.p50Ms.median)).toBe(true);
        expect(row.c1.p50Ms.median).toBeLessThanOrEqual(row.c1.p99Ms.median);
        expect(row.c1.p50Ms.min).toBeLessThanOrEqual(row.c1.p50Ms.max);
      }
    }
  });

  it("times the four codecs on the same message", () => {
    expect(results.codec.map((c) => c.codec)).toEqual(["protobuf-es", "google-protobuf", "protobufjs (dynamic stub)", "protobufjs (raw)"]);
    for (const c of results.codec) {
      expect(positive(c.encodeOpsPerSec.median) && positive(c.decodeOpsPerSec.median)).toBe(true);
      expect(c.encodedBytes).toBeGreaterThan(10_000);
    }
  });

  it("measures cold start and memory in fresh processes", () => {
    expect(results.coldStart.length).toBe(results.memory.length);
    expect(results.coldStart.map((c) => c.client)).toEqual(["raw-connect"]);
    for (const c of results.coldStart) {
      expect(positive(c.importMs.median) && positive(c.importFirstCallMs.median)).toBe(true);
      expect(c.importFirstCallMs.median).toBeLessThan(c.processWallMs.median);
    }
    for (const m of results.memory) {
      expect(positive(m.afterImport.rss) && positive(m.afterCallsGc.heapUsed)).toBe(true);
      expect(m.afterImport.heapUsed).toBeGreaterThan(m.baseline.heapUsed);
    }
  });

  it("sizes both dependency closures from the lockfile", () => {
    const f = results.footprint!;
    expect(f.ours.packages).toBeGreaterThanOrEqual(4);
    expect(f.official.largest.some((p) => p.name.startsWith("clarifai-nodejs-grpc@"))).toBe(true);
    expect(positive(f.ours.bytes) && positive(f.official.bytes)).toBe(true);
  });

  it("states every goal as met, not met or not measured, with the ratios", () => {
    expect(results.goals.map((g) => g.id)).toEqual(["facade-overhead", "cold-start", "throughput-p99"]);
    for (const g of results.goals) {
      expect([true, false, null]).toContain(g.met);
      expect(g.detail.length).toBeGreaterThan(0);
    }
  });

  it("renders a markdown report and an SVG chart", () => {
    const md = renderMarkdown(results);
    expect(md).toContain("| client | GetTask p50 ms");
    expect(md).toContain("#### Goals");
    const svg = renderSvg(results);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<rect /g)!.length).toBeGreaterThan(results.throughput.length);
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});

describe("profile summary", () => {
  it("attributes self time to packages and runtime areas", () => {
    expect(areaOf("file:///p/node_modules/@bufbuild/protobuf/dist/esm/wire/binary-encoding.js", "f")).toBe("@bufbuild/protobuf");
    expect(areaOf("file:///p/node_modules/a/node_modules/protobufjs/src/reader.js", "f")).toBe("protobufjs");
    expect(areaOf("node:internal/http2/core", "f")).toBe("node:http2");
    expect(areaOf("", "(garbage collector)")).toBe("(garbage collector)");
    const frame = (id: number, url: string, functionName = "fn") => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
    const summary = summariseProfile({
      nodes: [frame(1, "", "(root)"), frame(2, "file:///p/node_modules/protobufjs/x.js", "decode"), frame(3, "", "(idle)")],
      samples: [2, 2, 2, 1, 3],
      timeDeltas: [10, 10, 10, 10, 1000],
    });
    expect(summary.byArea[0]).toEqual({ area: "protobufjs", pct: 75 });
    expect(summary.topFunctions[0]!.fn).toMatch(/^decode x\.js:1$/);
  });
});
