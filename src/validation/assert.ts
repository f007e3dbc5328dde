// The one place that turns a list of issues into the error callers catch.

import { ValidationError } from "../errors.js";
import type { ValidationIssue } from "./issue.js";

/**
 * Throws a {@link ValidationError} listing every issue when `issues` is not empty; returns otherwise.
 *
 * @param method - the RPC the value was meant for (e.g. `PostTasks`), when there is one. Default: none.
 * @throws ValidationError
 */
export function throwIfInvalid(issues: readonly ValidationIssue[], method?: string): void {
  if (issues.length > 0) throw new ValidationError(issues, method);
}
