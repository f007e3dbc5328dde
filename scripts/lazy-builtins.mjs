// An esbuild plugin for scripts/build.mjs: in the client's one-file bundle, node:http2 is taken with
// `process.getBuiltinModule` when the code that imports it is first set up (the connect transport, on
// a client's first call), not imported. An ES module's imports are hoisted to the top of its file, so a
// static import there would load node:http2 (15 ms of a fresh process on Node 20) when the package is
// imported, for REST clients too, which never use it; in a bundle of many modules it was the
// transport's own chunk that imported it.
//
// The module it gives in place of node:http2 has the built-in's own export names (read from this Node at
// build time) and is used only by esbuild's lazily set-up modules: the build checks that the client's
// file has no import of node:http2 left, and test/rest/no-http2.test.ts that a REST client, import
// included, never loads it.

/** The built-ins taken on first use. */
const lazy = ["node:http2"];
const namespace = "lazy-builtin";

/** A module that gives the built-in `name` as an import of it would, read when the module is set up. */
async function standIn(name) {
  const names = Object.keys(await import(name)).filter((key) => key !== "default" && /^[A-Za-z_$][\w$]*$/.test(key));
  return `// ${name}, taken when first used (scripts/lazy-builtins.mjs).
const m = process.getBuiltinModule(${JSON.stringify(name)});
if (m === undefined) throw new Error(${JSON.stringify(`${name} is not available in this runtime`)});
export default m;
export const { ${names.join(", ")} } = m;
`;
}

/** The esbuild plugin. */
export const lazyBuiltins = {
  name: "lazy-builtins",
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(?:${lazy.join("|")})$`) }, (args) => ({ path: args.path, namespace }));
    build.onLoad({ filter: /.*/, namespace }, async (args) => ({ contents: await standIn(args.path), loader: "js" }));
  },
};
