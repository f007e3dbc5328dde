// Collectors: watch the predictions of a model and add a sample of their inputs to an app.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Collector, CollectorSchema } from "../../gen/clarifai/api/resources_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { StatusSchema } from "../../gen/clarifai/api/status/status_pb.js";
import { validateCollector, validateCollectorPatch } from "../validation/collector.js";
import { throwIfInvalid } from "../validation/assert.js";
import type { ValidationIssue } from "../validation/issue.js";
import { describe } from "../validation/shape.js";
import { objectAt, requireSpec, withoutEchoes } from "./spec-issues.js";

/** The model whose PostModelOutputs calls a collector watches, and where the inputs go. */
export interface CollectorSourceSpec {
  /** The model's owner (`"clarifai"` for public models). Default: none (the caller's). */
  readonly modelUserId?: string;
  /** The app that holds the model (`"main"` for public models). Default: none (the collector's app). */
  readonly modelAppId?: string;
  /** The watched model. Required. */
  readonly modelId: string;
  /** The watched version. Default: none (every version). */
  readonly modelVersionId?: string;
  /** The id of an API key of the destination app with the PostInputs scope. Required. */
  readonly postInputsKeyId: string;
}

/** The fields of a collector other than its workflows. */
export interface CollectorBaseSpec {
  /** The collector id, chosen by the caller, unique in the app. */
  readonly id: string;
  /** Free text. Default: empty. */
  readonly description?: string;
  /** Share of the inputs kept at random before the pre-queue workflow, within (0, 1]. Default: unset (keep all). */
  readonly preQueueRandomSample?: number;
  /** Collect the model's outputs together with the inputs. Default: `false`. */
  readonly collectOutputs?: boolean;
  /** Where the inputs come from. */
  readonly source: CollectorSourceSpec;
}

/**
 * What {@link collector} takes: at least one of the two workflows is required, so a collector with
 * neither does not compile.
 */
export type CollectorSpec = CollectorBaseSpec &
  (
    | {
        /** A workflow run on the model's outputs that decides which inputs to keep. */
        readonly preQueueWorkflowId: string;
        /** A workflow run on each kept input before it is added to the app. Default: none. */
        readonly postQueueWorkflowId?: string;
      }
    | { readonly preQueueWorkflowId?: string; readonly postQueueWorkflowId: string }
  );

/**
 * What {@link collectorPatch} takes: the id and the fields to change. For PatchCollectors with action
 * `overwrite`, fields left out keep their stored values.
 */
export interface CollectorPatchSpec {
  /** The collector to change. */
  readonly id: string;
  /** New free text. Default: unchanged. */
  readonly description?: string;
  /** New pre-queue workflow. Default: unchanged. */
  readonly preQueueWorkflowId?: string;
  /** New post-queue workflow. Default: unchanged. */
  readonly postQueueWorkflowId?: string;
  /** New random sample share, within (0, 1]. Default: unchanged. */
  readonly preQueueRandomSample?: number;
  /** Whether to collect the model's outputs too. Default: unchanged. */
  readonly collectOutputs?: boolean;
  /** A whole new source (both `modelId` and `postInputsKeyId` are required again). */
  readonly source?: CollectorSourceSpec;
  /**
   * `true` pauses the collector without deleting it (status COLLECTOR_INACTIVE); `false` resumes it
   * (COLLECTOR_ACTIVE). Default: unchanged.
   */
  readonly paused?: boolean;
}

/**
 * Builds a collector for PostCollectors, checked against the documented rules.
 *
 * @example
 * collector({ id: "c1", description: "Collects the general model's predictions", preQueueWorkflowId: "wf",
 *   source: { modelUserId: "clarifai", modelAppId: "main", modelId: "general", modelVersionId: "v1",
 *             postInputsKeyId: "key" } });
 * @throws ValidationError listing every problem (paths like `collector.collectorSource.apiPostModelOutputsCollectorSource.modelId`).
 */
export function collector(spec: CollectorSpec): Collector {
  requireSpec(spec, "collector", "collector");
  const issues: ValidationIssue[] = [];
  const c = create(CollectorSchema, collectorInit(spec, issues));
  throwIfInvalid(withoutEchoes(issues, validateCollector(c)));
  return c;
}

/**
 * Builds the partial collector that PatchCollectors (action `overwrite`) sends: only the fields given,
 * the rest kept by the server.
 *
 * @example collectorPatch({ id: "c1", description: "Collects only confident predictions", preQueueWorkflowId: "wf-2" })
 * @example collectorPatch({ id: "c1", paused: true }) // stops collecting; `paused: false` resumes
 * @throws ValidationError listing every problem.
 */
export function collectorPatch(spec: CollectorPatchSpec): Collector {
  requireSpec(spec, "collector", "collectorPatch");
  const issues: ValidationIssue[] = [];
  const c = create(CollectorSchema, collectorInit(spec, issues));
  const { paused } = spec;
  if (typeof paused === "boolean") c.status = create(StatusSchema, { code: paused ? StatusCode.COLLECTOR_INACTIVE : StatusCode.COLLECTOR_ACTIVE });
  // Only a boolean says which: a string such as "no" would otherwise pause as surely as `true`.
  const pausedIssues =
    paused === undefined || typeof paused === "boolean"
      ? []
      : [{ path: "collector.paused", message: `paused must be true (pause) or false (resume), got ${describe(paused)}` }];
  throwIfInvalid([...withoutEchoes(issues, validateCollectorPatch(c)), ...pausedIssues]);
  return c;
}

// Only the given fields are set (`create` leaves a field given as `undefined` unset, as if left out),
// so results equal the documentation's JSON through `fromJson`.
function collectorInit(spec: CollectorPatchSpec, issues: ValidationIssue[]): Exclude<MessageInitShape<typeof CollectorSchema>, Collector> {
  const init: Exclude<MessageInitShape<typeof CollectorSchema>, Collector> = {
    id: spec.id,
    description: spec.description,
    preQueueWorkflowId: spec.preQueueWorkflowId,
    postQueueWorkflowId: spec.postQueueWorkflowId,
    preQueueRandomSample: spec.preQueueRandomSample,
    collectOutputs: spec.collectOutputs,
  };
  // Unlike the fields above, a collectorSource message would be sent even empty. null is "not given",
  // as in protobuf JSON.
  const path = "collector.collectorSource.apiPostModelOutputsCollectorSource";
  const example = '{ modelId: "general", postInputsKeyId: "key-1" }';
  const s = spec.source == null ? undefined : objectAt(spec.source, path, "source", example, issues);
  if (s !== undefined) {
    init.collectorSource = {
      apiPostModelOutputsCollectorSource: {
        modelUserId: s.modelUserId,
        modelAppId: s.modelAppId,
        modelId: s.modelId,
        modelVersionId: s.modelVersionId,
        postInputsKeyId: s.postInputsKeyId,
      },
    };
  }
  return init;
}
