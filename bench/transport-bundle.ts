// Bundles bench/transport-parts.ts with the package's own esbuild settings, layout and decoder edits
// (scripts/bundle-settings.mjs, scripts/build.mjs, scripts/lean-decoder.mjs, scripts/compiled-zero.mjs),
// for the facade section: when the facades come from the package, the transport they are compared with
// must be the package's code too. The compiled sources decode with the stock protobuf-es, whose decoder
// allocates an array per field tag and per short string: against that copy, facade-connect's ListTasks
// page read 26–32% under the transport alone in earlier runs, the edited decoder's gain, not the
// facade's. The codec section loads the same bundle for the protobuf-es the package ships.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The module to load the transport alone's parts from: the compiled sources' copy. */
export function compiledTransportParts(buildRoot: string): string {
  return pathToFileURL(path.join(buildRoot, "bench", "transport-parts.js")).href;
}

/**
 * Bundles the parts as the package bundles the client into `outdir` (under the project, so that the
 * external @grpc/grpc-js resolves from its node_modules) and returns the module's URL.
 */
export async function bundleTransportParts(projectDir: string, outdir: string): Promise<string> {
  const script = async <M>(file: string) => (await import(pathToFileURL(path.join(projectDir, "scripts", file)).href)) as M;
  const { bundleSettings } = await script<typeof import("../scripts/bundle-settings.mjs")>("bundle-settings.mjs");
  const { leanDecoder } = await script<typeof import("../scripts/lean-decoder.mjs")>("lean-decoder.mjs");
  const { compiledZero } = await script<typeof import("../scripts/compiled-zero.mjs")>("compiled-zero.mjs");
  const { lazyBuiltins } = await script<typeof import("../scripts/lazy-builtins.mjs")>("lazy-builtins.mjs");
  const esbuild = await import("esbuild");
  const manifest = JSON.parse(await readFile(path.join(projectDir, "package.json"), "utf8")) as { peerDependencies?: Record<string, string> };
  await esbuild.build({
    ...bundleSettings(manifest),
    absWorkingDir: projectDir,
    entryPoints: { "transport-parts": path.join(projectDir, "bench", "transport-parts.ts") },
    outdir,
    // One file with the transports set up on first use and node:http2 taken then, as the client's.
    splitting: false,
    plugins: [leanDecoder, compiledZero, lazyBuiltins],
  });
  return pathToFileURL(path.join(outdir, "transport-parts.js")).href;
}
