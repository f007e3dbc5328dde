// Types of ascii-only.mjs for the tests that import it.

/**
 * `text` (an esbuild output file) with every non-ASCII character of its comments written as `\uXXXX`.
 * Rejects, naming `name`, if that would change the program.
 */
export function asciiOnly(text: string, name: string): Promise<string>;
