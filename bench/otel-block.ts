// "No OpenTelemetry API" for the bench: a client process that must behave as if `@opentelemetry/api`
// were not installed. It imports nothing of OpenTelemetry itself.
import Module, { createRequire } from "node:module";

/**
 * Makes `@opentelemetry/api` unresolvable through require() (how an optional peer is loaded: the
 * package's `loadOptional`), as if it were not installed. `loaded()` says whether it got in anyway.
 */
export function blockOtelApi(): { loaded(): boolean } {
  const blocked = (request: unknown) => request === "@opentelemetry/api" || (typeof request === "string" && request.startsWith("@opentelemetry/api/"));
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (blocked(request)) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: "MODULE_NOT_FOUND" });
    return resolve.call(this, request, ...rest);
  };
  const cache = createRequire(import.meta.url).cache;
  return { loaded: () => Object.keys(cache).some((file) => /[\\/]@opentelemetry[\\/]api[\\/]/.test(file)) };
}
