// The documented rules for a Collector, shared by the client and the emulator.

import type { MessageInitShape } from "@bufbuild/protobuf";
import { CollectorSchema, type Collector } from "../../gen/clarifai/api/resources_pb.js";
import { duplicateIds } from "./ids.js";
import type { ValidationIssue } from "./issue.js";
import { withShape } from "./shape.js";

/**
 * A collector as the collector validators take it: a `Collector` message or the plain init object
 * that `create(CollectorSchema, …)` would take. A plain object is checked as written first (keys that
 * are not fields, such as `pre_queue_workflow_id`, values of the wrong type), as in `validateTask`.
 */
export type CollectorLike = Collector | MessageInitShape<typeof CollectorSchema>;

type Add = (path: string, message: string) => void;

/**
 * Checks one collector as sent to PostCollectors and returns every issue found (empty when valid):
 * an id; at least one of `preQueueWorkflowId` / `postQueueWorkflowId`; `preQueueRandomSample` within
 * (0, 1] when set (0 means unset: keep every input); a source naming a model id and a `postInputsKeyId`.
 *
 * @param path - the name of the collector in the paths. Defaults to `"collector"`.
 */
export function validateCollector(collector: CollectorLike, path = "collector"): ValidationIssue[] {
  return withShape(CollectorSchema, collector, path, {}, (c) => collectorRules(c, path));
}

function collectorRules(collector: Collector, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add: Add = (p, message) => issues.push({ path: p, message });
  checkId(collector, path, add);
  if (collector.preQueueWorkflowId === "" && collector.postQueueWorkflowId === "") {
    add(`${path}.preQueueWorkflowId`, "a collector needs preQueueWorkflowId or postQueueWorkflowId (or both)");
  }
  checkSample(collector, path, add);
  checkSource(collector, path, add, true);
  return issues;
}

/**
 * Checks a batch of collectors; items are named `collectors[0]` …, and ids must be unique in the batch.
 *
 * @param path - the name of the list in the paths. Defaults to `"collectors"`.
 */
export function validateCollectors(collectors: readonly CollectorLike[], path = "collectors"): ValidationIssue[] {
  return [
    ...collectors.flatMap((c, i) => validateCollector(c, `${path}[${i}]`)),
    ...duplicateIds(collectors, path, "collector"),
  ];
}

/**
 * Checks a collector sent to PatchCollectors (action `overwrite`) on what it carries: the documented
 * update sends only `id`, `description` and `preQueueWorkflowId`, and the stored collector keeps the
 * rest. So the id is required, and `preQueueRandomSample` and a given `collectorSource` are checked as
 * in {@link validateCollector}; the workflow rule is not, since an omitted workflow id keeps the stored
 * one. To check the collector that results, merge it into the stored one and call
 * {@link validateCollector}.
 *
 * @param path - the name of the collector in the paths. Defaults to `"collector"`.
 */
export function validateCollectorPatch(collector: CollectorLike, path = "collector"): ValidationIssue[] {
  return withShape(CollectorSchema, collector, path, {}, (c) => collectorPatchRules(c, path));
}

function collectorPatchRules(collector: Collector, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add: Add = (p, message) => issues.push({ path: p, message });
  checkId(collector, path, add);
  checkSample(collector, path, add);
  checkSource(collector, path, add, false);
  return issues;
}

/**
 * {@link validateCollectorPatch} for a batch; ids must be unique in the batch.
 *
 * @param path - the name of the list in the paths. Defaults to `"collectors"`.
 */
export function validateCollectorPatches(collectors: readonly CollectorLike[], path = "collectors"): ValidationIssue[] {
  return [
    ...collectors.flatMap((c, i) => validateCollectorPatch(c, `${path}[${i}]`)),
    ...duplicateIds(collectors, path, "collector"),
  ];
}

function checkId(c: Collector, path: string, add: Add): void {
  if (c.id === "") add(`${path}.id`, "a collector needs an id (chosen by the caller, unique in the app)");
}

function checkSample(c: Collector, path: string, add: Add): void {
  const s = c.preQueueRandomSample;
  // 0 is proto3's "not set" and means "keep every input"; anything else must be a fraction in (0, 1].
  if (s !== 0 && !(s > 0 && s <= 1)) {
    add(`${path}.preQueueRandomSample`, `preQueueRandomSample must be within (0, 1] (0 = unset); it is ${s}`);
  }
}

function checkSource(c: Collector, path: string, add: Add, required: boolean): void {
  const sp = `${path}.collectorSource`;
  const src = c.collectorSource?.apiPostModelOutputsCollectorSource;
  if (src === undefined) {
    if (required || c.collectorSource !== undefined) {
      add(
        `${sp}.apiPostModelOutputsCollectorSource`,
        "a collector needs a source: apiPostModelOutputsCollectorSource with modelId and postInputsKeyId",
      );
    }
    return;
  }
  const ap = `${sp}.apiPostModelOutputsCollectorSource`;
  if (src.modelId === "") add(`${ap}.modelId`, "the collector source needs the id of the model whose inputs are collected");
  if (src.postInputsKeyId === "") {
    add(`${ap}.postInputsKeyId`, "the collector source needs postInputsKeyId: an API key of the destination app with the PostInputs scope");
  }
}
