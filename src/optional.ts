// Optional peers (`@opentelemetry/api`, `@grpc/grpc-js` for `toGrpcStatus()`): loaded on first need,
// synchronously, and only if installed. The specifier is not a literal import, so a bundler does not
// pull the peer into a service that never asked for it.
// `createRequire` is taken from node:module at the first lookup, through `process.getBuiltinModule`
// (Node 20.16+), not imported: an ES import of node:module loads it and its source-map support at the
// package's import (about 0.9 million instructions of a fresh process's main thread, measured with
// callgrind), for lookups most processes never make. It also keeps a bundler's `createRequire` banner
// from clashing with a bundled import of the same name.

const cache = new Map<string, unknown>();

/** `require(name)` from this package's location, or `undefined` when it is not installed. @internal */
export function loadOptional<T>(name: string): T | undefined {
  if (cache.has(name)) return cache.get(name) as T | undefined;
  let loaded: T | undefined;
  try {
    loaded = process.getBuiltinModule("node:module").createRequire(import.meta.url)(name) as T;
  } catch {
    loaded = undefined;
  }
  cache.set(name, loaded);
  return loaded;
}
