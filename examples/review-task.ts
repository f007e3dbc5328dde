// The business rule both example services share: what the review task of a labeling task is.
import { TaskReview_TaskReviewStrategy, type Task, type TaskInput } from "clarifai-grpc-es";

/**
 * The review task of `labeling`: the same inputs, concepts and labelers, every labeled input
 * (`samplePercentage: 1`) reviewed by `reviewers`. `client.tasks.create` checks it before sending
 * (no reviewers, a duplicate reviewer: `ValidationError`, which the services answer as
 * INVALID_ARGUMENT).
 */
export function reviewTaskOf(labeling: Task, reviewers: readonly string[]): TaskInput {
  return {
    name: `Review of ${labeling.name || labeling.id}`,
    type: labeling.type,
    concepts: labeling.concepts,
    inputSource: labeling.inputSource,
    worker: labeling.worker,
    review: {
      strategy: TaskReview_TaskReviewStrategy.MANUAL,
      users: reviewers.map((id) => ({ id })),
      strategyInfo: { case: "manualStrategyInfo", value: { samplePercentage: 1 } },
    },
  };
}
