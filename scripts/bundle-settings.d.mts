import type { BuildOptions } from "esbuild";
/** The esbuild options every bundle of the client's code shares (see bundle-settings.mjs). */
export function bundleSettings(manifest: { peerDependencies?: Record<string, string> }): BuildOptions;
