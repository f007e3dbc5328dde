// Builds dist/ once for the tests that spawn the bin (test/cli, test/emulator/cli.test.ts), however
// many test files ask at the same time: a lock directory serializes the builds, and a stamp newer
// than every source file lets later callers skip theirs.
import { execFile, spawn } from "node:child_process";
import { mkdir, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The repository root, the working directory of every spawned bin. */
export const root = fileURLToPath(new URL("../../", import.meta.url));
/** The bin as `npm run build` writes it (the package's `bin` entry), relative to {@link root}. */
export const bin = "dist/src/cli/main.js";

const lock = join(root, "dist", ".test-build.lock");
const stamp = join(root, "dist", ".test-build.stamp");
// Everything the build compiles: the sources and the generated code.
const inputs = ["src", "gen", "tsconfig.json", "tsconfig.build.json"].map((p) => join(root, p));

async function newestInput(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  const entries = await readdir(path);
  return Math.max(s.mtimeMs, ...(await Promise.all(entries.map((e) => newestInput(join(path, e))))));
}

async function acquire(): Promise<void> {
  await mkdir(join(root, "dist"), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      // A lock older than any build could take was left by a killed run.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 120_000) await rm(lock, { recursive: true, force: true });
      else await delay(100);
    }
  }
}

/**
 * Makes sure `dist/` matches the sources: a transpile-only `tsc -p tsconfig.build.json` (the files
 * `npm run build` writes; types are checked by `npm run typecheck`), skipped when already up to date.
 */
export async function buildOnce(): Promise<void> {
  await acquire();
  try {
    const built = await stat(stamp).then((s) => s.mtimeMs, () => 0);
    const newest = Math.max(...(await Promise.all(inputs.map(newestInput))));
    if (built > newest) return;
    const started = new Date();
    await promisify(execFile)(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json", "--noCheck"], { cwd: root });
    // Stamped with the build's start: a source saved during the build makes the next caller rebuild.
    await writeFile(stamp, "");
    await utimes(stamp, started, started);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** What a spawned script printed and how it exited. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <script> ...args` from {@link root} to completion, as a user would, with `env` and an
 * optional stdin text (stdin is closed either way); resolves however it exits.
 */
export function runScript(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, env: options.env ?? process.env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
