// `listAll`: every page of a List RPC as one AsyncIterable. Pages are fetched lazily (one request per
// page, only when the consumer wants more); the walk stops on a short page and is bounded so a server
// that ignores `page` cannot keep it running forever.

// The API's documented page sizes (default 128, at most 1000), shared with the emulator and the CLI.
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./api-constants.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./api-constants.js";
/** Default bound on the pages `listAll` fetches: 10 000 (1.28 million items at the default size). */
export const DEFAULT_MAX_PAGES = 10_000;

/** How {@link paginate} walks. */
export interface PaginateOptions {
  /** First page (1-based). Default 1. */
  readonly page?: number;
  /** Items per page, 1 to {@link MAX_PAGE_SIZE} (1000). Default {@link DEFAULT_PAGE_SIZE}. */
  readonly perPage?: number;
  /** Stops the walk; the pending page request is aborted too. Default: none. */
  readonly signal?: AbortSignal;
  /** Fail after this many pages rather than loop. Default {@link DEFAULT_MAX_PAGES}. */
  readonly maxPages?: number;
}

/** Fetches one page. */
export type PageFetcher<T> = (page: number, perPage: number, signal: AbortSignal | undefined) => Promise<readonly T[]>;

/** An item's identity, to notice a server that returns the same page again. */
export type ItemKey<T> = (item: T) => string;

/**
 * Walks pages `page, page+1, …` until one has fewer than `perPage` items. Throws when the server
 * returns the same full page twice (it ignored `page`) or after `maxPages` pages, instead of looping;
 * throws the signal's reason when `signal` aborts (`listAll` turns it into a `ClarifaiError`); throws a
 * `TypeError` for a `perPage` above {@link MAX_PAGE_SIZE} before fetching anything.
 */
export async function* paginate<T>(fetchPage: PageFetcher<T>, key: ItemKey<T>, options: PaginateOptions = {}): AsyncGenerator<T, void, undefined> {
  const perPage = options.perPage ?? DEFAULT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  if (!Number.isInteger(perPage) || perPage < 1) throw new TypeError(`perPage must be a positive integer, got ${perPage}`);
  // A server that clamps perPage answers full pages that look short, and the walk would stop early,
  // silently dropping every item after the first page.
  if (perPage > MAX_PAGE_SIZE) throw new TypeError(`perPage must be at most ${MAX_PAGE_SIZE} (the API's maximum page size), got ${perPage}`);
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new TypeError(`maxPages must be a positive integer, got ${maxPages}`);
  let page = options.page ?? 1;
  let previous: string | undefined;
  for (let fetched = 0; ; fetched++) {
    options.signal?.throwIfAborted();
    if (fetched >= maxPages) {
      throw new RangeError(`listAll stopped after ${maxPages} pages (maxPages); pass a larger maxPages to go further`);
    }
    const items = await fetchPage(page, perPage, options.signal);
    if (items.length >= perPage) {
      const signature = items.map(key).join("\u0000");
      if (signature === previous) {
        throw new Error(`listAll: page ${page} repeated page ${page - 1}; the server seems to ignore \`page\`, stopping instead of looping`);
      }
      previous = signature;
    }
    for (const item of items) {
      yield item;
      options.signal?.throwIfAborted();
    }
    if (items.length < perPage) return;
    page++;
  }
}
