// Pieces both resource namespaces share.
import type { Caller } from "../caller.js";
import { ClarifaiError, createClarifaiError } from "../errors.js";

/**
 * The message a response must carry (the created task, the fetched collector, …). A SUCCESS response
 * without it is a broken server, and says so in a `ClarifaiError` rather than returning `undefined`.
 * @internal
 */
export function required<T>(value: T | undefined, method: string, what: string): T {
  if (value === undefined) throw createClarifaiError({ method, description: `the response carried no ${what}` });
  return value;
}

/**
 * `pages` with the failures of the walk itself in the form every call promises: an abort of `signal`
 * between pages, or while the consumer handles an item, surfaces as the signal's bare reason from
 * `paginate`, and its guards (maxPages, a repeated page) as plain errors; here they go through the one
 * converter (an abort as `grpcCode` CANCELED with the reason as `cause`, as a call's own abort is).
 * Errors of the page calls are `ClarifaiError`s already.
 * @internal
 */
export async function* listAllOf<T>(caller: Caller, method: string, signal: AbortSignal | undefined, pages: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  try {
    yield* pages;
  } catch (e) {
    // A TypeError is the caller's own mistake (perPage out of range), kept as every option mistake is.
    if (e instanceof ClarifaiError || e instanceof TypeError) throw e;
    // The walk's own guards (maxPages, a server that repeats a page) and aborts become ClarifaiErrors
    // like every other failure of a call.
    caller.fail(e, method, signal?.aborted ? signal : undefined);
  }
}
