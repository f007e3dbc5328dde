// Pieces both resource namespaces share.
import type { Caller } from "../client.js";
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
 * `paginate`; here it goes through the one converter, as a call's own abort does (`grpcCode`
 * CANCELED, the reason as `cause`). Errors of the page calls are `ClarifaiError`s already.
 * @internal
 */
export async function* listAllOf<T>(caller: Caller, method: string, signal: AbortSignal | undefined, pages: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  try {
    yield* pages;
  } catch (e) {
    if (signal?.aborted && !(e instanceof ClarifaiError)) caller.fail(e, method, signal);
    throw e;
  }
}
