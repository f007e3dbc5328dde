import type { Plugin } from "esbuild";
/** protobuf-es' `create.js` with compiled-zero's edits applied; throws if its text changed. */
export function patchCreate(source: string): string;
/** The esbuild plugin that applies {@link patchCreate} to the bundled protobuf-es. */
export const compiledZero: Plugin;
