// Ids repeated within one batch: a batch that names one resource twice is refused whole, so that what
// is stored never depends on which of the two came last.

import type { ValidationIssue } from "./issue.js";

/**
 * One issue for each item whose id an earlier item of `items` already has, at `path[i].id`, naming
 * the first: `duplicate task id "a": already used by tasks[0]`. Empty ids are not compared (whether
 * one is needed is a rule of its own).
 *
 * @param noun - what the items are, for the message (`"task"`, `"collector"`).
 * @internal
 */
export function duplicateIds(items: readonly { readonly id?: unknown }[], path: string, noun: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    // Only string ids can collide; any other value is a shape issue already.
    if (typeof item.id !== "string" || item.id === "") return;
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, i);
    else issues.push({ path: `${path}[${i}].id`, message: `duplicate ${noun} id "${item.id}": already used by ${path}[${first}]` });
  });
  return issues;
}
