// Builds the facade and bench/transport-parts.ts together, with the package's own esbuild settings,
// plugins and finishing steps (scripts/bundle-settings.mjs), for the facade section, which compares
// each facade with the transport under it called alone. One build with both as entries, split: the
// facade's transport, protobuf-es and connect are one copy in one chunk, which the transport alone
// runs too. Two copies of the same code in one process do not cost the same: V8 compiles, inlines and
// keeps feedback for each apart, and a transport against a second copy of itself read −9.1% over 30
// rounds in an earlier stop. A copy built without the package's plugins (as this bench's transport
// alone once was: descriptors, enums and source strings as protobuf-es and esbuild leave them) is
// another build altogether. The split moves code between files, nothing else: each entry runs the
// package's code, and the package's client is the same sources in one file. The codec section loads
// the same parts for the protobuf-es the package ships.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The modules of one build: the facade (the package's main entry) and the transport alone's parts. */
export interface FacadeBuild {
  /** The URL of the facade's module: what `clarifai-grpc-es` exports. */
  facade: string;
  /** The URL of bench/transport-parts.ts' module. */
  transportParts: string;
}

/** The module to load the transport alone's parts from: the compiled sources' copy. */
export function compiledTransportParts(buildRoot: string): string {
  return pathToFileURL(path.join(buildRoot, "bench", "transport-parts.js")).href;
}

/**
 * Builds the facade and the parts into `outdir` (emptied first; under the project, so that the
 * external @grpc/grpc-js resolves from its node_modules) as the package builds the client.
 */
export async function bundleFacadeAndParts(projectDir: string, outdir: string): Promise<FacadeBuild> {
  const { bundleSettings, clientBuildSteps } = (await import(pathToFileURL(path.join(projectDir, "scripts", "bundle-settings.mjs")).href)) as typeof import("../scripts/bundle-settings.mjs");
  const esbuild = await import("esbuild");
  const manifest = JSON.parse(await readFile(path.join(projectDir, "package.json"), "utf8")) as { peerDependencies?: Record<string, string> };
  const steps = await clientBuildSteps(projectDir);
  await rm(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    ...bundleSettings(manifest),
    absWorkingDir: projectDir,
    entryPoints: { facade: path.join(projectDir, "src", "index.ts"), "transport-parts": path.join(projectDir, "bench", "transport-parts.ts") },
    outdir,
    splitting: true,
    // node:http2 taken on first use, as the client's file takes it.
    plugins: steps.plugins(true),
    write: false,
  });
  await mkdir(outdir, { recursive: true });
  for (const file of result.outputFiles) await writeFile(file.path, await steps.finish(file.text, path.relative(projectDir, file.path)));
  if (!(await readdir(outdir)).includes("facade.js")) throw new Error(`bench: the facade's build wrote no facade.js to ${outdir}`);
  return { facade: pathToFileURL(path.join(outdir, "facade.js")).href, transportParts: pathToFileURL(path.join(outdir, "transport-parts.js")).href };
}
