// A misspelled enum name is one issue at its field, listing the values the field takes there, and not
// followed by the issues that the placeholder value would raise elsewhere in the task.

import { describe, expect, test } from "vitest";
import { labelingTask } from "../../src/builders/index.js";
import { issuesOf } from "./issues-of.js";
import { js, labeling } from "./specs.js";

describe("a misspelled task type or partition type is one issue listing the values the field takes", () => {
  test("task type", () => {
    expect(issuesOf(() => labelingTask({ ...labeling, type: js("CONCEPTS_CLASIFICATION") }))).toEqual([
      {
        path: "task.type",
        message:
          '"CONCEPTS_CLASIFICATION" is not a TaskType of a labeling task (CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION, POLYGON_DETECTION); did you mean "CONCEPTS_CLASSIFICATION"?',
      },
    ]);
  });

  test("TYPE_NOT_SET is not a labeling task's type, by name or by number: one issue, not the auto-annotation rules", () => {
    const expected = [
      {
        path: "task.type",
        message: '"TYPE_NOT_SET" is not a TaskType of a labeling task (CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION, POLYGON_DETECTION)',
      },
    ];
    expect(issuesOf(() => labelingTask({ ...labeling, type: js("TYPE_NOT_SET") }))).toEqual(expected);
    expect(issuesOf(() => labelingTask({ ...labeling, type: js(0) }))).toEqual([{ ...expected[0], message: expected[0]!.message.replace('"TYPE_NOT_SET"', "0 (TYPE_NOT_SET)") }]);
  });

  test.each([
    ["EVENLYY", "EVENLY"],
    ["WEIGHTD", "WEIGHTED"],
  ])("partition type %s", (given, meant) => {
    const workers = { strategy: "PARTITIONED", users: ["u1", "u2"], partition: { type: given, workersPerInput: 1, weights: { u1: 1, u2: 1 } } };
    expect(issuesOf(() => labelingTask({ ...labeling, workers: js(workers) }))).toEqual([
      {
        path: "task.worker.partitionedStrategyInfo.type",
        message: `"${given}" is not a TaskWorkerPartitionedStrategy of a partitioned worker (EVENLY, WEIGHTED); did you mean "${meant}"?`,
      },
    ]);
  });

  test("other misspelled names are one issue too, not followed by their echoes", () => {
    const partition = { type: "EVENLY", workersPerInput: 1 };
    // A misspelled strategy next to a partition used to add "partitionedStrategyInfo belongs to PARTITIONED".
    expect(issuesOf(() => labelingTask({ ...labeling, workers: js({ strategy: "PARTITIONEDD", users: ["u1"], partition }) })).map((i) => i.path)).toEqual([
      "task.worker.strategy",
    ]);
    // A misspelled review strategy next to its settings used to add "consensusStrategyInfo belongs to CONSENSUS".
    expect(issuesOf(() => labelingTask({ ...labeling, review: js({ strategy: "CONSENSUSS", approvalThresholdLabelers: 1 }) })).map((i) => i.path)).toEqual([
      "task.review.strategy",
    ]);
  });
});

test("two misspelled names are two issues, and neither is followed by its echoes", () => {
  const workers = { strategy: "PARTITIONED", users: ["u1", "u2"], partition: { type: "EVENLYY", workersPerInput: 1, weights: { u1: 1, u2: 1 } } };
  expect(issuesOf(() => labelingTask({ ...labeling, type: js("CONCEPTS_CLASIFICATION"), workers: js(workers) })).map((i) => i.path)).toEqual([
    "task.type",
    "task.worker.partitionedStrategyInfo.type",
  ]);
});

describe("a number outside the enum is passed on to the rules, which name the field and the enum's values", () => {
  test("task type", () => {
    expect(issuesOf(() => labelingTask({ ...labeling, type: js(99) }))).toEqual([
      { path: "task.type", message: "type 99 is not a TaskType (TYPE_NOT_SET, CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION, POLYGON_DETECTION)" },
    ]);
  });

  test("partition type", () => {
    const workers = { strategy: "PARTITIONED", users: ["u1", "u2"], partition: { type: 7, workersPerInput: 1, weights: { u1: 1, u2: 1 } } };
    expect(issuesOf(() => labelingTask({ ...labeling, workers: js(workers) }))).toEqual([
      { path: "task.worker.partitionedStrategyInfo.type", message: "type 7 is not a TaskWorkerPartitionedStrategy (PARTITIONED_WORKER_STRATEGY_NOT_SET, EVENLY, WEIGHTED)" },
    ]);
  });
});

test("a name given as a value JSON cannot write (a bigint) is one issue naming it, not a TypeError", () => {
  expect(issuesOf(() => labelingTask({ ...labeling, type: js(1n) }))).toEqual([
    { path: "task.type", message: "the bigint 1n is not a TaskType of a labeling task (CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION, POLYGON_DETECTION)" },
  ]);
});
