// `npm run bench [-- --quick] [--only=cpu,coldstart,...] [--clients=a,b] [--node=current,24] [--profile] [--out=DIR] [--render=FILE]`
// Builds nothing itself (npm run bench builds the package and the bench first), runs, prints the
// markdown report on stdout (progress on stderr) and writes results.json and results.svg.
// It never fails on a number: only a bench that cannot run exits non-zero.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CLIENT_NAMES, type ClientName } from "./clients/index.js";
import { renderMarkdown } from "./report.js";
import type { BenchResults } from "./results.js";
import { DEFAULT_NODES, resolveNodes } from "./nodes.js";
import { PRESETS, runBench, SECTIONS, type Section } from "./run.js";
import { renderSvg } from "./svg.js";

// This file runs as .build/bench/main.js: the build root is one level up, the project two.
const buildRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const projectDir = path.resolve(buildRoot, "..");

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    clients: { type: "string" },
    node: { type: "string", default: process.env.BENCH_NODES ?? DEFAULT_NODES },
    profile: { type: "boolean", default: false },
    out: { type: "string" },
    render: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run bench -- [--quick] [--only=${SECTIONS.join(",")}] [--clients=${CLIENT_NAMES.join(",")}] [--node=${DEFAULT_NODES}] [--profile] [--out=DIR]
  --quick    smoke run (< 2 min); writes to .build/bench-quick/ unless --out is given
  --node     the Nodes the client processes run on, comma-separated: "current" (this Node), a major
             version (fetched as scripts/test-matrix.sh fetches it when it is not this Node), or a path
             to a node binary; one that cannot be had is skipped with a note (default ${DEFAULT_NODES},
             or env BENCH_NODES). The bench and the emulator run on this Node.
  --profile  CPU-profile our best and the best official client on every CPU cell and the cold starts
             (default: only where we are behind; never in a quick run unless given)
  --out      where results.json and results.svg go (default: bench/ for a full run)
  --render=FILE  measure nothing: print the markdown of a results.json and rewrite the SVG next to it
`);
  process.exit(0);
}

if (values.render) {
  const file = path.resolve(values.render);
  const saved = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  if (saved.schema !== 3) {
    process.stderr.write(`${file} has schema ${saved.schema}; this harness renders schema 3 (run the bench again, or check out the commit that wrote it)\n`);
    process.exit(1);
  }
  writeFileSync(path.join(path.dirname(file), "results.svg"), renderSvg(saved));
  process.stdout.write(renderMarkdown(saved));
  process.exit(0);
}

const preset = values.quick ? PRESETS.quick : PRESETS.full;
// A quick run profiles only when asked: profiles take longer than the rest of a quick run.
const defaultSections = SECTIONS.filter((s) => s !== "profile" || !values.quick || values.profile);
const sections = (values.only?.split(",") ?? defaultSections) as Section[];
for (const s of sections) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; one of ${SECTIONS.join(", ")}`);
const clients = (values.clients?.split(",") ?? [...CLIENT_NAMES]) as ClientName[];
for (const c of clients) if (!CLIENT_NAMES.includes(c)) throw new Error(`unknown client ${c}; one of ${CLIENT_NAMES.join(", ")}`);
// A quick run must not overwrite the published full-run results.
const outDir = path.resolve(values.out ?? (values.quick ? path.join(buildRoot, "bench-quick") : path.join(projectDir, "bench")));

const began = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const { nodes, notes } = resolveNodes(values.node!, projectDir);
for (const note of notes) log(note);
let exitCode = 0;
try {
  const results = await runBench({
    preset,
    buildRoot,
    projectDir,
    profileDir: path.join(buildRoot, "profiles"),
    sections,
    nodes,
    nodeNotes: notes,
    clients,
    forceProfile: values.profile,
    log,
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, "results.svg"), renderSvg(results));
  process.stdout.write(renderMarkdown(results));
  log(`done in ${results.durationSec} s; wrote ${path.relative(process.cwd(), outDir) || "."}/results.{json,svg}`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
}
process.exit(exitCode);
