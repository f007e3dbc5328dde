// The shape of bench/results.json, and the goals of issue 7 computed from it as ratios of one run.
import type { CodecResult } from "./codec.js";
import { isOurs, type ClientName } from "./clients/types.js";
import type { Footprint } from "./footprint.js";
import type { ColdStart, Memory, ProfileSummary } from "./processes.js";
import type { ThroughputResult } from "./throughput.js";
import { WORKLOADS } from "./workloads.js";

/** Everything one run measured. Written to bench/results.json. */
export interface BenchResults {
  /** Bumped when the shape changes. */
  schema: 1;
  /** Which preset ran: `full` (the published numbers), `quick` (a smoke run) or `tiny` (the test). */
  preset: string;
  /** ISO date of the start. */
  date: string;
  /** Wall time of the whole run. */
  durationSec: number;
  machine: {
    platform: string;
    arch: string;
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    v8: string;
    /** 1-minute load average at start and end: above the core count, other work competed with the bench. */
    loadAvg: { start: number; end: number };
  };
  /** Installed versions of the libraries compared. */
  versions: Record<string, string>;
  /** The settings of the preset. */
  settings: Record<string, number | string | boolean>;
  /** Clients that could not run, with why (their rows are absent from every section). */
  missing: { client: ClientName; reason: string }[];
  throughput: ThroughputResult[];
  codec: CodecResult[];
  coldStart: ColdStart[];
  memory: Memory[];
  footprint?: { ours: Footprint; official: Footprint; ownPackageBytes?: number };
  goals: Goal[];
  profiles: ProfileSummary[];
}

/** One goal of the issue, as a ratio measured in this run. */
export interface Goal {
  id: "facade-overhead" | "cold-start" | "throughput-p99";
  title: string;
  /** The target, in words. */
  target: string;
  /** `true` met, `false` not met, `null` not measurable in this run (the reason is in `detail`). */
  met: boolean | null;
  /** What was measured, in words, with the ratios. */
  detail: string;
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const x = (r: number) => `${r.toFixed(2)}×`;

function row(results: BenchResults, client: ClientName, workload: string): ThroughputResult | undefined {
  return results.throughput.find((t) => t.client === client && t.workload === workload);
}

/** Computes the three goals of issue 7 from a run's results. */
export function computeGoals(results: Omit<BenchResults, "goals">): Goal[] {
  const r = results as BenchResults;
  const goals: Goal[] = [];

  // 1. Facade overhead: same transport (connect) with and without the facade, throughput at c=32.
  {
    const parts: string[] = [];
    let worst = -Infinity;
    for (const w of WORKLOADS) {
      const raw = row(r, "raw-connect", w)?.cN.callsPerSec.median;
      const facade = row(r, "facade-connect", w)?.cN.callsPerSec.median;
      if (raw === undefined || facade === undefined) continue;
      const overhead = raw / facade - 1;
      worst = Math.max(worst, overhead);
      parts.push(`${w} ${pct(overhead)}`);
    }
    goals.push({
      id: "facade-overhead",
      title: "Facade overhead over raw connect at c=32",
      target: "≤ 5% (raw connect calls/s ÷ facade calls/s − 1, connect transport, every workload)",
      met: parts.length ? worst <= 0.05 : null,
      detail: parts.length ? `${parts.join(", ")}; worst ${pct(worst)}` : "not measured: facade-connect or raw-connect missing",
    });
  }

  // 2. Cold start to first call against the official dynamic stub.
  {
    const official = r.coldStart.find((c) => c.client === "official-dynamic")?.importFirstCallMs.median;
    const ours = (["facade-connect", "facade-grpc-js"] as const)
      .map((c) => ({ c, ms: r.coldStart.find((s) => s.client === c)?.importFirstCallMs.median }))
      .filter((e): e is { c: "facade-connect" | "facade-grpc-js"; ms: number } => e.ms !== undefined);
    const fallback = r.coldStart.find((c) => c.client === "raw-connect")?.importFirstCallMs.median;
    if (official === undefined || (ours.length === 0 && fallback === undefined)) {
      goals.push({
        id: "cold-start",
        title: "Cold start to first call vs official dynamic stub",
        target: "≥ 10× faster",
        met: null,
        detail: "not measured in this run",
      });
    } else {
      const list = ours.length ? ours : [{ c: "raw-connect (facade missing)", ms: fallback! }];
      const best = list.reduce((a, b) => (a.ms <= b.ms ? a : b));
      goals.push({
        id: "cold-start",
        title: "Cold start to first call vs official dynamic stub",
        target: "≥ 10× faster (import + first GetTask, fresh process, medians)",
        met: ours.length ? official / best.ms >= 10 : null,
        detail:
          list.map((e) => `${e.c} ${e.ms.toFixed(0)} ms → ${x(official / e.ms)}`).join(", ") +
          ` (official dynamic ${official.toFixed(0)} ms)` +
          (ours.length ? "" : "; facade missing, raw connect shown for reference"),
      });
    }
  }

  // 3. Throughput at c=32 and p99 at c=1: our best facade transport vs the best official path, per workload.
  {
    const facades = (["facade-connect", "facade-grpc-js"] as const).filter((c) => r.throughput.some((t) => t.client === c));
    const ourClients: ClientName[] = facades.length ? [...facades] : ["raw-connect"];
    const officials: ClientName[] = ["official-dynamic", "official-static"];
    const parts: string[] = [];
    let allMet = true;
    let measured = false;
    for (const w of WORKLOADS) {
      const ours = ourClients.map((c) => row(r, c, w)).filter((t) => t !== undefined);
      const theirs = officials.map((c) => row(r, c, w)).filter((t) => t !== undefined);
      if (!ours.length || !theirs.length) continue;
      measured = true;
      const bestRate = (ts: ThroughputResult[]) => ts.reduce((a, b) => (a.cN.callsPerSec.median >= b.cN.callsPerSec.median ? a : b));
      const bestP99 = (ts: ThroughputResult[]) => ts.reduce((a, b) => (a.c1.p99Ms.median <= b.c1.p99Ms.median ? a : b));
      const [oR, tR, oP, tP] = [bestRate(ours), bestRate(theirs), bestP99(ours), bestP99(theirs)];
      const rateRatio = oR.cN.callsPerSec.median / tR.cN.callsPerSec.median;
      const p99Ratio = tP.c1.p99Ms.median / oP.c1.p99Ms.median;
      allMet &&= rateRatio >= 1 && p99Ratio >= 1;
      parts.push(
        `${w}: calls/s ${x(rateRatio)} (${oR.client} vs ${tR.client})${rateRatio >= 1 ? "" : " BEHIND"}, ` +
          `p99 ${x(p99Ratio)} (${oP.client} vs ${tP.client})${p99Ratio >= 1 ? "" : " BEHIND"}`,
      );
    }
    goals.push({
      id: "throughput-p99",
      title: "Throughput (c=32) and p99 (c=1) vs the best official path",
      target: "≥ 1× on every workload with at least one of our transports (ratios > 1 mean ours is better)",
      met: measured && facades.length ? allMet : null,
      detail: measured
        ? parts.join("; ") + (facades.length ? "" : "; facade missing: raw connect shown for reference")
        : "not measured in this run",
    });
  }
  return goals;
}

/** Whether a client is one of ours (re-exported for the report). */
export { isOurs };
