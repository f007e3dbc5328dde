// Loads the grpc-js transport on a client's first call, out of sight of bundlers: a service bundled
// for the default connect transport must not carry @grpc/grpc-js (917 KB of the README recipe's
// 1,471), and a bundler follows every `import("./literal")`. A service that wants grpc-js in its
// bundle says so with `import "clarifai-grpc-es/grpc-js"`, which provides grpc-js before any call
// (grpc-js-module.ts).
import { Code, type ConnectError } from "@connectrpc/connect";
import { notSentError } from "../status.js";
import type { GrpcJsTransportOptions } from "./grpc-js.js";
import { providedGrpcJs } from "./grpc-js-module.js";
import type { ClientTransport } from "./transport.js";

// The `clarifai-grpc-es/grpc-js` entry is `grpc-js.js` in the source directory of this code, in every
// layout it runs from: `../grpc-js.js` from `src/transports/grpc-js-loader.ts` (tests) and
// `.build/src/transports/grpc-js-loader.js` (bench), `./grpc-js.js` from `dist/src/index.js`, the main
// entry's bundle (the shipped build, see scripts/build.mjs). Anywhere else this code was bundled into
// someone's service, where a `grpc-js.js` beside it is not ours to load.
const layouts = /\/src\/(transports\/)grpc-js-loader\.[jt]s$|\/dist\/src\/index\.js$/;
const entryName = ["grpc-js", "js"].join("."); // joined at run time, so that no bundler follows it

function notLoaded(why: string, cause?: unknown): ConnectError {
  return notSentError(
    `the grpc-js transport could not be loaded, so nothing was sent: ${why}. To use transport "grpc-js", ` +
      "install @grpc/grpc-js (a dependency of clarifai-grpc-es), and in a bundled service add " +
      '`import "clarifai-grpc-es/grpc-js";` to the service\'s code (see the README\'s "Bundling and CommonJS")',
    // Marked as never sent: never "outcome unknown", whatever the method. FAILED_PRECONDITION is not
    // retried by default (a load that failed fails the same way again).
    Code.FailedPrecondition,
    cause,
  );
}

/** Imports the `clarifai-grpc-es/grpc-js` entry from the package as installed, which provides grpc-js. */
async function importEntry(): Promise<void> {
  // Undefined in a CommonJS bundle.
  const self = import.meta.url as string | undefined;
  const layout = self === undefined ? null : layouts.exec(self);
  if (!layout) throw notLoaded("this copy of clarifai-grpc-es was bundled without it");
  const entry = new URL(layout[1] ? `../${entryName}` : entryName, self);
  try {
    await import(/* webpackIgnore: true */ /* @vite-ignore */ entry.href);
  } catch (cause) {
    throw notLoaded(cause instanceof Error ? cause.message : String(cause), cause);
  }
}

/**
 * Creates the grpc-js transport on the module the `clarifai-grpc-es/grpc-js` entry provides: once that
 * entry was imported, else after importing it from beside this module (the package as installed).
 * Rejects with a `ConnectError` (FAILED_PRECONDITION) that says nothing was sent and what to do when it
 * cannot be loaded: grpc-js not installed, or a bundle that left it out.
 * @internal
 */
export async function loadGrpcJsTransport(options: GrpcJsTransportOptions): Promise<ClientTransport> {
  let grpcJs = providedGrpcJs();
  if (grpcJs === undefined) {
    await importEntry();
    grpcJs = providedGrpcJs();
    if (grpcJs === undefined) throw notLoaded(`${entryName} did not provide it`);
  }
  // The transport's own code: in the main entry's bundle, built in when first used.
  const { createGrpcJsTransport } = await import("./grpc-js.js");
  return createGrpcJsTransport(grpcJs, options);
}
