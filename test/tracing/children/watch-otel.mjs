// `node --import ./watch-otel.mjs child.ts`: runs the repository's TypeScript sources (ts-register)
// and watches every attempt to load an `@opentelemetry/*` package, through require() (Module's
// resolver: how src/optional.ts loads optional peers) and through import (a resolve hook). With
// OTEL_API=blocked, `@opentelemetry/api` cannot be resolved either way, as if it were not installed.
// `globalThis.otelLoads()` reports the attempts so far and which such modules are in require's cache.
import Module, { createRequire, register } from "node:module";
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";

register("../../support/hostile/ts-hooks.mjs", import.meta.url);

const blocked = process.env.OTEL_API === "blocked";
const watched = (specifier) => typeof specifier === "string" && specifier.startsWith("@opentelemetry/");
const blocks = (specifier) => blocked && (specifier === "@opentelemetry/api" || specifier.startsWith("@opentelemetry/api/"));
const requested = [];

const { port1, port2 } = new MessageChannel();
port1.unref();
register("./watch-otel-hooks.mjs", import.meta.url, { data: { port: port2, blocked }, transferList: [port2] });

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (watched(request)) {
    requested.push(`require ${request}`);
    if (blocks(request)) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: "MODULE_NOT_FOUND" });
  }
  return resolveFilename.call(this, request, ...rest);
};

const cache = createRequire(import.meta.url).cache;
globalThis.otelLoads = () => {
  for (let m; (m = receiveMessageOnPort(port1)); ) requested.push(`import ${m.message}`);
  return {
    requested: [...requested],
    cached: Object.keys(cache).filter((path) => path.includes("@opentelemetry")).map((path) => path.replace(/^.*node_modules[\\/]/, "").split(/[\\/]/).slice(0, 2).join("/")).filter((v, i, all) => all.indexOf(v) === i),
  };
};
