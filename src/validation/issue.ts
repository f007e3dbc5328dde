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

/**
 * One issue as text, `path: message`:
 * `tasks[0].worker.users: worker.users is deprecated; …`. The one place issues become text, for
 * ValidationError's details, the emulator's `status.details` and the CLI's notes.
 *
 * @internal
 */
export function formatIssue(issue: ValidationIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/**
 * Every issue as one line, in the order given, each as {@link formatIssue} writes it, joined with `"; "`
 * (an empty string for no issues). @internal
 */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map(formatIssue).join("; ");
}
