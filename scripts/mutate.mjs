// npm run mutate [-- group…] [-- --from-reports]: runs Stryker once per module group of
// stryker.config.mjs (every group, or the ones named), then prints one score per module: killed +
// timeout over every valid mutant, "no coverage" counted as survived. Survivors are listed by place;
// those in stryker.equivalent-mutants.txt are marked as known equivalents. `--from-reports` prints
// the same from the last run's reports (reports/mutation/<group>.json) without running anything.
// Exits 1 when a group fails to run, a survivor is not listed as equivalent, or a module scores under
// MUTATE_MIN_SCORE (default 85) over its mutants less its listed equivalents (as Stryker scores mutants
// that `// Stryker disable` comments take out; the table shows the score with them counted too).
// MUTATE_FILES (comma-separated, Stryker's `file:from-to` line ranges allowed) narrows what one named
// group mutates while a survivor is being worked on; its reports go to reports/mutation/<group>.narrowed.*
// (read back with MUTATE_FILES set and `--from-reports`), so the group's last whole report stays.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { groups } from "../stryker.config.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const minScore = Number(process.env["MUTATE_MIN_SCORE"] ?? 85);
const equivalentsFile = "stryker.equivalent-mutants.txt";
const args = process.argv.slice(2);
const fromReports = args.includes("--from-reports");
const wanted = args.filter((a) => !a.startsWith("--"));
const unknown = wanted.filter((name) => !groups.some((g) => g.name === name));
if (unknown.length > 0) {
  console.error(`unknown group(s): ${unknown.join(", ")}; known: ${groups.map((g) => g.name).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? groups.filter((g) => wanted.includes(g.name)) : groups;
const narrowed = process.env["MUTATE_FILES"]?.split(",").filter((f) => f !== "");
if (narrowed !== undefined && selected.length !== 1) {
  console.error("MUTATE_FILES narrows one group: name it, e.g. npm run mutate -- validation");
  process.exit(2);
}
const reportBase = (group) => `reports/mutation/${group.name}${narrowed === undefined ? "" : ".narrowed"}`;
const reportOf = (group) => `${reportBase(group)}.json`;

const started = performance.now();
const failedGroups = [];
const minutes = (since) => ((performance.now() - since) / 60_000).toFixed(1);
if (!fromReports) {
  const { Stryker } = await import("@stryker-mutator/core");
  for (const group of selected) {
    const groupStart = performance.now();
    console.log(`\n=== mutation group "${group.name}": ${group.mutate.join(", ")} ===`);
    // Read by vitest.mutate.config.ts in Stryker's workers, which inherit the environment.
    process.env["MUTATE_TESTS"] = group.tests.join(",");
    try {
      await new Stryker({
        mutate: narrowed ?? group.mutate,
        htmlReporter: { fileName: `${reportBase(group)}.html` },
        jsonReporter: { fileName: reportOf(group) },
      }).runMutationTest();
    } catch (error) {
      console.error(`group "${group.name}" failed to run:`, error);
      failedGroups.push(group.name);
    }
    console.log(`group "${group.name}" took ${minutes(groupStart)} min`);
  }
}

/**
 * The known equivalent mutants: lines `file | mutator | original → replacement | why`, original and
 * replacement being source text with whitespace collapsed; `*` as mutator or replacement stands for
 * every mutant of that original text. `#` starts a comment line.
 */
function readEquivalents() {
  let text = "";
  try {
    text = readFileSync(equivalentsFile, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      // The source text may itself hold " | " (a union type): file and mutator are the first two
      // fields, the reason the last, and the change everything between.
      const fields = line.split(" | ");
      const [file, mutator] = fields;
      const why = fields.length > 3 ? fields.at(-1) : undefined;
      const change = fields.slice(2, fields.length > 3 ? -1 : undefined).join(" | ");
      const at = change.lastIndexOf(" → ");
      return { file, mutator, original: change.slice(0, at), replacement: change.slice(at + 3), why, used: false };
    });
}

const squash = (s) => s.replace(/\s+/g, " ").trim();
/** The source text a mutant replaced (report locations: lines and columns 1-based, end exclusive). */
function originalText(source, { start, end }) {
  const lines = source.split("\n");
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join("\n");
}

const rows = [];
const survivors = [];
for (const group of selected.filter((g) => !failedGroups.includes(g.name))) {
  let report;
  try {
    report = JSON.parse(readFileSync(reportOf(group), "utf8"));
  } catch {
    console.error(`no report for group "${group.name}" (${reportOf(group)})`);
    failedGroups.push(group.name);
    continue;
  }
  for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const rel = path.relative(root, path.resolve(root, name));
    const count = (status) => file.mutants.filter((m) => m.status === status).length;
    const [killed, timeout, survived, noCoverage] = ["Killed", "Timeout", "Survived", "NoCoverage"].map(count);
    const valid = killed + timeout + survived + noCoverage;
    rows.push({ group: group.name, file: rel, valid, killed, timeout, survived, noCoverage, equivalent: 0, score: valid === 0 ? 100 : (100 * (killed + timeout)) / valid });
    for (const m of file.mutants.filter((x) => x.status === "Survived" || x.status === "NoCoverage")) {
      survivors.push({ ...m, file: rel, original: squash(originalText(file.source, m.location)) });
    }
  }
}

const equivalents = readEquivalents();
const unexplained = [];
if (survivors.length > 0) {
  console.log(`\nSurvivors (E: listed as equivalent in ${equivalentsFile}):`);
  survivors.sort((a, b) => a.file.localeCompare(b.file) || a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
  for (const m of survivors) {
    const replacement = squash(m.replacement ?? "");
    const hit = equivalents.find(
      (e) => e.file === m.file && (e.mutator === "*" || e.mutator === m.mutatorName) && e.original === m.original && (e.replacement === "*" || e.replacement === replacement),
    );
    if (hit) {
      hit.used = true;
      const row = rows.find((r) => r.file === m.file);
      if (row) row.equivalent++;
    } else unexplained.push(m);
    const status = m.status === "NoCoverage" ? " (no coverage)" : "";
    console.log(`${hit ? "E" : " "} ${m.file}:${m.location.start.line}:${m.location.start.column} | ${m.mutatorName} | ${m.original} → ${replacement}${status}`);
  }
}
const stale = equivalents.filter((e) => !e.used && rows.some((r) => r.file === e.file));
if (stale.length > 0) {
  console.log(`\n${equivalentsFile}: ${stale.length} line(s) match no survivor (killed now, or the code changed):`);
  for (const e of stale) console.log(`  ${e.file} | ${e.mutator} | ${e.original} → ${e.replacement}`);
}

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log("\nMutation score per module (killed + timeout over valid mutants; no coverage counts as survived;");
console.log(`"less equiv." leaves out the survivors listed as equivalent, and is what MUTATE_MIN_SCORE=${minScore} applies to):`);
console.log(`${pad("module", 40)}${num("mutants", 8)}${num("killed", 8)}${num("timeout", 8)}${num("survived", 9)}${num("no cov", 8)}${num("equiv.", 8)}${num("score", 8)}${num("less equiv.", 13)}`);
/** The score over the module's mutants less its listed equivalents. */
const gated = (r) => (r.valid === r.equivalent ? 100 : (100 * (r.killed + r.timeout)) / (r.valid - r.equivalent));
for (const r of rows) {
  const flag = gated(r) < minScore ? `  < ${minScore}` : "";
  console.log(
    `${pad(r.file, 40)}${num(r.valid, 8)}${num(r.killed, 8)}${num(r.timeout, 8)}${num(r.survived, 9)}${num(r.noCoverage, 8)}${num(r.equivalent, 8)}${num(r.score.toFixed(1) + "%", 8)}${num(gated(r).toFixed(1) + "%", 13)}${flag}`,
  );
}
const total = rows.reduce((t, r) => ({ valid: t.valid + r.valid, dead: t.dead + r.killed + r.timeout }), { valid: 0, dead: 0 });
console.log(`${pad("all", 40)}${num(total.valid, 8)}${num("", 33)}${num(((100 * total.dead) / Math.max(1, total.valid)).toFixed(1) + "%", 8)}`);
const took = fromReports ? "" : `, ${minutes(started)} min`;
console.log(`\n${rows.length} modules in ${selected.length} group(s)${took}; ${unexplained.length} survivor(s) not listed as equivalent.`);
if (failedGroups.length > 0) console.log(`Groups that failed to run: ${failedGroups.join(", ")}`);
process.exitCode = failedGroups.length > 0 || unexplained.length > 0 || rows.some((r) => gated(r) < minScore) ? 1 : 0;
