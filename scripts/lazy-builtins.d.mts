import type { Plugin } from "esbuild";
/** The esbuild plugin that has the client's bundle take node:http2 on first use (see lazy-builtins.mjs). */
export const lazyBuiltins: Plugin;
