// `npm run build`: the package as it ships. Each public entry is an esbuild bundle, so that importing
// the package reads one file instead of the ~180 modules of our sources, protobuf-es and connect
// (import + first call 2x faster from the package as installed, see the README's "Bundling and
// CommonJS"); the type declarations come from tsc.
//
//   node scripts/build.mjs              bundles + declarations (type-checked)
//   node scripts/build.mjs --no-check   the same, declarations without type checking (the tests'
//                                       build: `npm run typecheck` checks types on its own)
//
// Layout (what package.json's exports, bin and files point at):
//   dist/src/index.js                                             the client, one file
//   dist/src/grpc-js.js                                           provides @grpc/grpc-js to the client
//   dist/gen/**/*_pb.js                                           re-exports of the client's schemas, but
//                                                                 google.api's, a bundle of their own
//   dist/src/testing/index.js, dist/src/cli/main.js,
//   dist/src/walkthrough/main.js                                  the emulator and the programs
//   dist/src/chunks/*.js                                          code shared by the entries of a bundle
//   dist/src/**/*.d.ts, dist/gen/**/*.d.ts                        tsc declarations
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { bundleSettings, clientBuildSteps, generatedFiles } from "./bundle-settings.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const outdir = join(root, "dist");
const check = !process.argv.includes("--no-check");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** The generated files that are entries of a bundle (the others re-export the main entry's names). */
const ownGenEntries = generatedFiles(root).filter((f) => f.startsWith("gen/google/"));

// Separate bundles, so that a service importing the client loads no server code (connect's router and
// handlers, reached through the same barrel modules, would otherwise share a chunk with the client)
// and the client is one file. The emulator and the programs get their own copy of protobuf-es and
// connect; only tests load both.
const bundles = [
  {
    // Not split: a module more is about 1.3 ms of a fresh process's import (Node 20), and the chunks
    // shared with the other entries and with the transports made the import 7 modules and the first
    // call 2 more. The transports are built into the file instead, each set up on its first use
    // (esbuild's lazy module wrappers): the default one, which the first call needs anyway, and REST's
    // and grpc-js', which cost the import only their parsing (README, "One file" under "Bundling and
    // CommonJS").
    name: "client",
    entryPoints: { "src/index": "src/index.ts" },
    splitting: false,
  },
  {
    // Must be the file `src/transports/grpc-js-loader.ts` finds at `./grpc-js.js` from the client's
    // file. Only this imports @grpc/grpc-js, which it hands to the client (grpc-js-module.ts).
    name: "grpc-js",
    entryPoints: { "src/grpc-js": "src/grpc-js.ts" },
    splitting: false,
  },
  {
    // `./gen/*` for the google.api files, which the main entry does not export: loading them builds
    // descriptor.proto, which only the REST transport needs (see descriptor-literals.mjs). Their
    // schemas are plain descriptors, which work across copies.
    name: "google",
    entryPoints: Object.fromEntries(ownGenEntries.map((f) => [f.replace(/\.ts$/, ""), f])),
    splitting: true,
  },
  {
    name: "tools",
    entryPoints: {
      "src/testing/index": "src/testing/index.ts",
      "src/cli/main": "src/cli/main.ts",
      "src/walkthrough/main": "src/walkthrough/main.ts",
    },
    splitting: true,
  },
];

/** `name@version (license)` of every third-party package an output file contains. */
function bundledPackages(inputs) {
  const names = new Set();
  for (const input of Object.keys(inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) names.add(m[1]);
  }
  return [...names].sort().map((name) => {
    const pkg = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8"));
    return `${name}@${pkg.version} (license: ${pkg.license})`;
  });
}

// The client's plugins and finishing step, shared with the bench's build of it (see bundle-settings.mjs).
const steps = await clientBuildSteps(root);

// Only what this build writes: dist/ also holds the tests' build lock (test/support/build.ts).
for (const dir of ["src", "gen"]) rmSync(join(outdir, dir), { recursive: true, force: true });
for (const bundle of bundles) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: bundle.entryPoints,
    outdir,
    // One level below dist/src, like src/transports/: see the grpc-js entry above.
    chunkNames: `src/chunks/${bundle.name}-[hash]`,
    // What is bundled in and left out, the target, no minification: shared with the bench's copy of
    // the transport (see bundle-settings.mjs).
    ...bundleSettings(manifest),
    splitting: bundle.splitting,
    // Only the client's file takes node:http2 on first use (see lazy-builtins.mjs).
    plugins: steps.plugins(bundle.name === "client"),
    metafile: true,
    write: false,
  });
  for (const file of result.outputFiles) {
    const packages = bundledPackages(result.metafile.outputs[relative(root, file.path)]?.inputs ?? {});
    // The bundled packages' copyright and license notices, which bundling strips with the comments.
    const notice = packages.length > 0 ? `/*! Contains ${packages.join(", ")}: see each package's own license. */\n` : "";
    const text = await steps.finish(file.text, relative(root, file.path), notice);
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, text);
  }
}
chmodSync(join(outdir, "src/cli/main.js"), 0o755);

// `./gen/*`: each generated file but the client bundle's own entries re-exports its names from the main
// entry (which exports them all), so that importing both loads one copy of every schema, and importing
// the main entry loads two files.
const gen = await esbuild.build({ absWorkingDir: root, entryPoints: generatedFiles(root).filter((f) => !ownGenEntries.includes(f)), outdir, outbase: ".", write: false, metafile: true, format: "esm", logLevel: "warning" });
for (const [path, output] of Object.entries(gen.metafile.outputs)) {
  const file = join(root, path);
  const main = relative(dirname(file), join(outdir, "src/index.js")).replaceAll("\\", "/");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `export {\n${output.exports.map((name) => `  ${name},\n`).join("")}} from "${main}";\n`);
}

// The client's file must not import node:http2 when it loads (see lazy-builtins.mjs).
if (/^import\b[^;]*"node:http2";$/m.test(readFileSync(join(outdir, "src/index.js"), "utf8"))) throw new Error("build: dist/src/index.js imports node:http2");

// The grpc-js loader finds the grpc-js entry beside the client's file, whose path it checks
// (src/transports/grpc-js-loader.ts): fail the build, not a user's first call, if that changed.
// (The tools bundle has a copy too, which cannot load it: the CLI and the walkthrough use connect.)
const clientFiles = readdirSync(join(outdir, "src"), { recursive: true }).filter((f) => /^(?:index|grpc-js|chunks\/google-.*)\.js$/.test(f));
const loaderFiles = clientFiles.filter((f) => readFileSync(join(outdir, "src", f), "utf8").includes("the grpc-js transport could not be loaded"));
if (loaderFiles.length !== 1 || loaderFiles[0] !== "index.js") {
  throw new Error(`build: the grpc-js loader must be in dist/src/index.js alone, found in: ${loaderFiles.join(", ") || "none"}`);
}

execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", ...(check ? [] : ["--noCheck"])], { cwd: root, stdio: "inherit" });
