// A step of scripts/build.mjs on each bundle's output: the file made pure ASCII, so that V8 holds its
// source as a one-byte string. esbuild already escapes every non-ASCII character of the code (its
// default `charset: "ascii"`: strings, template literals, regular expressions, identifiers), but not
// of the comments it keeps (the doc comments of class members): six such characters (`…`, `→`) in the
// main entry and one shared chunk made both files, 270 KB, two-byte strings: Node's ES module loader
// decodes them through the slow path of UTF-8, and V8 scans them as two-byte text. Measured on Node 20
// (the package's files without this step, the same files with their comments escaped, and a build with
// it; fresh processes taking turns, 40 rounds, medians of the per-round ratios to the first): import
// 41.0 → 37.2 and 38.1 ms (×0.90, ×0.93), import + first GetTask 85.5 → 83.8 and 82.0 ms (×0.975 both),
// process CPU at the first answer ×0.993 and ×0.996. Small, but the same in both copies; an earlier,
// unpaired measurement saw no difference (README, "Benchmarks").
//
// Only comments change: each character left is written as `\uXXXX` (the text of a comment, not an
// escape). The build proves it: the file with its comments dropped (esbuild's whitespace minifier)
// must be the same before and after, or the build fails.
import * as esbuild from "esbuild";

/** A character outside ASCII (code points above U+FFFF match as their two surrogates). */
const NON_ASCII = /[^\x00-\x7f]/g;

/** `text` without its comments and line breaks: what the program is, for the proof above. */
async function code(text) {
  const { code } = await esbuild.transform(text, { format: "esm", minifyWhitespace: true, legalComments: "none", charset: "utf8", logLevel: "silent" });
  return code;
}

/**
 * `text` with every non-ASCII character of its comments written as `\uXXXX`. Throws if that would
 * change the program (a non-ASCII character outside a comment: esbuild's output never has one).
 * @param {string} text an output file of esbuild
 * @param {string} name the file's name, for the error
 * @returns {Promise<string>}
 */
export async function asciiOnly(text, name) {
  const ascii = text.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (ascii === text) return text;
  if ((await code(ascii)) !== (await code(text))) {
    throw new Error(`ascii-only: ${name} has a non-ASCII character outside a comment, which escaping would change`);
  }
  return ascii;
}
