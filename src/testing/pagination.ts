// Paging as the real API documents it: `page` counts from 1, `per_page` defaults to 128.
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../api-constants.js";
import type { ValidationIssue } from "../validation/issue.js";

/** The page size used when a request leaves `per_page` at 0: the API's default, 128. */
export const DEFAULT_PER_PAGE = DEFAULT_PAGE_SIZE;
/** The largest `per_page` the emulator accepts (the API's maximum, 1000); larger values are refused, not clamped. */
export const MAX_PER_PAGE = MAX_PAGE_SIZE;

/** A resolved page request. @internal */
export interface Paging {
  readonly page: number;
  readonly perPage: number;
}

/**
 * Resolves `page`/`per_page` (0 means "not given": page 1, 128 per page). A `per_page` above the
 * maximum is reported rather than clamped, so a caller that thinks it got everything in one page
 * finds out. @internal
 */
export function readPaging(page: number, perPage: number): Paging | ValidationIssue {
  if (perPage > MAX_PER_PAGE) {
    return { path: "perPage", message: `at most ${MAX_PER_PAGE} per page (got ${perPage})` };
  }
  return { page: page === 0 ? 1 : page, perPage: perPage === 0 ? DEFAULT_PER_PAGE : perPage };
}

/** The items of one page; a page past the end is empty. @internal */
export function pageOf<T>(items: readonly T[], paging: Paging): T[] {
  const start = (paging.page - 1) * paging.perPage;
  return items.slice(start, start + paging.perPage);
}
