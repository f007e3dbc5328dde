// The import side of watch-otel.mjs: reports `@opentelemetry/*` resolutions to the main thread and,
// when blocked, fails `@opentelemetry/api` as a missing package does.
let port;
let blocked = false;

export function initialize(data) {
  port = data.port;
  blocked = data.blocked;
}

export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@opentelemetry/")) {
    port.postMessage(specifier);
    if (blocked && (specifier === "@opentelemetry/api" || specifier.startsWith("@opentelemetry/api/"))) {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: "ERR_MODULE_NOT_FOUND" });
    }
  }
  return next(specifier, context);
}
