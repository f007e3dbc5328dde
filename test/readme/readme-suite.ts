// README.md's TypeScript blocks, run in order against a real emulator, as a reader would run them: a
// block that declares no `client` gets the README's stated prelude (its imports from
// `clarifai-grpc-es` and `const client = new ClarifaiClient()`), configured by the CLARIFAI_* variables.
// Each block is written to a gitignored .ts file and imported through vitest, so `clarifai-grpc-es`
// resolves to src/ (or to what the calling test file mocks it with). A block that throws, or does not
// type-check, fails the test. readme.test.ts runs it as written; readme-rest.test.ts over REST.
import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as pkg from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { root } from "../support/build.js";


interface Block {
  readonly heading: string;
  readonly code: string;
}

/** Every ```ts block of `markdown`, with the nearest heading above it. */
export function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let heading = "(top)";
  for (const m of markdown.matchAll(/^(#{1,6} .*)$|^```ts\n([\s\S]*?)^```$/gm)) {
    if (m[1] !== undefined) heading = m[1].replace(/^#+ /, "");
    else blocks.push({ heading, code: m[2]! });
  }
  return blocks;
}

/** The block as a module: the prelude it needs (imports of the package's names it uses, the client), then the block. */
export function program(code: string): string {
  const imported = new Set(
    [...code.matchAll(/import\s*\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(",").map((s) => s.trim().split(/\s+as\s+/).pop()!)),
  );
  const declared = new Set([...code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!));
  const needsClient = /\bclient\./.test(code) && !declared.has("client");
  const names = Object.keys(pkg).filter(
    (n) => !imported.has(n) && !declared.has(n) && (new RegExp(`\\b${n.replace("$", "\\$")}\\b`).test(code) || (needsClient && n === "ClarifaiClient")),
  );
  return [
    names.length > 0 ? `import { ${names.join(", ")} } from "clarifai-grpc-es";` : "",
    needsClient ? "const client = new ClarifaiClient();" : "",
    code,
    needsClient ? "await client.close();" : "",
    "export {};",
  ].join("\n");
}

/**
 * Runs every block of README.md, in order, against one emulator, as a `describe` named `label`.
 * `typecheck` also type-checks each block as written (once is enough: types do not depend on the
 * transport).
 */
export function describeReadme(label: string, { typecheck }: { typecheck: boolean }): void {
  // One directory per run, so that parallel `vitest run`s in this tree (and the two README test files)
  // never delete or overwrite each other's files.
  const dir = join(root, "test/readme/.snippets", `${process.pid}-${Date.now().toString(36)}`);
  const blocks = tsBlocks(readFileSync(join(root, "README.md"), "utf8"));
  const files = blocks.map((b, i) => join(dir, `${String(i + 1).padStart(2, "0")}-${b.heading.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}.ts`));
  let emulator: Emulator;
  const saved = { ...process.env };

  beforeAll(async () => {
    await mkdir(dir, { recursive: true });
    await Promise.all(blocks.map((b, i) => writeFile(files[i]!, program(b.code))));
    emulator = await startEmulator();
    // What a reader sets: the env the README's `new ClarifaiClient()` reads, pointed at the emulator.
    Object.assign(process.env, {
      CLARIFAI_PAT: "emulator-pat",
      CLARIFAI_USER_ID: "emulator-user",
      CLARIFAI_APP_ID: "readme-app",
      CLARIFAI_GRPC_BASE: emulator.baseUrl,
    });
    // The snippets print what they got, for readers; here it would only bury the test report.
    vi.spyOn(console, "log").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    for (const key of ["CLARIFAI_PAT", "CLARIFAI_USER_ID", "CLARIFAI_APP_ID", "CLARIFAI_GRPC_BASE"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await emulator?.close();
    // Only while the test runs: stale copies must not reach `tsc -p tsconfig.json`, which includes test/.
    await rm(dir, { recursive: true, force: true });
  });

  describe(label, () => {
    it("has TypeScript blocks to run", () => {
      expect(blocks.length).toBeGreaterThan(10);
    });

    if (typecheck) it("type-checks every block as written (with its prelude)", () => {
      const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
      const program = ts.createProgram(files, { ...config.options, noEmit: true });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.includes(d.file.fileName))
        .map((d) => `${d.file!.fileName.slice(dir.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      expect(errors).toEqual([]);
    }, 60_000);

    for (const [i, block] of blocks.entries()) {
      it(`runs block ${i + 1} (${block.heading})`, async () => {
        await import(pathToFileURL(files[i]!).href);
      });
    }

    it("left the emulator in the state the snippets describe", () => {
      expect(emulator.store.tasks("emulator-user", "readme-app").map((t) => [t.id, pkg.statusCodeName(t.status!.code)])).toEqual([
        ["water-consensus", "TASK_DONE"],
      ]);
      expect(emulator.store.countCollectors("emulator-user", "readme-app")).toBe(0);
    });
  });
}
