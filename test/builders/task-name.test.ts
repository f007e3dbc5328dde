// Every task of the documentation has a name; the builders refuse one without.

import { describe, expect, test } from "vitest";
import { autoAnnotationTask, labelingTask } from "../../src/builders/index.js";
import { issuesOf } from "./issues-of.js";
import { auto, js, labeling } from "./specs.js";

describe("a task needs a name", () => {
  test.each([
    ["missing", undefined, "undefined"],
    ["empty", "", 'the string ""'],
    ["blank", "  ", 'the string "  "'],
    ["not a string", 5, "the number 5"],
  ])("%s", (_, name, shown) => {
    const message = `name is required: a title that tells the task apart in a list, such as "Annotate water"; it is ${shown}`;
    expect(issuesOf(() => labelingTask({ ...labeling, name: js(name) }))).toEqual([{ path: "task.name", message }]);
    expect(issuesOf(() => autoAnnotationTask({ ...auto, name: js(name) }))).toEqual([{ path: "task.name", message }]);
  });
});
