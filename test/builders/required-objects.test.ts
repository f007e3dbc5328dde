// A builder given a missing or mistyped required object (a JavaScript caller, a cast, JSON read at run
// time) reports one ValidationError issue at the field's path, never a TypeError that names no field.

import { describe, expect, test } from "vitest";
import {
  autoAnnotationTask,
  collector,
  collectorPatch,
  labelingTask,
} from "../../src/builders/index.js";
import { issuesOf } from "./issues-of.js";
import { auto, js, labeling } from "./specs.js";

describe("a missing or mistyped required object is one issue at its path", () => {
  test.each([
    ["labelingTask()", () => labelingTask(js(undefined)), "task", "labelingTask takes a spec object; it is undefined"],
    ["autoAnnotationTask(null)", () => autoAnnotationTask(js(null)), "task", "autoAnnotationTask takes a spec object; it is null"],
    ["collector()", () => collector(js(undefined)), "collector", "collector takes a spec object; it is undefined"],
    ["collectorPatch(\"c1\")", () => collectorPatch(js("c1")), "collector", 'collectorPatch takes a spec object; it is the string "c1"'],
    [
      "labelingTask without workers",
      () => labelingTask({ ...labeling, workers: js(undefined) }),
      "task.worker",
      'workers must be an object such as { strategy: "DYNAMIC", users: ["u1"] }; it is undefined',
    ],
    [
      "labelingTask without workers.users",
      () => labelingTask({ ...labeling, workers: js({ strategy: "DYNAMIC" }) }),
      "task.worker.workers",
      'workers.users must be a list such as ["u1"]; it is undefined',
    ],
    [
      "labelingTask with a partition that is not an object",
      () => labelingTask({ ...labeling, workers: js({ strategy: "PARTITIONED", users: ["w1"], partition: "EVENLY" }) }),
      "task.worker.partitionedStrategyInfo",
      'workers.partition must be an object such as { type: "EVENLY", workersPerInput: 1 }; it is the string "EVENLY"',
    ],
    [
      "labelingTask without concepts",
      () => labelingTask({ ...labeling, concepts: js(undefined) }),
      "task.concepts",
      'concepts must be a list such as ["water"]; it is undefined',
    ],
    [
      "labelingTask without inputSource",
      () => labelingTask({ ...labeling, inputSource: js(undefined) }),
      "task.inputSource",
      'inputSource must be an object such as { type: "DATASET", id: "ds-1" }; it is undefined',
    ],
    [
      "labelingTask with a review that is a string",
      () => labelingTask({ ...labeling, review: js("NONE") }),
      "task.review",
      'review must be an object such as { strategy: "NONE" }; it is the string "NONE"',
    ],
    [
      "labelingTask with reviewers that are not a list",
      () => labelingTask({ ...labeling, review: js({ strategy: "MANUAL", samplePercentage: 1, reviewers: "r1" }) }),
      "task.review.users",
      'review.reviewers must be a list such as ["r1"]; it is the string "r1"',
    ],
    [
      "autoAnnotationTask without worker",
      () => autoAnnotationTask({ ...auto, worker: js(undefined) }),
      "task.worker.workers[0]",
      'worker must be an object such as { model: { id: "general" } } or { workflow: { id: "wf" } }; it is undefined',
    ],
    [
      "autoAnnotationTask with a worker that has neither model nor workflow",
      () => autoAnnotationTask({ ...auto, worker: js({}) }),
      "task.worker.workers[0]",
      'worker must be an object such as { model: { id: "general" } } or { workflow: { id: "wf" } }; it is an object with neither',
    ],
    [
      "autoAnnotationTask with a model that is null",
      () => autoAnnotationTask({ ...auto, worker: js({ model: null }) }),
      "task.worker.workers[0].model",
      'worker.model must be an object such as { id: "general" }; it is null',
    ],
    [
      "autoAnnotationTask with a workflow that is a string",
      () => autoAnnotationTask({ ...auto, worker: js({ workflow: "wf" }) }),
      "task.worker.workers[0].workflow",
      'worker.workflow must be an object such as { id: "wf" }; it is the string "wf"',
    ],
    [
      "autoAnnotationTask without concepts",
      () => autoAnnotationTask({ ...auto, concepts: js(undefined) }),
      "task.concepts",
      'concepts must be a list such as [{ id: "water" }]; it is undefined',
    ],
    [
      "autoAnnotationTask with a concept that is null",
      () => autoAnnotationTask({ ...auto, concepts: js([null]) }),
      "task.concepts[0]",
      'concepts[0] must be an object such as { id: "water" }; it is null',
    ],
    [
      "autoAnnotationTask with a threshold that is a number",
      () => autoAnnotationTask({ ...auto, concepts: [{ id: "water", threshold: js(0.7) }] }),
      "task.concepts[0].autoAnnotationConfig.thresholdRange",
      "concepts[0].threshold must be an object such as { lower: 0.7, upper: 1 }; it is the number 0.7",
    ],
    [
      "collector with a source that is a string",
      () => collector({ id: "c1", preQueueWorkflowId: "wf", source: js("general") }),
      "collector.collectorSource.apiPostModelOutputsCollectorSource",
      'source must be an object such as { modelId: "general", postInputsKeyId: "key-1" }; it is the string "general"',
    ],
  ])("%s", (_, build, path, message) => {
    expect(issuesOf(build)).toEqual([{ path, message }]);
  });

  test("the other problems of the spec are still listed beside it", () => {
    const issues = issuesOf(() => labelingTask({ ...labeling, workers: js(undefined), inputSource: { type: "DATASET", id: "" } }));
    expect(issues.map((i) => i.path)).toEqual(["task.worker", "task.inputSource.id"]);
  });

  test("null for an optional object means not given, as in protobuf JSON", () => {
    expect(labelingTask({ ...labeling, review: js(null) }).review?.strategy).toBe(1);
    expect(labelingTask({ ...labeling, review: js({ strategy: "NONE", reviewers: null }) }).review?.users).toEqual([]);
    expect(autoAnnotationTask({ ...auto, concepts: [{ id: "water", threshold: js(null) }] }).concepts[0]?.autoAnnotationConfig).toBeUndefined();
    expect(collectorPatch({ id: "c1", source: js(null) }).collectorSource).toBeUndefined();
  });
});
