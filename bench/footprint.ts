// Footprint: what `npm install` puts on disk for each client's production dependencies, computed from
// package-lock.json and node_modules alone (no network). Each closure is resolved the way Node resolves
// packages — a dependency is looked up in the dependent's own node_modules, then in its parents' — and
// sized by summing the files of each package directory, without its nested node_modules (those are
// packages of their own, counted when the walk reaches them).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** The installed size of one dependency closure. */
export interface Footprint {
  /** What the closure is of. */
  label: string;
  /** Packages in the closure (the roots included). */
  packages: number;
  /** Files in them. */
  files: number;
  /** Bytes on disk (sum of file sizes). */
  bytes: number;
  /** Package names with their sizes, largest first. */
  largest: { name: string; bytes: number }[];
}

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Bytes and files under `dir`, not descending into `node_modules`. */
function sizeOf(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = sizeOf(full);
      bytes += inner.bytes;
      files += inner.files;
    } else if (entry.isFile()) {
      bytes += statSync(full).size;
      files++;
    }
  }
  return { bytes, files };
}

/**
 * The production closure of `roots` (dependency names as the project root would resolve them).
 * @param projectDir - the directory holding package-lock.json and node_modules
 */
export function closureFootprint(projectDir: string, label: string, roots: { from: string; names: string[] }): Footprint {
  const lock = JSON.parse(readFileSync(path.join(projectDir, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const packages = lock.packages;
  // Node's lookup: <from>/node_modules/<name>, then each parent's node_modules, up to the root.
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (!base) return undefined;
      const cut = base.lastIndexOf("/node_modules/");
      base = cut < 0 ? "" : base.slice(0, cut);
    }
  };
  const seen = new Set<string>();
  const visit = (location: string) => {
    if (seen.has(location)) return;
    seen.add(location);
    const entry = packages[location]!;
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
    for (const name of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]) {
      const found = resolve(location, name);
      // Optional dependencies for other platforms are legitimately absent.
      if (found) visit(found);
    }
  };
  for (const name of roots.names) {
    const found = resolve(roots.from, name);
    if (!found) throw new Error(`${name} is not installed (run npm ci)`);
    visit(found);
  }
  let bytes = 0;
  let files = 0;
  const sizes: { name: string; bytes: number }[] = [];
  for (const location of seen) {
    const size = sizeOf(path.join(projectDir, location));
    bytes += size.bytes;
    files += size.files;
    const name = location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length);
    sizes.push({ name: `${name}@${packages[location]!.version ?? "?"}`, bytes: size.bytes });
  }
  sizes.sort((a, b) => b.bytes - a.bytes);
  return { label, packages: seen.size, files, bytes, largest: sizes.slice(0, 5) };
}

/**
 * Both footprints: ours (the dependencies in our package.json) and the official package's (the package
 * itself plus its production closure).
 */
export function footprints(projectDir: string): { ours: Footprint; official: Footprint } {
  const manifest = JSON.parse(readFileSync(path.join(projectDir, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  return {
    ours: closureFootprint(projectDir, "clarifai-grpc-es dependencies", { from: "", names: Object.keys(manifest.dependencies) }),
    official: closureFootprint(projectDir, "clarifai-nodejs-grpc + dependencies", { from: "", names: ["clarifai-nodejs-grpc"] }),
  };
}

/** Size of our own package's files as published (`dist/` and `proto/`), when built; undefined otherwise. */
export function ownPackageBytes(projectDir: string): number | undefined {
  try {
    return ["dist", "proto"].reduce((sum, dir) => sum + sizeOf(path.join(projectDir, dir)).bytes, 0);
  } catch {
    return undefined;
  }
}
