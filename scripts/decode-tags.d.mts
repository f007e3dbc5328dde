import type { Plugin } from "esbuild";
/** protobuf-es' `file` (`wire/binary-encoding.js` or `from-binary.js`) with decode-tags' edits applied; throws if its text changed. */
export function patchDecodeTags(file: string, source: string): string;
/** The esbuild plugin that applies {@link patchDecodeTags} to the bundled protobuf-es. */
export const decodeTags: Plugin;
