// Which inputs a task covers; the union makes an id required exactly where the API needs one.

import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type TaskInputSource_TaskInputSourceType,
  TaskInputSource_TaskInputSourceTypeSchema,
  type TaskInputSourceSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import type { ValidationIssue } from "../validation/issue.js";
import { enumFromSpec, type NameOrValue } from "./names.js";
import { objectAt } from "./spec-issues.js";

type SourceType<K extends "ALL_INPUTS" | "DATASET" | "SAVED_SEARCH"> = NameOrValue<typeof TaskInputSource_TaskInputSourceType, K>;

/**
 * The inputs a task covers:
 * - `{ type: "ALL_INPUTS" }` — every input of the app;
 * - `{ type: "DATASET", id }` — the inputs of a dataset;
 * - `{ type: "SAVED_SEARCH", id }` — the inputs a saved search returns.
 */
export type InputSourceSpec =
  | { readonly type: SourceType<"ALL_INPUTS">; readonly id?: never }
  | { readonly type: SourceType<"DATASET">; /** The dataset id. */ readonly id: string }
  | { readonly type: SourceType<"SAVED_SEARCH">; /** The saved search id. */ readonly id: string };

/** @internal */
export function inputSourceInit(
  spec: InputSourceSpec,
  path: string,
  issues: ValidationIssue[],
): MessageInitShape<typeof TaskInputSourceSchema> | undefined {
  const source = objectAt(spec, path, "inputSource", '{ type: "DATASET", id: "ds-1" }', issues);
  if (source === undefined) return undefined;
  const type = enumFromSpec(TaskInputSource_TaskInputSourceTypeSchema, source.type, `${path}.type`, issues);
  return { type, id: source.id };
}
