// Prints "N passed, N failed" from vitest JSON reports.
//   node scripts/count-tests.mjs [report]            one report (default reports/vitest.json); exits 1
//                                                    when it is missing or counts no test
//   node scripts/count-tests.mjs --sum a.json b.json  the total of several; a missing report counts as
//                                                    one failure (that run never reached vitest)
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const sum = args[0] === "--sum";
const files = sum ? args.slice(1) : [args[0] ?? "reports/vitest.json"];

let passed = 0;
let failed = 0;
for (const file of files) {
  const counts = read(file);
  if (!counts) {
    if (!sum) process.exit(1);
    failed += 1;
    continue;
  }
  passed += counts.passed;
  failed += counts.failed;
}
if (passed + failed === 0) {
  console.error("the vitest report counts no test");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed`);

function read(file) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`no vitest report at ${file}: ${error.message}`);
    return undefined;
  }
  // A suite that fails to load has no failed tests of its own, so it is counted as one failure.
  const failedSuites = (report.testResults ?? []).filter(
    (s) => s.status === "failed" && !(s.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
  return { passed: report.numPassedTests ?? 0, failed: (report.numFailedTests ?? 0) + failedSuites };
}
