// The esbuild settings, plugins and finishing steps of every bundle of the client's code: the package's
// own (scripts/build.mjs) and the bench's build of the facade with the transport under it
// (bench/transport-bundle.ts). The bench compares the facade with that transport called alone; both
// must run the code the package ships (its descriptors, decoder, empty messages, enums and source
// strings are all reshaped at build time), or the comparison measures two builds, not the facade.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { asciiOnly } from "./ascii-only.mjs";
import { compiledZero } from "./compiled-zero.mjs";
import { descriptorLiterals } from "./descriptor-literals.mjs";
import { enumLiterals } from "./enum-literals.mjs";
import { lazyBuiltins } from "./lazy-builtins.mjs";
import { leanDecoder } from "./lean-decoder.mjs";

/**
 * `gen/**\/*_pb.ts` under `root`: the generated files, which the package also exports one by one (`./gen/*`).
 * @param {string} root
 * @returns {string[]} paths relative to `root`
 */
export function generatedFiles(root, dir = "gen") {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return generatedFiles(root, path);
    return e.name.endsWith("_pb.ts") ? [path] : [];
  });
}

/**
 * What every bundle of the client's code is built with besides {@link bundleSettings}: its esbuild
 * plugins, and the step that finishes each output file's text.
 * @param {string} root the project directory
 */
export async function clientBuildSteps(root) {
  // Descriptors read from JSON, not decoded from base64 at import (see descriptor-literals.mjs).
  const literals = await descriptorLiterals(root, generatedFiles(root));
  return {
    /**
     * The plugins: descriptors from JSON; leanDecoder, protobuf-es' decoder with less garbage
     * (lean-decoder.mjs); compiledZero, the empty messages of a type made often from an object literal
     * (compiled-zero.mjs); with `lazyHttp2`, lazyBuiltins, node:http2 taken on first use (lazy-builtins.mjs).
     * @param {boolean} lazyHttp2
     */
    plugins: (lazyHttp2) => [literals, leanDecoder, compiledZero, ...(lazyHttp2 ? [lazyBuiltins] : [])],
    /**
     * The text esbuild wrote for the file `name` (relative to `root`), finished: the generated enums'
     * objects read from JSON (enum-literals.mjs), `notice` after any hashbang, and one-byte source
     * strings for V8 (ascii-only.mjs).
     * @param {string} text
     * @param {string} name
     * @param {string} [notice]
     */
    finish: async (text, name, notice = "") => {
      let out = enumLiterals(text);
      if (notice) out = out.startsWith("#!") ? out.replace(/^.*\n/, (hashbang) => hashbang + notice) : notice + out;
      return asciiOnly(out, name);
    },
  };
}

/**
 * The shared esbuild options, for a package manifest (its peers stay outside the bundle).
 * @param {{ peerDependencies?: Record<string, string> }} manifest
 */
export function bundleSettings(manifest) {
  return {
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20.19",
    // Bundled in: @bufbuild/protobuf and @connectrpc/* (loading them module by module is most of an
    // unbundled start-up; their values work across copies: ConnectError's instanceof is by shape,
    // messages are plain objects and schemas plain descriptors any protobuf-es 2.x accepts). Left out:
    // @grpc/grpc-js, whose objects (credentials, clients, metadata) users pass in from their own copy and
    // which only the grpc-js entry imports, and every optional peer (loaded only when the user installed it).
    external: ["@grpc/grpc-js", ...Object.keys(manifest.peerDependencies ?? {})],
    // Readable output (no minification, names kept), so no source maps are needed: minifying saved
    // about 4% of the start-up CPU, not worth stack traces that need maps to sources we do not ship.
    // Timed again once the bundles were pure ASCII (ascii-only.mjs; Node 20, fresh processes taking
    // turns, two runs of 25 and 40 rounds): minifying whitespace made them 18% smaller but import slower,
    // ×1.12 and ×1.09, and import + first GetTask no faster, ×1.06 and ×1.01 (with syntax too: ×1.08 and
    // ×1.06, ×1.07 and ×1.00).
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  };
}
