// What `npm pack` puts in the tarball: every file package.json points at, no source map or map
// reference that leads outside it, and entries that are bundles (they import no package by name but
// the ones left out on purpose).
import { readFile, stat } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packOnce, type PackedPackage } from "../support/build.js";

let packed: PackedPackage;
let shipped: Set<string>;
const read = (path: string) => readFile(join(packed.installed, path), "utf8");

beforeAll(async () => {
  packed = await packOnce();
  shipped = new Set(packed.files);
  console.log(`tarball: ${((await stat(packed.tarball)).size / 1024).toFixed(0)} KB, ${packed.files.length} files`);
}, 240_000);

/** A path relative to the package root, from `target` written in the file `from` (`undefined`: leaves the package). */
function resolveIn(from: string, target: string): string | undefined {
  const path = normalize(join(dirname(from), decodeURIComponent(target)));
  return path.startsWith("..") ? undefined : path;
}

/**
 * The references of `files` that do not lead to a shipped file: each source map's `sources` (under its
 * `sourceRoot`), and each `sourceMappingURL` comment of a script or declaration file.
 */
async function danglingMapReferences(files: Iterable<string>, readText: (path: string) => Promise<string>): Promise<string[]> {
  const all = new Set(files);
  const dangling: string[] = [];
  for (const file of all) {
    if (file.endsWith(".map")) {
      const map = JSON.parse(await readText(file)) as { sources?: string[]; sourceRoot?: string };
      for (const source of map.sources ?? []) {
        const path = resolveIn(file, join(map.sourceRoot ?? "", source));
        if (path === undefined || !all.has(path)) dangling.push(`${file} → ${source}`);
      }
    } else if (/\.(?:[cm]?js|d\.[cm]?ts)$/.test(file)) {
      for (const [, url] of (await readText(file)).matchAll(/^\/\/# sourceMappingURL=(\S+)$/gm)) {
        if (url!.startsWith("data:")) continue;
        const path = resolveIn(file, url!);
        if (path === undefined || !all.has(path)) dangling.push(`${file} → ${url}`);
      }
    }
  }
  return dangling;
}

describe("source maps", () => {
  it("the check finds a map source and a map reference that the tarball lacks", async () => {
    const files: Record<string, string> = {
      "dist/a.js": "code\n//# sourceMappingURL=a.js.map\n",
      "dist/a.js.map": JSON.stringify({ sources: ["../src/a.ts", "../src/shipped.ts"] }),
      "dist/b.d.ts": "export {};\n//# sourceMappingURL=b.d.ts.map\n",
      "src/shipped.ts": "",
    };
    expect(await danglingMapReferences(Object.keys(files), async (p) => files[p]!)).toEqual(["dist/a.js.map → ../src/a.ts", "dist/b.d.ts → b.d.ts.map"]);
  });

  it("no map in the packed package points at a file it does not ship", async () => {
    expect(await danglingMapReferences(packed.files, read)).toEqual([]);
  });
});

describe("the tarball", () => {
  it("holds every file package.json points at", async () => {
    const manifest = JSON.parse(await read("package.json")) as {
      main: string;
      types: string;
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
    };
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
    for (const [key, value] of Object.entries(manifest.exports)) {
      for (const target of typeof value === "string" ? [value] : Object.values(value)) {
        // A pattern export (`./gen/*`) stands for every file its pattern matches: at least one must ship.
        if (!key.includes("*")) targets.push(target);
        else expect([...shipped].some((f) => new RegExp(`^${target.slice(2).replace(/[.]/g, "\\.").replace("*", ".+")}$`).test(f)), target).toBe(true);
      }
    }
    expect(targets.map((t) => normalize(t)).filter((t) => !shipped.has(t))).toEqual([]);
  });

  it("ships the main entry as one file: it imports only Node built-ins, node:http2 not among them (taken on first use)", async () => {
    const imports = async (file: string) => [...(await read(file)).matchAll(/^(?:import|export)\b[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]!);
    const main = await imports("dist/src/index.js");
    expect(main.length).toBeGreaterThan(0);
    expect(main.filter((s) => !s.startsWith("node:"))).toEqual([]);
    expect(main).not.toContain("node:http2");
    expect(await read("dist/src/index.js")).toContain('process.getBuiltinModule("node:http2")');
    // grpc-js stays a dependency of the grpc-js entry alone: users pass their own grpc-js objects in.
    expect(await imports("dist/src/grpc-js.js")).toEqual(["@grpc/grpc-js"]);
  });

  it("ships its scripts as pure ASCII, which V8 keeps as one-byte strings (scripts/ascii-only.mjs)", async () => {
    const scripts = packed.files.filter((f) => f.endsWith(".js"));
    expect(scripts).toContain("dist/src/index.js");
    const nonAscii: string[] = [];
    for (const file of scripts) {
      const at = (await read(file)).search(/[^\x00-\x7f]/);
      if (at >= 0) nonAscii.push(`${file} at ${at}`);
    }
    expect(nonAscii).toEqual([]);
  });
});
