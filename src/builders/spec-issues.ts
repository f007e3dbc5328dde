// The builders' own issues (what they could not read from a spec) beside the issues of the rules that
// then run on the message they built.

import type { ValidationIssue } from "../validation/issue.js";
import { isWithin } from "../validation/shape.js";

/**
 * The builder's issues, then those of `ruled` that are not at or inside a field the builder already
 * reported. Such a field is left unset or holds a value outside its enum, and what the rules say of it
 * only echoes the builder's issue, which says what to write (one misspelled partition type was also
 * "partitioned strategy type must be EVENLY or WEIGHTED"). @internal
 */
export function withoutEchoes(own: readonly ValidationIssue[], ruled: readonly ValidationIssue[]): ValidationIssue[] {
  if (own.length === 0) return [...ruled];
  return [...own, ...ruled.filter((r) => !own.some((o) => isWithin(r.path, o.path)))];
}
