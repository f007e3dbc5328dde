// The esbuild settings of every bundle of the client's code: the package's own (scripts/build.mjs) and
// the bench's bundle of the transport under the facade (bench/transport-bundle.ts). The bench compares
// the facade with that transport called alone; both must run the code the package ships, protobuf-es'
// edited decoder included (lean-decoder.mjs), or the comparison measures the two builds, not the facade.

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
