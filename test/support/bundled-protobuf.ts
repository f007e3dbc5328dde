// protobuf-es as the package's bundles carry it, for the tests of the build's edits to it
// (scripts/lean-decoder.mjs, scripts/compiled-zero.mjs): a copy bundled on its own with the edits under
// test, next to one without them, and the texts of the shipped bundles that must carry them.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { buildOnce, root } from "./build.js";

/** A copy of protobuf-es bundled by {@link bundleProtobuf}: its module and the file it was loaded from. */
export interface BundledProtobuf<M> {
  readonly module: M;
  readonly file: string;
}

/**
 * `contents` (an ES module that re-exports from protobuf-es) bundled as scripts/build.mjs bundles
 * protobuf-es, with `plugins`, into `<dir>/protobuf-<name>.mjs`, and loaded.
 */
export async function bundleProtobuf<M>(dir: string, name: string, plugins: esbuild.Plugin[], contents: string): Promise<BundledProtobuf<M>> {
  const file = join(dir, `protobuf-${name}.mjs`);
  await esbuild.build({
    absWorkingDir: root,
    stdin: { contents, resolveDir: root },
    bundle: true,
    format: "esm",
    platform: "node",
    outfile: file,
    plugins,
    logLevel: "warning",
  });
  return { module: (await import(pathToFileURL(file).href)) as M, file };
}

/**
 * After {@link buildOnce}: the texts of the built package's files (the client's file and the chunks)
 * that contain `marker`, a piece of protobuf-es only a file that bundles it has, and the client's file's
 * text, to check that it is among them.
 */
export async function shippedCopies(marker: string): Promise<{ texts: string[]; client: string }> {
  await buildOnce();
  const chunks = join(root, "dist/src/chunks");
  const files = [join(root, "dist/src/index.js"), ...(await readdir(chunks)).map((f) => join(chunks, f))];
  const all = await Promise.all(files.map((f) => readFile(f, "utf8")));
  return { texts: all.filter((t) => t.includes(marker)), client: all[0]! };
}
