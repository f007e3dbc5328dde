// The REST examples of the two documentation pages, read from the pages themselves (never copied into
// the repository): every `curl` command, as the argv a shell would give curl, and every `<script>`
// that calls `fetch`, as its JavaScript. Then the two fillers: the docs' placeholders (curl's
// `YOUR_PAT_HERE`, `{YOUR_COLLECTOR_ID}`; the scripts' `const PAT = "…"` settings) and the host.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The pages, by the names DESIGN.md gives them. */
export const PAGES = { collectors: "000_5bba9dc9a742f9f4.txt", tasks: "002_907588a347d790bc.txt" } as const;

/**
 * Where the pages are: `shared/seeds/` beside the repository or beside one of its parents (a work tree
 * may sit deeper than the main clone; CI puts `shared/` beside its clone). `DOCS_SEEDS_DIR` overrides.
 */
export function seedsDir(from: string): string {
  const env = process.env["DOCS_SEEDS_DIR"];
  if (env) return env;
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "seeds");
    if (Object.values(PAGES).every((p) => existsSync(join(candidate, p)))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no shared/seeds/ with ${Object.values(PAGES).join(" and ")} above ${from}; set DOCS_SEEDS_DIR`);
  }
}

/** One REST example, where it stands on its page. */
export type DocExample =
  | { readonly kind: "curl"; readonly line: number; readonly argv: readonly string[] }
  | { readonly kind: "fetch"; readonly line: number; readonly code: string };

/**
 * Splits shell text into words the way sh does for the forms the examples use: single quotes
 * (literal, newlines included), double quotes (with `\"`, `\\`, `\$`, `` \` `` escapes), backslash
 * escapes and backslash-newline continuations outside quotes. Stops at the first newline outside
 * quotes that no backslash continues, and at a continuation whose next line is not an option (`-…`):
 * the pages were rendered from code blocks, and a trailing `\` on a block's last line (the GET task
 * example has one) would otherwise swallow the prose after the block.
 */
export function shellWords(text: string, start: number): { words: string[]; end: number } {
  const words: string[] = [];
  let word: string | undefined;
  let i = start;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed ' at ${i}`);
      word = (word ?? "") + text.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      let out = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && '"\\$`'.includes(text[j + 1] ?? "")) j++;
        out += text[j++];
      }
      if (j >= text.length) throw new Error(`unclosed " at ${i}`);
      word = (word ?? "") + out;
      i = j + 1;
    } else if (c === "\\" && text[i + 1] === "\n") {
      push();
      const next = text.slice(i + 2, text.indexOf("\n", i + 2) < 0 ? undefined : text.indexOf("\n", i + 2));
      if (!next.trimStart().startsWith("-")) return { words, end: i + 2 };
      i += 2;
    } else if (c === "\\") {
      word = (word ?? "") + (text[i + 1] ?? "");
      i += 2;
    } else if (c === "\n") {
      break;
    } else if (c === " " || c === "\t") {
      push();
      i++;
    } else {
      word = (word ?? "") + c;
      i++;
    }
  }
  push();
  return { words, end: i };
}

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** Every curl command and every fetch `<script>` of `page`, in page order. */
export function extractExamples(page: string): DocExample[] {
  const examples: DocExample[] = [];
  for (const m of page.matchAll(/^curl /gm)) {
    examples.push({ kind: "curl", line: lineOf(page, m.index), argv: shellWords(page, m.index).words });
  }
  for (const m of page.matchAll(/<script>\n([\s\S]*?)<\/script>/g)) {
    if (/\bfetch\(/.test(m[1]!)) examples.push({ kind: "fetch", line: lineOf(page, m.index), code: m[1]! });
  }
  return examples.sort((a, b) => a.line - b.line);
}

/** The docs' API hosts (the collector update example uses the dev host). */
const docsOrigin = /https:\/\/api(-dev)?\.clarifai\.com/g;

/** Points every docs URL in `text` at `baseUrl`, changing nothing else. */
export function withHost(text: string, baseUrl: string): string {
  return text.replace(docsOrigin, baseUrl);
}

/** Placeholders that are still in `text` after filling (a page that grew a new one fails loudly). */
export function leftoverPlaceholders(text: string): string[] {
  return [...text.matchAll(/\{[A-Z][A-Z0-9_]*[}\]]|\b(?:YOUR_[A-Z0-9_]+|[A-Z][A-Z0-9_]*_HERE)\b/g)].map((m) => m[0]);
}

/**
 * Fills a curl word: `{NAME}` forms (and the page's `{YOUR_MODEL_USER_ID]` typo) first, then bare
 * tokens, each from `values` by its exact spelling.
 */
export function fillCurlWord(word: string, values: Readonly<Record<string, string>>): string {
  return word
    .replace(/\{([A-Z][A-Z0-9_]*)[}\]]/g, (all, name: string) => values[`{${name}}`] ?? all)
    .replace(/\b(?:YOUR_[A-Z0-9_]+|[A-Z][A-Z0-9_]*_HERE)\b/g, (all) => values[all] ?? all);
}

/**
 * Fills a script's settings, the `const NAME = "…";` lines its header asks the reader to change, from
 * `values` by NAME. Returns the code and the settings it found that `values` has no value for.
 */
export function fillScriptSettings(code: string, values: Readonly<Record<string, string>>): { code: string; unknown: string[] } {
  const unknown: string[] = [];
  const filled = code.replace(/^const ([A-Z][A-Z0-9_]*) = (['"]).*?\2;/gm, (all, name: string) => {
    if (!(name in values)) {
      unknown.push(name);
      return all;
    }
    return `const ${name} = ${JSON.stringify(values[name])};`;
  });
  return { code: filled, unknown };
}

/** A page's text. */
export function readPage(dir: string, name: keyof typeof PAGES): string {
  return readFileSync(join(dir, PAGES[name]), "utf8");
}
