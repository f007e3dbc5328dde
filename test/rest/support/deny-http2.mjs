// `node --import ./deny-http2.mjs script`: makes node:http2, @connectrpc/connect-node and @grpc/grpc-js
// throw on import, from ESM (a resolve hook), from CommonJS (require) and through
// `process.getBuiltinModule` (how the client's bundle takes node:http2), as in a runtime that has no
// HTTP/2 client.
import Module, { register } from "node:module";

const denied = (specifier) =>
  /^(node:)?http2$/.test(specifier) || /^@connectrpc\/connect-node(\/|$)/.test(specifier) || /^@grpc\/grpc-js(\/|$)/.test(specifier);

const hook = `
const denied = ${denied.toString()};
export async function resolve(specifier, context, next) {
  if (denied(specifier)) throw new Error("denied in this runtime: " + specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const load = Module._load;
Module._load = function (request, ...rest) {
  if (denied(request)) throw new Error(`denied in this runtime: ${request}`);
  return load.call(this, request, ...rest);
};

const getBuiltinModule = process.getBuiltinModule;
process.getBuiltinModule = function (id) {
  if (denied(id)) throw new Error(`denied in this runtime: ${id}`);
  return getBuiltinModule.call(this, id);
};
