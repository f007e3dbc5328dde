// Loads the grpc-js transport on a client's first call, out of sight of bundlers: a service bundled
// for the default connect transport must not carry @grpc/grpc-js (about a third of a bundle), and a
// bundler follows every `import("./literal")`. A service that wants grpc-js in its bundle says so
// with `import "clarifai-grpc-es/grpc-js"`, which registers the transport here before any call.
import { Code, type ConnectError } from "@connectrpc/connect";
import { notSentError } from "../status.js";
import type { createGrpcJsTransport } from "./grpc-js.js";

/** What `clarifai-grpc-es/grpc-js` registers: the grpc-js transport's factory. @internal */
export type GrpcJsTransportFactory = typeof createGrpcJsTransport;

let registered: GrpcJsTransportFactory | undefined;

/** Makes `transport: "grpc-js"` use `factory` (called by the `clarifai-grpc-es/grpc-js` entry). @internal */
export function registerGrpcJsTransport(factory: GrpcJsTransportFactory): void {
  registered = factory;
}

// The `clarifai-grpc-es/grpc-js` entry is at `../grpc-js.js` from this module in every layout the code
// runs from: `src/transports/grpc-js-loader.ts` (tests), `.build/src/transports/grpc-js-loader.js`
// (bench) and `dist/src/chunks/client-<hash>.js` (the shipped build, see scripts/build.mjs). Anywhere
// else this code was bundled into someone's service, where `../grpc-js.js` is not ours to load.
const entry = ["..", "grpc-js.js"].join("/"); // joined at run time, so that no bundler follows it
const home = /\/src\/(?:transports\/grpc-js-loader\.[jt]s|chunks\/client-\w+\.js)$/;

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

/**
 * Creates the grpc-js transport: with the registered factory when `clarifai-grpc-es/grpc-js` was
 * imported, else by importing that entry from beside this module (the package as installed). Rejects
 * with a `ConnectError` (FAILED_PRECONDITION) that says nothing was sent and what to do when it cannot
 * be loaded: grpc-js not installed, or a bundle that left it out.
 * @internal
 */
export async function loadGrpcJsTransport(...args: Parameters<GrpcJsTransportFactory>): Promise<ReturnType<GrpcJsTransportFactory>> {
  if (!registered) {
    // Undefined in a CommonJS bundle.
    const self = import.meta.url as string | undefined;
    if (self === undefined || !home.test(self)) throw notLoaded("this copy of clarifai-grpc-es was bundled without it");
    try {
      await import(/* webpackIgnore: true */ /* @vite-ignore */ new URL(entry, self).href);
    } catch (cause) {
      throw notLoaded(cause instanceof Error ? cause.message : String(cause), cause);
    }
    if (!registered) throw notLoaded(`${entry} did not register it`);
  }
  return registered(...args);
}
