// Enum-safe constructors for tasks and collectors: names instead of numbers, one shape per strategy,
// and the documented rules checked before anything is sent.

export { labelingTask } from "./labeling-task.js";
export type {
  LabelingTaskSpec,
  LabelingWorkersSpec,
  SharedWorkersSpec,
  PartitionedWorkersSpec,
  EvenPartitionSpec,
  WeightedPartitionSpec,
  TaskCommonSpec,
} from "./labeling-task.js";
export { autoAnnotationTask } from "./auto-annotation-task.js";
export type {
  AutoAnnotationTaskSpec,
  AutoAnnotationConceptSpec,
  ModelWorkerSpec,
  WorkflowWorkerSpec,
  ThresholdSpec,
} from "./auto-annotation-task.js";
export type { ReviewSpec, NoReviewSpec, ManualReviewSpec, ConsensusReviewSpec } from "./review.js";
export type { InputSourceSpec } from "./input-source.js";
export { collector, collectorPatch } from "./collector.js";
export type { CollectorSpec, CollectorBaseSpec, CollectorPatchSpec, CollectorSourceSpec } from "./collector.js";
export { annotationDataTypes, annotationDataTypeNames } from "./annotation-data-types.js";
export type {
  NameOrValue,
  TaskTypeName,
  WorkerStrategyName,
  PartitionTypeName,
  InputSourceTypeName,
  ReviewStrategyName,
  AnnotationDataTypeName,
  TaskPriorityName,
  StatusCodeName,
} from "./names.js";
