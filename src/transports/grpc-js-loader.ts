// Loads the grpc-js transport on a client's first call, out of sight of bundlers: a service bundled
// for the default connect transport must not carry @grpc/grpc-js (about a third of a bundle), and a
// bundler follows every `import("./literal")`. A service that wants grpc-js in its bundle says so
// with `import "clarifai-grpc-es/grpc-js"`, which registers the transport here before any call.
import { Code, ConnectError } from "@connectrpc/connect";
import type { createGrpcJsTransport } from "./grpc-js.js";

/** What `clarifai-grpc-es/grpc-js` registers: the grpc-js transport's factory. @internal */
export type GrpcJsTransportFactory = typeof createGrpcJsTransport;

let registered: GrpcJsTransportFactory | undefined;

/** Makes `transport: "grpc-js"` use `factory` (called by the `clarifai-grpc-es/grpc-js` entry). @internal */
export function registerGrpcJsTransport(factory: GrpcJsTransportFactory): void {
  registered = factory;
}

// The `clarifai-grpc-es/grpc-js` entry, relative to this module. The same in every layout the code runs
// from: `src/transports/` (tests), `.build/src/transports/` (bench) and `dist/src/chunks/` (the shipped
// build, see scripts/build.mjs). Joined at run time, so that no bundler takes it for a dependency.
const entry = ["..", "grpc-js.js"].join("/");

function notLoaded(cause: unknown): ConnectError {
  const why = cause instanceof Error ? `: ${cause.message}` : cause === undefined ? "" : `: ${String(cause)}`;
  return new ConnectError(
    `the grpc-js transport could not be loaded, so nothing was sent${why}. ` +
      '`transport: "grpc-js"` needs the @grpc/grpc-js package installed; a bundled service must add ' +
      '`import "clarifai-grpc-es/grpc-js";` to its code so that the bundler includes it ' +
      "(an ESM bundle also needs the createRequire banner, see the README's \"Bundling and CommonJS\")",
    // Not a code that can mean "the server may have acted on it": status.ts never reports a failure
    // with this code as outcome unknown, and the retry rules do not repeat it (a load that failed
    // fails the same way again).
    Code.FailedPrecondition,
    undefined,
    undefined,
    cause,
  );
}

/**
 * Creates the grpc-js transport: with the registered factory when `clarifai-grpc-es/grpc-js` was
 * imported, else by importing that entry from beside this module (the package as installed). Rejects
 * with a `ConnectError` (FAILED_PRECONDITION) that says nothing was sent and what to do when it cannot
 * be loaded: grpc-js not installed, or a bundle that left it out.
 * @internal
 */
export async function loadGrpcJsTransport(...args: Parameters<GrpcJsTransportFactory>): Promise<ReturnType<GrpcJsTransportFactory>> {
  if (!registered) {
    try {
      // `import.meta.url` is undefined in a CommonJS bundle: `new URL` throws, and that is a failed load too.
      const url = new URL(entry, import.meta.url).href;
      await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
    } catch (cause) {
      throw notLoaded(cause);
    }
  }
  // A file of that name that is not our entry registers nothing.
  if (!registered) throw notLoaded(new Error(`${entry} did not register the grpc-js transport`));
  return registered(...args);
}
