import { create } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import { type Collector, CollectorSchema } from "../../gen/clarifai/api/resources_pb.js";
import {
  validateCollector,
  validateCollectorPatch,
  validateCollectorPatches,
  validateCollectors,
} from "../../src/validation/index.js";

function valid(id = "c1"): Collector {
  return create(CollectorSchema, {
    id,
    preQueueWorkflowId: "wf",
    collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "general", postInputsKeyId: "key" } },
  });
}

const SRC = "collector.collectorSource.apiPostModelOutputsCollectorSource";

describe("validateCollector", () => {
  test("a valid collector has no issues", () => {
    expect(validateCollector(valid())).toEqual([]);
  });
  test("id required", () => {
    const c = valid("");
    expect(validateCollector(c)).toEqual([
      { path: "collector.id", message: "a collector needs an id (chosen by the caller, unique in the app)" },
    ]);
  });
  test("at least one workflow", () => {
    const c = valid();
    c.preQueueWorkflowId = "";
    expect(validateCollector(c)).toEqual([
      { path: "collector.preQueueWorkflowId", message: "a collector needs preQueueWorkflowId or postQueueWorkflowId (or both)" },
    ]);
    c.postQueueWorkflowId = "post";
    expect(validateCollector(c)).toEqual([]);
  });
  test.each([[-0.5], [1.01], [Number.NaN]])("preQueueRandomSample %d is outside (0, 1]", (s) => {
    const c = valid();
    c.preQueueRandomSample = s;
    expect(validateCollector(c)).toEqual([
      { path: "collector.preQueueRandomSample", message: `preQueueRandomSample must be within (0, 1] (0 = unset); it is ${s}` },
    ]);
  });
  test.each([[0], [0.25], [1]])("preQueueRandomSample %d is fine (0 = unset)", (s) => {
    const c = valid();
    c.preQueueRandomSample = s;
    expect(validateCollector(c)).toEqual([]);
  });
  test("a source is required", () => {
    const c = valid();
    c.collectorSource = undefined;
    expect(validateCollector(c)).toEqual([
      { path: SRC, message: "a collector needs a source: apiPostModelOutputsCollectorSource with modelId and postInputsKeyId" },
    ]);
  });
  test("the source needs modelId and postInputsKeyId", () => {
    const c = valid();
    c.collectorSource!.apiPostModelOutputsCollectorSource!.modelId = "";
    c.collectorSource!.apiPostModelOutputsCollectorSource!.postInputsKeyId = "";
    expect(validateCollector(c)).toEqual([
      { path: `${SRC}.modelId`, message: "the collector source needs the id of the model whose inputs are collected" },
      {
        path: `${SRC}.postInputsKeyId`,
        message: "the collector source needs postInputsKeyId: an API key of the destination app with the PostInputs scope",
      },
    ]);
  });
});

describe("validateCollectors", () => {
  test("ids unique in a batch, items named collectors[i]", () => {
    expect(validateCollectors([valid("a"), valid("b"), valid("a")])).toEqual([
      { path: "collectors[2].id", message: 'duplicate collector id "a": already used by collectors[0]' },
    ]);
  });
  test("item issues carry the item path", () => {
    expect(validateCollectors([valid("a"), valid("")]).map((i) => i.path)).toEqual(["collectors[1].id"]);
  });
});

describe("validateCollectorPatch", () => {
  test("the documented partial update (id, description, preQueueWorkflowId) is valid", () => {
    const c = create(CollectorSchema, { id: "c1", description: "new", preQueueWorkflowId: "wf2" });
    expect(validateCollectorPatch(c)).toEqual([]);
    // The same message is not a valid new collector: the patch rules really are looser.
    expect(validateCollector(c).map((i) => i.path)).toEqual([`${SRC}`]);
  });
  test("an id alone is a valid patch", () => {
    expect(validateCollectorPatch(create(CollectorSchema, { id: "c1" }))).toEqual([]);
  });
  test("id required", () => {
    expect(validateCollectorPatch(create(CollectorSchema, { description: "x" })).map((i) => i.path)).toEqual(["collector.id"]);
  });
  test("what it carries is checked: sample and source", () => {
    const c = create(CollectorSchema, {
      id: "c1",
      preQueueRandomSample: 2,
      collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m" } },
    });
    expect(validateCollectorPatch(c).map((i) => i.path)).toEqual([
      "collector.preQueueRandomSample",
      `${SRC}.postInputsKeyId`,
    ]);
  });
  test("an empty collectorSource is refused", () => {
    const c = create(CollectorSchema, { id: "c1", collectorSource: {} });
    expect(validateCollectorPatch(c).map((i) => i.path)).toEqual([SRC]);
  });
  test("batch: unique ids", () => {
    const a = create(CollectorSchema, { id: "a" });
    expect(validateCollectorPatches([a, a]).map((i) => i.path)).toEqual(["collectors[1].id"]);
  });
});
