import type { Plugin } from "esbuild";
/** protobuf-es' `file` (`wire/binary-encoding.js` or `from-binary.js`) with lean-decoder's edits applied; throws if its text changed. */
export function patchDecoder(file: string, source: string): string;
/** The esbuild plugin that applies {@link patchDecoder} to the bundled protobuf-es. */
export const leanDecoder: Plugin;
