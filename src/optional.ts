// Optional peers (`@opentelemetry/api`, `@grpc/grpc-js` for `toGrpcStatus()`): loaded on first need,
// synchronously, and only if installed. The specifier is not a literal import, so a bundler does not
// pull the peer into a service that never asked for it.
import { createRequire } from "node:module";

const cache = new Map<string, unknown>();

/** `require(name)` from this package's location, or `undefined` when it is not installed. @internal */
export function loadOptional<T>(name: string): T | undefined {
  if (cache.has(name)) return cache.get(name) as T | undefined;
  let loaded: T | undefined;
  try {
    loaded = createRequire(import.meta.url)(name) as T;
  } catch {
    loaded = undefined;
  }
  cache.set(name, loaded);
  return loaded;
}
