// The build's last step on each bundle (scripts/ascii-only.mjs): non-ASCII characters in the comments
// esbuild keeps become `\uXXXX` text, and the build refuses any change that would alter the program.
import { describe, expect, it } from "vitest";
import { asciiOnly } from "../../scripts/ascii-only.mjs";

describe("asciiOnly", () => {
  it("escapes the characters of comments, line and block, astral ones as their two surrogates", async () => {
    const text = "#!/usr/bin/env node\n// café → ok\n/** `….id` 😀 */\nexport const x = 1;\n";
    expect(await asciiOnly(text, "a.js")).toBe("#!/usr/bin/env node\n// caf\\u00e9 \\u2192 ok\n/** `\\u2026.id` \\ud83d\\ude00 */\nexport const x = 1;\n");
  });

  it("leaves an ASCII file as it is", async () => {
    const text = 'export const greeting = "hello\\u2026";\n';
    expect(await asciiOnly(text, "b.js")).toBe(text);
  });

  it("accepts an escape that leaves a string the same string", async () => {
    expect(await asciiOnly('export const s = "…";\n', "c.js")).toBe('export const s = "\\u2026";\n');
  });

  it("refuses, naming the file, a character whose escape would change the program", async () => {
    // A raw template keeps the escape's text: String.raw`\u2026` is six characters, not "…".
    await expect(asciiOnly("export const s = String.raw`…`;\n", "dist/src/raw.js")).rejects.toThrow(
      "ascii-only: dist/src/raw.js has a non-ASCII character outside a comment, which escaping would change",
    );
  });
});
