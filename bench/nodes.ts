// The Node binaries the client processes run on. The bench itself and the emulator run on the Node that
// started it; each client process is started with one of these, so a run compares clients on several
// Nodes at once without the emulator changing between them.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";

/** A Node binary and what it reports about itself. */
export interface NodeBinary {
  /** Absolute path of the executable. */
  path: string;
  /** `process.version`, e.g. "v24.21.0". */
  version: string;
  v8: string;
}

/** The default list: the machine's Node, then a Node 24 fetched the way `scripts/test-matrix.sh` fetches it. */
export const DEFAULT_NODES = "current,24";

function describe(bin: string): NodeBinary {
  const out = spawnSync(bin, ["-p", "JSON.stringify([process.version, process.versions.v8])"], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${bin} does not run: ${(out.stderr || out.error?.message || "").trim()}`);
  const [version, v8] = JSON.parse(out.stdout) as [string, string];
  return { path: bin, version, v8 };
}

/**
 * Resolves a comma-separated list of Node binaries: `current` (the Node running the bench), a major
 * version such as `24` (the machine's Node when it is that major, else the copy `scripts/test-matrix.sh`
 * keeps in `.cache/node-matrix`, fetched from the npm registry when absent), or a path to an executable.
 * An entry that cannot be had is skipped with a note; duplicates (same version) are dropped.
 */
export function resolveNodes(spec: string, projectDir: string): { nodes: NodeBinary[]; notes: string[] } {
  const nodes: NodeBinary[] = [];
  const notes: string[] = [];
  for (const entry of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    try {
      let bin: string;
      if (entry === "current") bin = process.execPath;
      else if (/^\d+$/.test(entry)) {
        const dir = execFileSync("bash", [path.join(projectDir, "scripts", "test-matrix.sh"), "--node-dir", entry], {
          cwd: projectDir,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        }).trim();
        bin = path.join(dir, "node");
      } else bin = path.resolve(entry);
      const node = describe(bin);
      if (/^\d+$/.test(entry) && !node.version.startsWith(`v${entry}.`)) throw new Error(`got ${node.version}`);
      if (!nodes.some((n) => n.version === node.version)) nodes.push(node);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      notes.push(`Node ${entry} skipped: no binary could be had (${reason})`);
    }
  }
  return { nodes, notes };
}
