// How a task's labels are reviewed; the union ties each strategy to its own settings, so a CONSENSUS
// review without a threshold, or a sample percentage on a CONSENSUS review, does not compile.

import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type TaskReview_TaskReviewStrategy,
  TaskReview_TaskReviewStrategySchema,
  type TaskReviewSchema,
} from "../../gen/clarifai/api/resources_pb.js";
import type { ValidationIssue } from "../validation/issue.js";
import { enumFromSpec, type NameOrValue } from "./names.js";
import { listAt, objectAt } from "./spec-issues.js";

type Strategy<K extends "NONE" | "MANUAL" | "CONSENSUS"> = NameOrValue<typeof TaskReview_TaskReviewStrategy, K>;

/** No review: labels are accepted as made. */
export interface NoReviewSpec {
  readonly strategy: Strategy<"NONE">;
  readonly reviewers?: never;
}

/** Reviewers check a sample of the labeled inputs. */
export interface ManualReviewSpec {
  readonly strategy: Strategy<"MANUAL">;
  /** The fraction of labeled inputs that are reviewed, within [0, 1] (0.5 = half). */
  readonly samplePercentage: number;
  /**
   * How many reviewers must approve an input. Default: 0 (not sent; the server's default).
   * @deprecated Upstream deprecates the manual strategy's `approval_threshold` in favour of a CONSENSUS
   * review's `approvalThresholdReviewers`. It is still sent as given, for servers that read it; the
   * docs' manual review leaves it out.
   */
  readonly approvalThreshold?: number;
  /** The reviewers' user ids. */
  readonly reviewers: readonly string[];
}

/** A label is accepted without review when enough labelers agree; reviewers see the rest. */
export interface ConsensusReviewSpec {
  readonly strategy: Strategy<"CONSENSUS">;
  /**
   * How many labelers must label an input the same way for it to be approved (e.g. 2 of 3 workers).
   * Required, > 0. Written to `approvalThresholdLabelers`, never to the deprecated `approvalThreshold`.
   */
  readonly approvalThresholdLabelers: number;
  /**
   * Which reviewers must approve an input that the labelers did not agree on: `1` (any one reviewer;
   * each input goes to one of them) or `-1` (every reviewer; a rejection is final). These are the only
   * values upstream allows; other counts are refused. Default: 0 (not set), which the server reads as 1.
   */
  readonly approvalThresholdReviewers?: 1 | -1 | 0;
  /** The reviewers' user ids. Default: none. */
  readonly reviewers?: readonly string[];
}

/** The review of a task: `{ strategy: "NONE" }`, a {@link ManualReviewSpec} or a {@link ConsensusReviewSpec}. */
export type ReviewSpec = NoReviewSpec | ManualReviewSpec | ConsensusReviewSpec;

/** @internal */
export function reviewInit(
  given: ReviewSpec,
  path: string,
  issues: ValidationIssue[],
): MessageInitShape<typeof TaskReviewSchema> | undefined {
  const spec = objectAt(given, path, "review", '{ strategy: "NONE" }', issues);
  if (spec === undefined) return undefined;
  const strategy = enumFromSpec(TaskReview_TaskReviewStrategySchema, spec.strategy, `${path}.strategy`, issues);
  // null is "not given", as in protobuf JSON.
  const reviewers = spec.reviewers == null ? [] : listAt(spec.reviewers, `${path}.users`, "review.reviewers", '["r1"]', issues);
  const users = reviewers.map((id) => ({ id }));
  if ("samplePercentage" in spec) {
    const info = { samplePercentage: spec.samplePercentage, approvalThreshold: spec.approvalThreshold };
    return { strategy, users, strategyInfo: { case: "manualStrategyInfo", value: info } };
  }
  if ("approvalThresholdLabelers" in spec) {
    const info = { approvalThresholdLabelers: spec.approvalThresholdLabelers, approvalThresholdReviewers: spec.approvalThresholdReviewers };
    return { strategy, users, strategyInfo: { case: "consensusStrategyInfo", value: info } };
  }
  return { strategy, users };
}
