// Types of enum-literals.mjs for the tests that import it.

/** `text` (an esbuild output file) with each compiled TypeScript enum built by `JSON.parse`. */
export function enumLiterals(text: string): string;
