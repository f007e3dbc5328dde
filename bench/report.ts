// The markdown report printed on stdout (and pasted into the README): one table per section, the goals
// with met / not met, and what the profiles say.
import type { BenchResults } from "./results.js";
import type { Spread } from "./stats.js";
import { WORKLOADS } from "./workloads.js";

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

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** Renders the results as markdown. */
export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  const busy = Math.max(m.loadAvg.start, m.loadAvg.end) > m.cores;
  out.push(`### Benchmark (${r.preset} run, ${r.date.slice(0, 10)})`);
  out.push(
    `Node ${m.node} (V8 ${m.v8}) on ${m.platform}/${m.arch}, ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ` +
      `load average ${m.loadAvg.start.toFixed(1)} → ${m.loadAvg.end.toFixed(1)}${busy ? " (**busy machine: other work competed with the bench**)" : ""}. ` +
      `Server: the emulator in its own process; clients in one process, taking turns. ` +
      `${r.settings.rounds} rounds of ${r.settings.cellMs} ms per cell; medians over rounds, ± half the range.`,
  );
  if (r.missing.length) out.push(`**Missing clients:** ${r.missing.map((x) => `${x.client} (${x.reason})`).join("; ")}.`);

  if (r.throughput.length) {
    const clients = [...new Set(r.throughput.map((t) => t.client))];
    const head = ["client", ...WORKLOADS.flatMap((w) => [`${w} p50 ms`, `${w} p99 ms`, `${w} calls/s @${r.settings.concurrency}`])];
    const rows = clients.map((c) => [
      c,
      ...WORKLOADS.flatMap((w) => {
        const t = r.throughput.find((x) => x.client === c && x.workload === w);
        return t ? [ms(t.c1.p50Ms, 3), ms(t.c1.p99Ms, 3), ms(t.cN.callsPerSec, 0)] : ["–", "–", "–"];
      }),
    ]);
    out.push("#### Latency (concurrency 1) and throughput (concurrency 32)", table(head, rows));
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
      "#### Codec: one ListTasks page (MultiTaskResponse, 128 rich tasks)",
      table(["codec", "used by", "encode ops/s", "decode ops/s", "ms/decode", "decode vs protobuf-es", "bytes"], rows),
    );
  }

  if (r.coldStart.length) {
    const rows = r.coldStart.map((c) => [c.client, ms(c.importMs, 0), ms(c.importFirstCallMs, 0), ms(c.processWallMs, 0)]);
    out.push(
      `#### Cold start (fresh process, median of ${r.coldStart[0]!.processes})`,
      table(["client", "import ms", "import + first call ms", "process spawn → exit ms"], rows),
    );
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
      `#### Memory (MB; heap figures are over an empty Node's ${b(r.memory[0]!.baseline.heapUsed)} MB heap)`,
      table(["client", "RSS after import", "heap after import", `RSS after ${calls} calls`, `heap after ${calls} calls (after GC)`], rows),
    );
  }

  if (r.footprint) {
    const f = r.footprint;
    const rows = [f.ours, f.official].map((p) => [p.label, String(p.packages), String(p.files), num(p.bytes / MB, 1), p.largest.slice(0, 3).map((l) => `${l.name} ${num(l.bytes / MB, 1)}`).join(", ")]);
    if (f.ownPackageBytes !== undefined) rows.push(["clarifai-grpc-es itself (dist + proto)", "1", "–", num(f.ownPackageBytes / MB, 1), ""]);
    out.push("#### Footprint: installed production dependencies", table(["", "packages", "files", "MB on disk", "largest"], rows));
  }

  out.push("#### Goals");
  for (const g of r.goals) {
    const mark = g.met === null ? "not measured" : g.met ? "**met**" : "**not met**";
    out.push(`- ${g.title} — target ${g.target}: ${mark}. ${g.detail}`);
  }

  if (r.profiles.length) {
    out.push("#### Where the time goes (CPU profiles at concurrency 32, self time)");
    for (const p of r.profiles) {
      const areas = p.byArea.slice(0, 6).map((a) => `${a.area} ${a.pct}%`).join(", ");
      const fns = p.topFunctions.slice(0, 4).map((f) => `\`${f.fn}\` ${f.pct}%`).join(", ");
      out.push(`- ${p.client} / ${p.workload} (${num(p.callsPerSec, 0)} calls/s profiled): ${areas}. Top functions: ${fns}.`);
    }
  }
  return out.join("\n\n") + "\n";
}
