// Prints "N passed, N failed" from a vitest JSON report; exits 1 when there is no report or no test ran.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "reports/vitest.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`no vitest report at ${file}: ${error.message}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A suite that fails to load has no failed tests of its own, so it is counted as one failure.
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - failedSuitesWithFailedTests(report);
if (passed + failed === 0) {
  console.error("the vitest report counts no test");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed`);

function failedSuitesWithFailedTests(r) {
  return (r.testResults ?? []).filter(
    (s) => s.status === "failed" && (s.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
}
