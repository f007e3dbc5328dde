// An esbuild plugin for scripts/build.mjs: in the bundles' private copy of protobuf-es, an empty message
// of a type made often comes from a compiled object literal instead of protobuf-es' generic loop.
//
// The decoder starts every message it reads from `create(desc)` with no init: 4,482 messages on the
// bench's 128-task ListTasks page. protobuf-es' create function walks the type's member list and
// assigns each zero value by name (`message[name] = …`), a keyed store whose name V8 looks up message
// by message. That loop was the largest single item of a decode, about a sixth of it (profiled on Node 20).
// An object literal with the same keys in the same order (`{ $typeName, id: "", tags: [], … }`) is one
// allocation from a boilerplate V8 keeps for it: decoding the page in a loop took about three quarters of
// the time (medians of 30 alternating blocks of 40 decodes, copies bundled as the package bundles them:
// 0.70–0.76 in 7 of 9 processes on Node 20, 0.96 and 0.97 in two; 0.72 and 0.73 on Node 22, 0.75 and 0.76 on 24;
// one copy per process, as a service has it: medians of 2,075–2,901 µs a page against 2,937–3,172).
// Not always: alternating with a lean-only copy in blocks of 100, about half the processes read 1.01–1.13,
// a mode that V8's allocation-site pretenuring switched off removed (README, "Empty messages").
// A spread of a prebuilt zero object (`{ ...zero }`, then new lists) was tried first: no faster.
//
// The literal is compiled with `new Function`, as src/validation/fits.ts compiles the shape check and as
// protobufjs generates its codecs: from the type's own member names (JSON-quoted, so no name can be
// anything but a key), never from input. A type is compiled on its 16th empty message, not its first, so
// that a cold start (whose first call makes a few dozen types once each) compiles nothing. Where it does
// not apply, the edited function does what protobuf-es does: messages with an init, types whose zero
// values live on a prototype (proto2, explicit presence), and every type where code generation from
// strings is refused (`node --disallow-code-generation-from-strings`), where `new Function` throws.
//
// The zero message is the same as protobuf-es' own: the same keys in the same order, the same constants
// (the very same values: a bytes field's zero is the type's one empty array, as before), and a new list,
// map or oneof object for every message. test/packaging/compiled-zero.test.ts proves it for every message
// type the package has, and for a decoded page; the replaced text must occur in the installed
// protobuf-es exactly as expected, so that an upgrade fails the build rather than ship a half edit.
import { readFile } from "node:fs/promises";

/** The file of protobuf-es the plugin edits, under `dist/esm/`. */
const CREATE = "create.js";

// The constants that name the member kinds in protobuf-es 2.17.0, which the compiled literal depends
// on: a changed value fails the build (below) instead of compiling lists as singular fields.
const KINDS = "const INIT_SINGULAR = 0;\n/** List field: a zero message has a fresh empty array. */\nconst INIT_LIST = 1;\n/** Map field: a zero message has a fresh empty object. */\nconst INIT_MAP = 2;\n/** Oneof group: the ADT is always stored, cases convert by case name. */\nconst INIT_ONEOF = 3;\n";

// How many empty messages of a type are made the generic way before its literal is compiled.
const COMPILE_ZERO = `/** Empty messages of a type made the generic way before its object literal is compiled (see below). */
const ZERO_AFTER = 16;
/**
 * (clarifai-grpc-es, scripts/compiled-zero.mjs) A function that returns the type's empty message as
 * the loop in compileCreate makes it: \`$typeName\`, then each member in order, a singular field only
 * if it has a constant (that very value), a list \`[]\`, a map \`{}\`, a oneof \`{ case: undefined }\`.
 * Undefined where code generation from strings is refused, or for a member it does not know.
 */
function compileZero(typeName, properties) {
    const constants = [];
    const members = ["$typeName: typeName"];
    for (const property of properties) {
        const name = property.name;
        // A quoted __proto__ key in a literal sets the prototype instead of a property.
        if (name === "__proto__" || name === "$typeName") {
            return undefined;
        }
        const key = JSON.stringify(name);
        switch (property.kind) {
            case INIT_SINGULAR:
                if (property.constant !== undefined) {
                    members.push(key + ": constants[" + (constants.push(property.constant) - 1) + "]");
                }
                break;
            case INIT_LIST:
                members.push(key + ": []");
                break;
            case INIT_MAP:
                members.push(key + ": {}");
                break;
            case INIT_ONEOF:
                members.push(key + ": { case: undefined }");
                break;
            default:
                return undefined;
        }
    }
    try {
        return new Function("typeName", "constants", "return () => ({ " + members.join(", ") + " });")(typeName, constants);
    }
    catch {
        // EvalError: code generation from strings is refused here; the generic loop makes every message.
        return undefined;
    }
}
`;

// The head of the create function protobuf-es 2.17.0 compiles per type.
const CREATE_HEAD = `    const { properties, prototype } = compileInitMessage(desc);
    return (init) => {
        let message;
`;
// The same, with the compiled literal for the empty messages of a type made often.
const CREATE_HEAD_ZERO = `    const { properties, prototype } = compileInitMessage(desc);
    let zero;
    let untilCompiled = ZERO_AFTER;
    return (init) => {
        if (init === undefined && prototype === undefined) {
            if (zero !== undefined) {
                return zero();
            }
            // Reaches 0 once: a type that cannot be compiled counts on below it and stays generic.
            if (--untilCompiled === 0) {
                zero = compileZero(typeName, properties);
                if (zero !== undefined) {
                    return zero();
                }
            }
        }
        let message;
`;

/** [the text protobuf-es has, what replaces it, how many times it must occur]. */
const EDITS = [
  [KINDS, KINDS + COMPILE_ZERO, 1],
  [CREATE_HEAD, CREATE_HEAD_ZERO, 1],
];

/**
 * `source` (the text of protobuf-es' `create.js`) with the edits applied; throws when a piece of text to
 * replace does not occur exactly as often as expected.
 */
export function patchCreate(source) {
  let text = source.replaceAll("\r\n", "\n");
  for (const [from, to, times] of EDITS) {
    const found = text.split(from).length - 1;
    if (found !== times) {
      throw new Error(`compiled-zero: expected ${times} × ${JSON.stringify(from.trim().split("\n")[0])} in @bufbuild/protobuf/dist/esm/${CREATE}, found ${found}: protobuf-es changed, review scripts/compiled-zero.mjs`);
    }
    text = text.replaceAll(from, to);
  }
  return text;
}

const FILE = /[\\/]@bufbuild[\\/]protobuf[\\/]dist[\\/]esm[\\/]create\.js$/;

/** The esbuild plugin: applies {@link patchCreate} to protobuf-es' `create.js` as it is bundled. */
export const compiledZero = {
  name: "compiled-zero",
  setup(build) {
    build.onLoad({ filter: FILE }, async ({ path }) => ({ contents: patchCreate(await readFile(path, "utf8")), loader: "js" }));
  },
};
