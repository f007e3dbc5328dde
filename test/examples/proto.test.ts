// The examples' own proto is a buf module of its own (examples/buf.yaml, kept out of the package's
// proto/ and gen/): it passes buf's STANDARD lint, and examples/gen/ is what `buf generate` makes of it.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../support/build.js";

const examples = join(root, "examples");
const buf = join(root, "node_modules", ".bin", "buf");
const run = (args: string[]) => promisify(execFile)(buf, args, { cwd: examples });
let tmp: string | undefined;

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[relative(dir, path)] = await readFile(path, "utf8");
    }
  }
  return out;
}

describe("examples/proto", () => {
  it("passes buf lint (STANDARD, no exceptions)", async () => {
    await expect(run(["lint"])).resolves.toMatchObject({ stdout: "", stderr: "" });
  }, 60_000);

  it("has examples/gen/ as buf generate writes it", async () => {
    tmp = await mkdtemp(join(tmpdir(), "examples-gen-"));
    await run(["generate", "--output", tmp]);
    expect(await files(join(examples, "gen"))).toEqual(await files(join(tmp, "gen")));
  }, 60_000);
});
