// A consensus review's approvalThresholdReviewers takes only what upstream allows: 1 (one reviewer
// approves each input), -1 (every reviewer must) or 0 / left out (read as 1). The spec type, its TSDoc
// and the rules say the same.

import { describe, expect, test } from "vitest";
import { type ConsensusReviewSpec, labelingTask } from "../../src/builders/index.js";
import { issuesOf } from "./issues-of.js";
import { js, labeling } from "./specs.js";

const consensus = (approvalThresholdReviewers: ConsensusReviewSpec["approvalThresholdReviewers"]) =>
  labelingTask({ ...labeling, review: { strategy: "CONSENSUS", approvalThresholdLabelers: 1, approvalThresholdReviewers } });

describe("approvalThresholdReviewers", () => {
  test("1, -1 and 0 are sent as given", () => {
    for (const n of [1, -1, 0] as const) {
      expect(consensus(n).review?.strategyInfo).toMatchObject({ case: "consensusStrategyInfo", value: { approvalThresholdReviewers: n } });
    }
  });

  test("any other count does not compile, and from JavaScript is refused at the field", () => {
    // @ts-expect-error 2 reviewers is not a value upstream allows.
    const two: ConsensusReviewSpec["approvalThresholdReviewers"] = 2;
    expect(issuesOf(() => consensus(js(two)))).toEqual([
      {
        path: "task.review.consensusStrategyInfo.approvalThresholdReviewers",
        message: "approvalThresholdReviewers must be 1 (one reviewer approves), -1 (every reviewer) or 0 (not set, read as 1); it is 2",
      },
    ]);
  });
});
