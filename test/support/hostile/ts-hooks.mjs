// Module hooks that let a plain `node` child process run this repository's TypeScript sources: the fault
// tests kill and restart the emulator as a real process, and vitest's own transform only exists inside
// vitest. Each `.ts` file is transpiled alone (no type check), the way vitest/esbuild do it. Output is
// cached on disk by content hash: loading the TypeScript compiler costs seconds on a busy machine, and
// the tests start several children.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const relative = (s) => s.startsWith("./") || s.startsWith("../") || s.startsWith("/") || s.startsWith("file:");
const cacheDir = fileURLToPath(new URL("../../../node_modules/.cache/clarifai-grpc-es-fault-ts/", import.meta.url));
let ts;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    // Sources import each other as `./x.js` (NodeNext style); on disk they are `./x.ts`.
    if (relative(specifier) && specifier.endsWith(".js")) return next(specifier.slice(0, -3) + ".ts", context);
    throw error;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, "utf8");
  const key = join(cacheDir, createHash("sha256").update(fileName).update("\0").update(source).digest("hex") + ".js");
  try {
    return { format: "module", source: await readFile(key, "utf8"), shortCircuit: true };
  } catch {
    // Not cached yet: transpile below.
  }
  ts ??= (await import("typescript")).default;
  const { outputText } = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
    },
  });
  // Write then rename, so a concurrent child never reads half a file.
  await mkdir(cacheDir, { recursive: true });
  const temp = `${key}.${process.pid}.tmp`;
  await writeFile(temp, outputText);
  await rename(temp, key);
  return { format: "module", source: outputText, shortCircuit: true };
}
