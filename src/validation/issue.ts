/**
 * One problem found in a task or collector before it is sent (or by the emulator when it arrives).
 *
 * `path` names the offending field the way a TypeScript caller writes it, from the request down:
 * `tasks[0].review.consensusStrategyInfo.approvalThresholdLabelers`.
 */
export interface ValidationIssue {
  /** Dotted field path in protobuf-es (camelCase) names, with `[i]` for list items. */
  readonly path: string;
  /** What is wrong and, where it helps, what to write instead. */
  readonly message: string;
}
