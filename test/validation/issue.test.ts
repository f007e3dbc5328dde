import { describe, expect, test } from "vitest";
import { formatIssue, formatIssues } from "../../src/validation/issue.js";
import { invalid } from "../../src/testing/status.js";

describe("formatIssues", () => {
  const issues = [
    { path: "tasks[0].worker.workers", message: "a task needs at least one worker" },
    { path: "tasks[1].type", message: "type 9 is not a TaskType" },
  ];
  test("writes each issue as path: message, in order, joined with '; '", () => {
    expect(formatIssue(issues[0]!)).toBe("tasks[0].worker.workers: a task needs at least one worker");
    expect(formatIssues(issues)).toBe(
      "tasks[0].worker.workers: a task needs at least one worker; tasks[1].type: type 9 is not a TaskType",
    );
    expect(formatIssues([])).toBe("");
  });
  test("is what the emulator puts in status.details", () => {
    expect(invalid(issues).details).toBe(formatIssues(issues));
  });
});
