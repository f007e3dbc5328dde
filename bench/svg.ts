// The chart of bench/results.svg: small multiples of horizontal bars, one panel per measure, each on its
// own scale, our clients in one colour and the official ones in another. Hand-written SVG: no chart
// library for a handful of rectangles.
import { isOurs, type ClientName } from "./clients/types.js";
import type { BenchResults } from "./results.js";

interface Panel {
  title: string;
  unit: string;
  /** "higher" or "lower" is better, printed in the title. */
  better: "higher" | "lower";
  bars: { label: ClientName | string; value: number; ours: boolean }[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function fmt(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString("en-US") : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function panels(r: BenchResults): Panel[] {
  const list: Panel[] = [];
  for (const run of r.cpu) {
    for (const cell of run.cells) {
      list.push({
        title: `CPU per call, ${cell.cell}, Node ${run.node.version}`,
        unit: "µs",
        better: "lower",
        bars: cell.clients.map((c) => ({ label: c.label.replace(" · identity answers", " (identity)"), value: c.usPerCall.median, ours: isOurs(c.client) })),
      });
    }
  }
  if (r.coldStart.length) {
    list.push({
      title: "Cold start: import + first call",
      unit: "ms",
      better: "lower",
      bars: r.coldStart.map((c) => ({ label: r.nodes.length > 1 ? `${c.client} ${c.node.split(".")[0]}` : c.client, value: c.importFirstCallMs.median, ours: isOurs(c.client) })),
    });
  }
  if (r.codec.length) {
    list.push({
      title: "Decode one 128-task page",
      unit: "ms",
      better: "lower",
      bars: r.codec.map((c) => ({ label: c.codec, value: 1000 / c.decodeOpsPerSec.median, ours: c.codec.startsWith("protobuf-es") })),
    });
  }
  if (r.memory.length) {
    list.push({
      title: `RSS after ${r.memory[0]!.calls.toLocaleString("en-US")} calls`,
      unit: "MB",
      better: "lower",
      bars: r.memory.map((m) => ({ label: m.client, value: m.afterCalls.rss / 1024 / 1024, ours: isOurs(m.client) })),
    });
  }
  if (r.footprint) {
    const own = r.footprint.ownPackageBytes ?? 0;
    list.push({
      title: "Installed size (package + production deps)",
      unit: "MB",
      better: "lower",
      bars: [
        { label: "clarifai-grpc-es", value: (r.footprint.ours.bytes + own) / 1024 / 1024, ours: true },
        { label: "clarifai-nodejs-grpc", value: r.footprint.official.bytes / 1024 / 1024, ours: false },
      ],
    });
  }
  return list;
}

/** Renders the chart. */
export function renderSvg(r: BenchResults): string {
  const ps = panels(r);
  const colW = 490;
  // Wide enough for the longest label ("protobufjs (dynamic stub)") at 11 px.
  const labelW = 160;
  const barMax = colW - labelW - 80;
  const barH = 14;
  const gap = 4;
  const headH = 22;
  const panelH = (p: Panel) => headH + p.bars.length * (barH + gap) + 14;
  const cols = 2;
  const rowsH: number[] = [];
  for (let i = 0; i < ps.length; i += cols) rowsH.push(Math.max(...ps.slice(i, i + cols).map(panelH)));
  const top = 56;
  const height = top + rowsH.reduce((a, b) => a + b, 0) + 30;
  const width = cols * colW + 20;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="600">clarifai-grpc-es vs clarifai-nodejs-grpc (${esc(r.preset)} run, ${esc(r.date.slice(0, 10))}, ${esc(r.commit)})</text>`,
    `<text x="10" y="38" fill="#555">${esc(r.machine.cpu)}, ${r.machine.cores} cores, load ${r.machine.loadAvg.start.toFixed(1)}→${r.machine.loadAvg.end.toFixed(1)}${
      Math.max(r.machine.loadAvg.start, r.machine.loadAvg.end) > r.machine.cores ? " (busy machine)" : ""
    }; client CPU per call, one process per client, medians of ${r.settings.rounds} rounds</text>`,
    `<rect x="${width - 250}" y="28" width="10" height="10" fill="#2b6cb0"/><text x="${width - 236}" y="37">ours</text>`,
    `<rect x="${width - 190}" y="28" width="10" height="10" fill="#c05621"/><text x="${width - 176}" y="37">official</text>`,
  );
  let y = top;
  ps.forEach((p, i) => {
    const col = i % cols;
    const x0 = 10 + col * colW;
    const rowIndex = Math.floor(i / cols);
    if (col === 0 && i > 0) y += rowsH[rowIndex - 1]!;
    const max = Math.max(...p.bars.map((b) => b.value).filter(Number.isFinite), 1e-9);
    parts.push(`<text x="${x0}" y="${y + 14}" font-weight="600">${esc(p.title)} <tspan font-weight="400" fill="#666">(${esc(p.unit)}, ${p.better} is better)</tspan></text>`);
    p.bars.forEach((b, k) => {
      const by = y + headH + k * (barH + gap);
      const w = Number.isFinite(b.value) ? Math.max(1, (b.value / max) * barMax) : 0;
      parts.push(
        `<text x="${x0 + labelW - 6}" y="${by + barH - 3}" text-anchor="end">${esc(b.label)}</text>`,
        `<rect x="${x0 + labelW}" y="${by}" width="${w.toFixed(1)}" height="${barH}" fill="${b.ours ? "#2b6cb0" : "#c05621"}"/>`,
        `<text x="${(x0 + labelW + w + 4).toFixed(1)}" y="${by + barH - 3}">${Number.isFinite(b.value) ? fmt(b.value) : "n/a"}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
