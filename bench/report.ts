// The markdown report printed on stdout (and pasted into the README): client CPU per call first, with
// the per-round ratios and the facade's own share, then the goals, cold start, compression, tracing,
// the wall clock of the same calls, memory, footprint, codec, and what the profiles say.
import { COMPRESSION_MODES } from "./compression.js";
import type { CpuRun } from "./cpu.js";
import type { FacadeCell, FacadeRun } from "./facade.js";
import { isTransportAlone } from "./transport-alone.js";
import type { BenchResults } from "./results.js";
import type { ContenderWire } from "./rounds.js";
import type { Spread } from "./stats.js";
import { TRACING_SETUPS } from "./tracing.js";

const MB = 1024 * 1024;

function num(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return "–";
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** "median ±spread%" */
function ms(s: Spread | undefined, digits?: number): string {
  if (!s || !s.n) return "–";
  return s.n > 1 ? `${num(s.median, digits)} ±${s.spreadPct.toFixed(0)}%` : num(s.median, digits);
}

/** "1.70× (1.62–1.81)": a per-round ratio's median and range. */
function ratio(s: Spread | null | undefined): string {
  if (!s || !s.n) return "–";
  return s.n > 1 ? `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : `${s.median.toFixed(2)}×`;
}

/** "+12.0% (+8.1…+15.3)": a per-round percentage's median and range. */
function percent(s: Spread | null | undefined): string {
  if (!s || !s.n) return "–";
  const p = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`;
  return s.n > 1 ? `${p(s.median)} (${p(s.min)}…${p(s.max)})` : p(s.median);
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

function missingLine(items: readonly { label?: string; client: string; reason: string }[]): string | undefined {
  if (!items.length) return undefined;
  return `Did not run: ${items.map((m) => `${m.label ?? m.client} (${m.reason.split("\n")[0]})`).join("; ")}.`;
}

/** The RPC a recorded request was, for gRPC paths and the REST routes of the three RPCs measured. */
function rpcOf(path: string): string {
  const grpc = /^\/clarifai\.api\.V2\/(\w+)$/.exec(path);
  if (grpc) return grpc[1]!;
  if (/^GET \S*\/tasks\/[^/]+$/.test(path)) return "GetTask";
  if (/^GET \S*\/tasks$/.test(path)) return "ListTasks";
  if (/^POST \S*\/tasks$/.test(path)) return "PostTasks";
  return path;
}

/** "client | advertised | how GetTask, PostTasks and ListTasks answers came". */
function wireTable(wire: readonly ContenderWire[]): string {
  const rows = wire.map((w) => {
    const advertised = [...new Set(w.records.map((r) => r.advertised))].map((a) => (a === "none" ? "nothing" : `\`${a}\``)).join(", ");
    const answers = ["GetTask", "PostTasks", "ListTasks"].map((rpc) => w.records.find((r) => rpcOf(r.path) === rpc)?.answered ?? "–");
    return [w.label, advertised || "–", ...answers];
  });
  return table(["client", "advertised", "GetTask answer", "PostTasks answer", "ListTasks answer"], rows);
}

function cpuTables(run: CpuRun): string[] {
  const out: string[] = [];
  const cells = run.cells;
  const labels = [...new Set(cells.flatMap((c) => c.clients.map((x) => x.label)))];
  const rows = labels.map((label) => [
    label,
    ...cells.map((cell) => {
      const c = cell.clients.find((x) => x.label === label);
      return c ? `${ms(c.usPerCall, 0)}${c.ratioToBestOfficial ? ` · ${c.ratioToBestOfficial.median.toFixed(2)}×` : ""}` : "–";
    }),
  ]);
  out.push(
    `##### Node ${run.node.version} (${run.rounds} rounds; calls per client and round: ${cells.map((c) => `${c.cell} ${c.calls}`).join(", ")})`,
    table(["client", ...cells.map((c) => `${c.cell} µs · ÷ best official`)], rows),
  );
  const pairs = [...new Map(cells.flatMap((c) => c.facadeOverhead.map((o) => [`${o.facade}|${o.under}`, o] as const))).values()];
  const summary = [
    ["**best of our facades ÷ best official**", ...cells.map((c) => ratio(c.bestOursOverBestOfficial))],
    ...(cells.some((c) => c.bestOursOverBestOfficialIdentity)
      ? [["best of our facades ÷ best official on identity answers (like for like)", ...cells.map((c) => ratio(c.bestOursOverBestOfficialIdentity))]]
      : []),
    ...pairs.map(({ facade, under, own }) => [
      `${facade} over ${under}${own ? " (the facade's own CPU)" : ""}`,
      ...cells.map((c) => percent(c.facadeOverhead.find((o) => o.facade === facade && o.under === under)?.pct)),
    ]),
  ];
  out.push(table(["per-round ratios, median (range)", ...cells.map((c) => c.cell)], summary));
  if (run.wire.length) out.push("What each client advertised and how its answers came, as measured here (first call of each RPC):", wireTable(run.wire));
  const missing = missingLine(run.missing);
  if (missing) out.push(missing);
  return out;
}

/** A paired ratio: its median, the 95% interval of the median in brackets (when it was computed), and its range. */
function pairedPercent(p: Pick<FacadeCell["paired"][number], "pct" | "interval"> | undefined): string {
  if (!p?.interval) return percent(p?.pct);
  const v = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}%`;
  return `${v(p.pct.median)} [${v(p.interval[0])}, ${v(p.interval[1])}] (${v(p.pct.min)}…${v(p.pct.max)})`;
}

/** `18 paired rounds (3 processes × 6)`, or `16 paired rounds` from one process. */
function pairedRounds({ rounds, processes = 1 }: FacadeRun["paired"]): string {
  return processes > 1 ? `${rounds * processes} paired rounds (${processes} processes × ${rounds})` : `${rounds} paired rounds`;
}

/** The facade section of one Node: the paired ratios and their noise floor first, then where the facade's part goes. */
function facadeTable(run: FacadeRun): string[] {
  const cells = run.cells;
  const us = (s: Spread) => (s.n > 1 ? `${num(s.median, 1)} (${num(s.min, 1)}–${num(s.max, 1)})` : num(s.median, 1));
  const pairs = [...new Map(cells.flatMap((c) => c.paired.map((p) => [`${p.facade}|${p.under}`, p] as const))).values()];
  const rows = [
    ...pairs.map(({ facade, under }) => [
      isTransportAlone(under) ? `**${facade} ÷ the ${under} alone − 1** (the goal's measure)` : `${facade} ÷ ${under} − 1`,
      ...cells.map((c) => pairedPercent(c.paired.find((p) => p.facade === facade && p.under === under))),
    ]),
    ["raw-http2's second client ÷ raw-http2 − 1 (the same code: the noise floor)", ...cells.map((c) => (c.twinPct ? pairedPercent({ pct: c.twinPct, interval: c.twinInterval ?? null }) : "–"))],
    ["raw-http2, µs per call (paired rounds)", ...cells.map((c) => ms(c.rawUs, 0))],
    ["call path, µs per call (over a transport that answers at once)", ...cells.map((c) => us(c.callPathUs))],
    ["default transport's deadline and close() bookkeeping, µs per attempt", ...cells.map((c) => us(c.bookkeepingUs))],
    ["the two ÷ raw-http2's CPU per call", ...cells.map((c) => (Number.isFinite(c.ownPct) ? `${c.ownPct.toFixed(1)}%` : "–"))],
  ];
  return [
    `##### Node ${run.node.version} (${pairedRounds(run.paired)}, blocks of ${cells.map((c, i) => `${c.cell} ${run.paired.calls[i]}`).join(", ")} calls` +
      (run.paired.warmup ? ` after ${run.paired.warmup.map((w) => w.toLocaleString("en-US")).join(", ")} warm-up calls of each client` : "") +
      `; call path and bookkeeping: ${run.inProcess.rounds} rounds of ${run.inProcess.calls.toLocaleString("en-US")} calls; ` +
      (run.transportAlone === "one build"
        ? "the facades and the transport alone from one build of the package's code, sharing the transport's copy)"
        : run.transportAlone === "bundled"
          ? "the transport alone bundled as the package is, edited decoder included)"
          : "the transport alone from the compiled sources, decoding with the stock protobuf-es)"),
    table(["", ...cells.map((c) => c.cell)], rows),
  ];
}

