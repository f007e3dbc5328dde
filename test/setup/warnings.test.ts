// The warnings guard (test/setup/warnings.ts) itself: a vitest of its own runs the fixtures next to
// it, and each fixture test must pass or fail as the guard promises.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../support/build.js";

interface Assertion {
  title: string;
  status: string;
  failureMessages: string[];
}
interface FileResult {
  name: string;
  status: string;
  message: string;
  assertionResults: Assertion[];
}

let dir: string;
let files: FileResult[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "warnings-guard-"));
  const report = join(dir, "report.json");
  // The fixtures fail on purpose, so the run exits 1; the report says how each test ended.
  await promisify(execFile)(
    process.execPath,
    ["node_modules/vitest/vitest.mjs", "run", "--config", "test/setup/fixtures/vitest.fixture.config.ts", "--reporter=json", `--outputFile=${report}`],
    { cwd: root, env: { ...process.env, FORCE_COLOR: "0" } },
  ).catch((e: { code?: number }) => {
    if (e.code !== 1) throw e;
  });
  files = (JSON.parse(await readFile(report, "utf8")) as { testResults: FileResult[] }).testResults;
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (name: string) => files.find((f) => f.name.endsWith(name))!;
const outcome = (title: string) => {
  const a = file("warnings.fixture.ts").assertionResults.find((t) => t.title === title)!;
  return { status: a.status, message: a.failureMessages.join("\n") };
};

describe("the suite's warnings guard", () => {
  it("passes a test that emits nothing", () => {
    expect(outcome("clean").status).toBe("passed");
  });

  it("fails the test during which an unexpected warning was emitted, naming it and where it came from", () => {
    const { status, message } = outcome("emits an unexpected warning");
    expect(status).toBe("failed");
    expect(message).toContain("Node printed a warning during this test:\n  TestWarning: nobody expected this");
    expect(message).toContain("warnings.fixture.ts:");
    expect(message).toContain("call allowWarning({ name, message, reason })");
  });

  it("fails on MaxListenersExceededWarning (what a shared AbortSignal printed on Node 20)", () => {
    const { status, message } = outcome("more than 10 listeners on one EventTarget");
    expect(status).toBe("failed");
    expect(message).toContain("MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort listeners");
  });

  it("lets a test allow the warnings it provokes on purpose, and only those, and only in that test", () => {
    expect(outcome("emits a warning it allows").status).toBe("passed");
    const mixed = outcome("allows one warning and emits another");
    expect(mixed.status).toBe("failed");
    expect(mixed.message).toContain("OtherWarning: but not this one");
    expect(mixed.message).not.toContain("provoked on purpose");
    expect(outcome("the allowance ended with the test that made it").status).toBe("failed");
  });

  it("fails the file when a warning arrives outside any test", () => {
    const outside = file("outside.fixture.ts");
    expect(outside.status).toBe("failed");
    expect(outside.message).toContain("Node printed a warning in this file outside its tests");
    expect(outside.message).toContain("TestWarning: emitted while the file loads");
    expect(outside.assertionResults.map((a) => a.status)).toEqual(["passed"]);
  });
});
