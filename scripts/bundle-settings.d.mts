import type { BuildOptions, Plugin } from "esbuild";
/** The esbuild options every bundle of the client's code shares (see bundle-settings.mjs). */
export function bundleSettings(manifest: { peerDependencies?: Record<string, string> }): BuildOptions;
/** `gen/**\/*_pb.ts` under `root`, relative to it (see bundle-settings.mjs). */
export function generatedFiles(root: string, dir?: string): string[];
/** The plugins and finishing step every bundle of the client's code is built with (see bundle-settings.mjs). */
export function clientBuildSteps(root: string): Promise<{
  plugins(lazyHttp2: boolean): Plugin[];
  finish(text: string, name: string, notice?: string): Promise<string>;
}>;