/** Renders the results as markdown. */
export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  const busy = Math.max(m.loadAvg.start, m.loadAvg.end) > m.cores;
  out.push(`### Benchmark (${r.preset} run, ${r.date.slice(0, 10)}, commit ${r.commit})`);
  out.push(
    `Bench and emulator on Node ${m.node}; client processes on ${r.nodes.map((n) => `Node ${n.version}`).join(" and ")}. ` +
      `${m.platform}/${m.arch}, ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ` +
      `load average ${m.loadAvg.start.toFixed(1)} → ${m.loadAvg.end.toFixed(1)}${busy ? " (**busy machine: other work competed with the bench**)" : ""}.`,
  );
  out.push(
    "Each client runs alone in its own process (created through its public entry point), the emulator in another. " +
      "A cell is a fixed number of calls at a fixed concurrency, after unmeasured warm-up calls of the same cell (no forced GC: calls right after one cost more); " +
      "its cost is the client process's own CPU (`process.cpuUsage()`, user + system, every thread) divided by the calls. " +
      "Each round runs every client once per cell, in an order rotated every round; ratios are taken within a round and " +
      "reported as the median over rounds with their range; µs columns show the median ± half the range.",
  );
  for (const note of r.nodeNotes) out.push(`**${note}.**`);

  if (r.cpu.length) {
    out.push("#### Client CPU per completed call");
    for (const run of r.cpu) out.push(...cpuTables(run));
  }

  // A results.json from before the paired method (`--render`) has facade runs without paired rows.
  const facadeRuns = (r.facade ?? []).filter((run) => run.cells.every((c) => c.paired !== undefined));
  if (facadeRuns.length) {
    out.push(
      "#### The facade's own CPU",
      "Each facade runs in a process with the transport under it, called alone as the facade calls it (the client's options, " +
        "header, deadline and close() signal: the goal's measure), and with the hand-written raw client of the same libraries, each " +
        "on its own connection to the emulator, in blocks of the same calls after a long warm-up of each (V8 goes on compiling for " +
        "thousands of calls): a round is facade, other, other, facade (other, facade, " +
        "facade, other in every other round), each block after a quarter as many unmeasured calls of its own (no forced GC), and its " +
        "ratio is the facade's CPU per call over the other's. The rounds of several such processes, run one after another, are " +
        "pooled (one process's luck, such as where V8 put its code, leans all its rounds one way); the median over rounds is shown with its 95% bootstrap interval in " +
        "brackets and the range in parentheses. Whatever the machine does " +
        "during a round weighs on both alike, which two processes taking turns cannot " +
        "promise. A second raw-http2 client against the first gives the noise floor (its ratio would be 0%). Below, where part of the " +
        "facade's cost goes: the call path (`ClarifaiClient` over a transport that answers at once with the emulator's own answer, minus " +
        "that transport alone) and the default transport's per-attempt deadline and close() bookkeeping, looped in the same process.",
    );
    for (const run of facadeRuns) out.push(...facadeTable(run));
  }

  out.push("#### Goals");
  for (const g of r.goals) {
    const mark = g.met === null ? "not measured" : g.met ? "**met**" : "**not met**";
    out.push(`- ${g.title} — target ${g.target}: ${mark}. ${g.detail}`);
  }

  if (r.coldStart.length) {
    const official = (node: string) => r.coldStart.find((c) => c.node === node && c.client === "official-dynamic")?.importFirstCallMs.median;
    const rows = r.coldStart.map((c) => {
      const o = official(c.node);
      return [c.client, c.node, ms(c.importMs, 0), ms(c.importFirstCallMs, 0), o ? `${(o / c.importFirstCallMs.median).toFixed(1)}×` : "–", ms(c.processWallMs, 0)];
    });
    out.push(
      `#### Cold start (fresh process, median of ${r.coldStart[0]!.processes})`,
      table(["client", "Node", "import ms", "import + first call ms", "official dynamic ÷ this", "spawn → exit ms"], rows),
    );
  }

  if (r.compression) {
    const c = r.compression;
    out.push(`#### Compression: identity against gzip (Node ${c.node}, ${c.rounds} rounds, client CPU µs per call)`);
    const said = c.answers.map(
      (a) =>
        `- ${a.emulator} emulator, ${a.rpc} (${num(a.messageBytes, 0)} B), client advertising ${a.advertised === "none" ? "nothing" : `\`${a.advertised}\``}: ` +
        (a.encoding === "identity" ? "answered uncompressed" : `answered ${a.encoding}, ${num(a.wireBytes, 0)} B on the wire`),
    );
    out.push(`What the emulators did (probed on the wire):\n${said.join("\n")}`);
    out.push("What each client process advertised and how its answers came:", wireTable(c.wire));
    for (const cell of c.cells) {
      const rows = cell.rows.map((row) => [
        row.client,
        ms(row.usPerCall.gzip, 0),
        ms(row.usPerCall["identity (emulator)"], 0),
        ratio(row.overGzip["identity (emulator)"]),
        row.usPerCall["identity (client option)"] ? ms(row.usPerCall["identity (client option)"], 0) : "no option",
        ratio(row.overGzip["identity (client option)"]),
      ]);
      out.push(
        `##### ${cell.cell} (${cell.calls} calls per round)`,
        table(["client", `${COMPRESSION_MODES[0]} µs`, `${COMPRESSION_MODES[1]} µs`, "÷ gzip", `${COMPRESSION_MODES[2]} µs`, "÷ gzip"], rows),
      );
    }
    const gaps = new Map<string, string>();
    for (const row of c.cells.flatMap((x) => x.rows)) {
      for (const [mode, why] of Object.entries(row.notRun)) gaps.set(`${row.client} · ${mode}`, why);
    }
    if (gaps.size) out.push(`Not run: ${[...gaps].map(([what, why]) => `${what} (${why})`).join("; ")}.`);
    const missing = missingLine(c.missing);
    if (missing) out.push(missing);
  }

  if (r.tracing) {
    const t = r.tracing;
    out.push(`#### Tracing: \`@opentelemetry/api\` absent, present, and an SDK registered (Node ${t.node}, ${t.rounds} rounds, client CPU µs per call; % over "no API" per round)`);
    const rows = t.cells.flatMap((cell) =>
      cell.rows.map((row) => [
        cell.cell,
        row.client,
        ...TRACING_SETUPS.flatMap((s) => (s === "no API" ? [ms(row.us[s], 0)] : [ms(row.us[s], 0), percent(row.overNoApi[s])])),
      ]),
    );
    if (rows.length) {
      out.push(table(["cell", "client", ...TRACING_SETUPS.flatMap((s) => (s === "no API" ? [`${s} µs`] : [`${s} µs`, "over no API"]))], rows));
    }
    const missing = missingLine(t.missing);
    if (missing) out.push(missing);
  }

  if (r.cpu.length) {
    out.push("#### Wall clock of the same calls (secondary: on two cores the emulator and the scheduler weigh in)");
    for (const run of r.cpu) {
      const labels = [...new Set(run.cells.flatMap((c) => c.clients.map((x) => x.label)))];
      const rows = labels.map((label) => [
        label,
        ...run.cells.flatMap((cell) => {
          const c = cell.clients.find((x) => x.label === label);
          return c ? [ms(c.callsPerSec, 0), `${num(c.p50Ms.median, 2)} / ${num(c.p99Ms.median, 2)}`] : ["–", "–"];
        }),
      ]);
      out.push(`##### Node ${run.node.version}`, table(["client", ...run.cells.flatMap((c) => [`${c.cell} calls/s`, "p50 / p99 ms"])], rows));
    }
  }

  if (r.memory.length) {
    const b = (v: number) => num(v / MB, 1);
    const rows = r.memory.map((x) => [
      x.client,
      b(x.afterImport.rss),
      b(x.afterImport.heapUsed - x.baseline.heapUsed),
      b(x.afterCalls.rss),
      b(x.afterCallsGc.heapUsed - x.baseline.heapUsed),
    ]);
    const calls = r.memory[0]!.calls.toLocaleString("en-US");
    out.push(
      `#### Memory (Node ${m.node}; MB; heap figures are over an empty Node's ${b(r.memory[0]!.baseline.heapUsed)} MB heap)`,
      table(["client", "RSS after import", "heap after import", `RSS after ${calls} calls`, `heap after ${calls} calls (after GC)`], rows),
    );
  }
  const processMissing = missingLine(r.processMissing.map((p) => ({ ...p, label: `${p.client} (${p.section}, Node ${p.node})` })));
  if (processMissing) out.push(processMissing);

  if (r.footprint) {
    const f = r.footprint;
    const rows = [f.ours, f.official].map((p) => [p.label, String(p.packages), String(p.files), num(p.bytes / MB, 1), p.largest.slice(0, 3).map((l) => `${l.name} ${num(l.bytes / MB, 1)}`).join(", ")]);
    if (f.ownPackageBytes !== undefined) rows.push(["clarifai-grpc-es itself (dist + proto)", "1", "–", num(f.ownPackageBytes / MB, 1), ""]);
    out.push("#### Footprint: installed production dependencies", table(["", "packages", "files", "MB on disk", "largest"], rows));
  }

  if (r.codec.length) {
    const es = r.codec.find((c) => c.codec === "protobuf-es");
    const rows = r.codec.map((c) => [
      c.codec,
      c.usedBy,
      ms(c.encodeOpsPerSec, 0),
      ms(c.decodeOpsPerSec, 0),
      num(1000 / c.decodeOpsPerSec.median, 3),
      es ? `${num(c.decodeOpsPerSec.median / es.decodeOpsPerSec.median, 2)}×` : "–",
      String(c.encodedBytes),
    ]);
    out.push(
      "#### Codec: one ListTasks page (MultiTaskResponse, 128 rich tasks), each codec in a fresh process of its own",
      table(["codec", "used by", "encode ops/s", "decode ops/s", "ms/decode", "decode vs stock protobuf-es", "bytes"], rows),
    );
  }

  if (r.profiles.length) {
    out.push("#### Where the CPU goes (V8 CPU profiles, self time)");
    for (const p of r.profiles) {
      const cold = p.cell === "cold start";
      const areas = p.byArea.slice(0, 7).map((a) => `${a.area} ${a.pct}%${cold ? "" : ` (${num(a.usPerCall, 0)} µs)`}`).join(", ");
      const fns = p.topFunctions.slice(0, 4).map((f) => `\`${f.fn}\` ${f.pct}%`).join(", ");
      const head = cold ? `${p.client} / cold start` : `${p.client} / ${p.cell}, ${num(p.usPerCall, 0)} µs per call while profiled`;
      out.push(`- ${head} (Node ${p.node}): ${areas}. Top functions: ${fns}.`);
    }
  }
  return out.join("\n\n") + "\n";
}
