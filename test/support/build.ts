// Builds dist/ once for the tests that run the package as built (test/cli, test/emulator/cli.test.ts,
// test/packaging), however many test files ask at the same time: a lock directory serializes the
// builds, and a stamp newer than every source file lets later callers skip theirs.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
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
// Everything the build reads: the sources, the generated code, the build itself and the manifest (its
// dependencies decide what is bundled).
const inputs = ["src", "gen", "tsconfig.json", "tsconfig.build.json", "scripts/build.mjs", "scripts/bundle-settings.mjs", "scripts/descriptor-literals.mjs", "scripts/enum-literals.mjs", "scripts/lean-decoder.mjs", "scripts/compiled-zero.mjs", "scripts/lazy-builtins.mjs", "scripts/ascii-only.mjs", "package.json"].map((p) => join(root, p));

async function newestInput(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  const entries = await readdir(path);
  return Math.max(s.mtimeMs, ...(await Promise.all(entries.map((e) => newestInput(join(path, e))))));
}

async function acquire(lock: string): Promise<void> {
  await mkdir(join(lock, ".."), { recursive: true });
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
 * Makes sure `dist/` matches the sources: `npm run build`'s bundles and declarations, the declarations
 * without type checking (`npm run typecheck` checks), skipped when already up to date.
 */
export async function buildOnce(): Promise<void> {
  await acquire(lock);
  try {
    const built = await stat(stamp).then((s) => s.mtimeMs, () => 0);
    const newest = Math.max(...(await Promise.all(inputs.map(newestInput))));
    if (built > newest) return;
    const started = new Date();
    await promisify(execFile)(process.execPath, ["scripts/build.mjs", "--no-check"], { cwd: root });
    // Stamped with the build's start: a source saved during the build makes the next caller rebuild.
    await writeFile(stamp, "");
    await utimes(stamp, started, started);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The package as a user gets it: packed with `npm pack`, installed by npm into a project of its own. */
export interface PackedPackage {
  /** The `.tgz` that `npm pack` wrote. */
  readonly tarball: string;
  /** Every file in the tarball, relative to the package root. */
  readonly files: readonly string[];
  /**
   * The consumer project, outside the repository (no `node_modules` of ours above it): a
   * `package.json` with `"type": "commonjs"` and `node_modules` holding the package, its dependencies
   * and `@types/node`.
   */
  readonly consumer: string;
  /** The package as installed: `<consumer>/node_modules/clarifai-grpc-es`. */
  readonly installed: string;
}

// One consumer per checkout (several may test at once), reused while dist/ is unchanged.
const packRoot = join(tmpdir(), `clarifai-grpc-es-packed-${createHash("sha256").update(root).digest("hex").slice(0, 12)}`);
const packLock = `${packRoot}.lock`;
const packInfo = join(packRoot, "packed.json");

/**
 * {@link buildOnce}, then `npm pack` and `npm install` of the tarball into a fresh consumer project,
 * once per build however many test files ask (same lock-and-stamp scheme). The install is npm's own,
 * from its cache where it can (`--prefer-offline`), without install scripts.
 */
export async function packOnce(): Promise<PackedPackage> {
  await buildOnce();
  await acquire(packLock);
  try {
    const built = (await stat(stamp)).mtimeMs;
    const packed = await stat(packInfo).then((s) => s.mtimeMs, () => 0);
    if (packed > built) return JSON.parse(await readFile(packInfo, "utf8")) as PackedPackage;
    await rm(packRoot, { recursive: true, force: true });
    const consumer = join(packRoot, "consumer");
    await mkdir(consumer, { recursive: true });
    const run = promisify(execFile);
    const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", packRoot], { cwd: root });
    const [report] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    const manifest = JSON.parse(await readFile(join(root, "node_modules/@types/node/package.json"), "utf8")) as { version: string };
    await writeFile(join(consumer, "package.json"), `${JSON.stringify({ name: "consumer", private: true, type: "commonjs" }, null, 2)}\n`);
    const tarball = join(packRoot, report.filename);
    await run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", tarball, `@types/node@${manifest.version}`], { cwd: consumer });
    const result: PackedPackage = { tarball, files: report.files.map((f) => f.path), consumer, installed: join(consumer, "node_modules/clarifai-grpc-es") };
    await writeFile(packInfo, JSON.stringify(result));
    return result;
  } finally {
    await rm(packLock, { recursive: true, force: true });
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
