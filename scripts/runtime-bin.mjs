// Prints the path of a Bun or Deno binary, fetching it from the npm registry into .cache/runtimes the
// first time (the platform packages hold the real binaries; nothing is installed globally).
//   node scripts/runtime-bin.mjs bun|deno
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Pinned, so that every run tries the same binaries; bump on purpose. */
export const RUNTIMES = {
  bun: { pkg: "@oven/bun-linux-x64", version: "1.4.5", bin: "bin/bun" },
  deno: { pkg: "@deno/linux-x64-glibc", version: "2.9.6", bin: "deno" },
};

/** The binary of `name`, installed on first use. */
export function runtimeBin(name) {
  const rt = RUNTIMES[name];
  if (!rt) throw new Error(`unknown runtime ${name}; known: ${Object.keys(RUNTIMES).join(", ")}`);
  const dir = fileURLToPath(new URL(`../.cache/runtimes/${name}-${rt.version}/`, import.meta.url));
  const file = join(dir, "node_modules", rt.pkg, rt.bin);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `runtime-${name}`, private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `${rt.pkg}@${rt.version}`], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  }
  chmodSync(file, 0o755);
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(runtimeBin(process.argv[2]));
