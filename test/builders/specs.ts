// The smallest valid spec of each task builder, and the cast that stands for a JavaScript caller, for
// the builders' tests to vary one field at a time.
import type { AutoAnnotationTaskSpec, LabelingTaskSpec } from "../../src/builders/index.js";

/** A JavaScript caller's value that TypeScript would refuse. */
export const js = <T>(value: unknown): T => value as T;

export const labeling: LabelingTaskSpec = {
  name: "Annotate water",
  type: "CONCEPTS_CLASSIFICATION",
  concepts: ["water"],
  workers: { strategy: "DYNAMIC", users: ["w1"] },
  inputSource: { type: "ALL_INPUTS" },
};

export const auto: AutoAnnotationTaskSpec = {
  name: "Auto-annotate water",
  worker: { model: { id: "general" } },
  concepts: [{ id: "water" }],
  inputSource: { type: "ALL_INPUTS" },
};
