// An esbuild plugin for scripts/build.mjs: the bundles' private copy of protobuf-es decodes with less
// garbage and finds each field's reader faster. On the bench's 128-task ListTasks page (138,110 bytes)
// a decode allocated 3.50 MB, most of it dead at once, and Node 20's young-generation collector charges
// each page for it (in a profile of the client at c=8, a third of its busy CPU was the collector). Four
// edits, each measured on that page:
//
// - Tags. `BinaryReader.tag()` returns `[fieldNo, wireType]`, a new array for every field it reads,
//   and protobuf-es' message, group and map decoders destructure it at once: 673 KB a page. The plugin
//   adds `tagBits()`, which checks the tag exactly as `tag()` does and returns it as one number, and has
//   those three decoders split it with `>>> 3` and `& 7`. `tag()` itself is kept for every other caller.
// - Short ASCII strings. `BinaryReader.string()` decodes a string of up to 32 bytes by copying its
//   bytes into a new `Array(len)` and handing that to `String.fromCharCode.apply`: 7,426 strings a
//   page, 875 KB of arrays that die at once (2.82 MB a page with them, 1.95 MB without). The plugin
//   keeps one array per length (0 to 32, made once) and fills that instead. Nothing can run between
//   the fill and the `apply` (no callback, no await), so a reused array never carries another
//   string's bytes; a non-ASCII byte still leaves for the UTF-8 decoder, as before. Tried and slower
//   in a decode loop: Buffer's latin1Slice, and `apply` on a subarray.
// - Unknown fields. The message and group decoders start every message with a new empty list for its
//   unknown fields and keep it only if one was read: 4,482 messages a page, an empty array each (about
//   140 KB). The plugin makes the list at the first unknown field. Decoding the page in a loop (Node 20,
//   12 alternating blocks of 100, three processes): 0.973, 0.981 and 0.989 of the time before.
// - Field lookup. Each message type's decoder finds the reader of a field by its number in a `Map`: a
//   hashed lookup for each of the page's 19,716 tags, less the keys and values of its map entries.
//   The plugin keeps the readers in an array indexed by number instead. The array has no prototype, so a number the type lacks finds nothing
//   even if someone has put indexed properties on `Array.prototype`. A very large field number (up to
//   2^29 − 1) makes V8 keep that array sparse rather than long. Decoding the page in a loop, on top of
//   the other edits and scripts/compiled-zero.mjs (alternating blocks of 40, one process each): 0.940
//   and 0.946 of the time on Node 20, 0.936 and 0.958 on Node 24.
//
// The copy is private (bundled, never exported), so nothing outside the bundle sees the change; each
// replacement must match the installed protobuf-es text exactly the expected number of times, so an
// upgrade that changes it fails the build instead of silently shipping a half-edited decoder.
// test/packaging/lean-decoder.test.ts proves the edited copy decodes exactly as the original, errors
// included.
import { readFile } from "node:fs/promises";

/** protobuf-es' files the plugin edits, by path under the package. */
const READER = "wire/binary-encoding.js";
const DECODER = "from-binary.js";

// tag() as protobuf-es 2.17.0 has it: its varint check, then the split and the checks on its parts.
const TAG_VARINT = `        const start = this.pos;
        const tag = this.uint32();
        const bytesRead = this.pos - start;
        if (bytesRead > 5 || (bytesRead == 5 && this.buf[this.pos - 1] > 0x0f)) {
            throw new Error("illegal tag: varint overflows uint32");
        }
`;
const TAG_METHOD = `    tag() {
${TAG_VARINT}        const fieldNo = tag >>> 3;
        const wireType = tag & 7;
        if (fieldNo <= 0 || wireType > 5) {
            throw new Error("illegal tag: field no " + fieldNo + " wire type " + wireType);
        }
        return [fieldNo, wireType];
    }
`;

// The same checks and messages as tag(), on the number it would split.
const TAG_BITS_METHOD = `    tagBits() {
${TAG_VARINT}        if (tag >>> 3 <= 0 || (tag & 7) > 5) {
            throw new Error("illegal tag: field no " + (tag >>> 3) + " wire type " + (tag & 7));
        }
        return tag;
    }
`;

// The ASCII fast path of string() as protobuf-es 2.17.0 has it: a new array per string, for lengths up
// to ASCII_MAX_LENGTH (matched with the array, so that a changed bound cannot outgrow ASCII_CODES).
const STRING_FAST_PATH = "        if (len <= ASCII_MAX_LENGTH) {\n            const codes = ";
const STRING_CODES = `${STRING_FAST_PATH}new Array(len);\n`;
// One array per length up to ASCII_MAX_LENGTH, packed small integers (what `apply` spreads fastest).
const ASCII_CODES = "const ASCII_CODES = Array.from({ length: ASCII_MAX_LENGTH + 1 }, (_, len) => Array.from({ length: len }, () => 0));\n";
const ASCII_MAX = "const ASCII_MAX_LENGTH = 32;\n";

// The message and group decoders' unknown fields as protobuf-es 2.17.0 keeps them: a new empty list for
// every message decoded (unless it already has one), set on the message only if something was added.
// The closed-enum reader's own list (indented deeper: each text starts at a line's start) is made only
// for an unknown value, and stays as it is.
const UNKNOWN_LIST = "\n        const unknownFields = (_a = message.$unknown) !== null && _a !== void 0 ? _a : [];\n";
const UNKNOWN_PUSH = "\n                    unknownFields.push(";
const UNKNOWN_SET = "\n        if (unknownFields.length > 0) {\n";

// Where protobuf-es 2.17.0 keeps each message type's field readers, by field number.
const FIELD_READERS = "const fieldReaders = new Map();";

/** Per file: [the text protobuf-es has, what replaces it, how many times it must occur]. */
const EDITS = {
  [READER]: [
    [TAG_METHOD, TAG_METHOD + TAG_BITS_METHOD, 1],
    [ASCII_MAX, ASCII_MAX + ASCII_CODES, 1],
    [STRING_CODES, `${STRING_FAST_PATH}ASCII_CODES[len];\n`, 1],
  ],
  [DECODER]: [
    // The message decoder and the map entry decoder.
    [
      "const [fieldNo, wireType] = reader.tag();",
      "const tagBits = reader.tagBits(), fieldNo = tagBits >>> 3, wireType = tagBits & 7;",
      2,
    ],
    // The group decoder, whose two variables outlive the loop.
    [
      "[recordFieldNo, wireType] = reader.tag();",
      "recordFieldNo = reader.tagBits();\n            wireType = recordFieldNo & 7;\n            recordFieldNo >>>= 3;",
      1,
    ],
    // The message and group decoders' unknown fields: a list only for a message that has one.
    [UNKNOWN_LIST, "\n        let unknownFields = message.$unknown;\n", 2],
    [UNKNOWN_PUSH, "\n                    (unknownFields ??= []).push(", 2],
    [UNKNOWN_SET, "\n        if (unknownFields != null && unknownFields.length > 0) {\n", 2],
    // Field readers in an array by number, not a Map (the group decoder's lookup reads recordFieldNo).
    [FIELD_READERS, "const fieldReaders = Object.setPrototypeOf([], null);", 1],
    ["fieldReaders.set(field.number, compileFieldReader(field));", "fieldReaders[field.number] = compileFieldReader(field);", 1],
    ["const fieldReader = fieldReaders.get(fieldNo);", "const fieldReader = fieldReaders[fieldNo];", 1],
    ["const fieldReader = fieldReaders.get(recordFieldNo);", "const fieldReader = fieldReaders[recordFieldNo];", 1],
  ],
};

/**
 * `source` (the text of protobuf-es' `file`, one of the two above) with the edits applied; throws when a
 * piece of text to replace does not occur exactly as often as expected.
 */
export function patchDecoder(file, source) {
  let text = source.replaceAll("\r\n", "\n");
  for (const [from, to, times] of EDITS[file] ?? []) {
    const found = text.split(from).length - 1;
    if (found !== times) {
      throw new Error(`lean-decoder: expected ${times} × ${JSON.stringify(from.trim().split("\n")[0])} in @bufbuild/protobuf/dist/esm/${file}, found ${found}: protobuf-es changed, review scripts/lean-decoder.mjs`);
    }
    text = text.replaceAll(from, to);
  }
  return text;
}

const FILES = new RegExp(`[\\\\/]@bufbuild[\\\\/]protobuf[\\\\/]dist[\\\\/]esm[\\\\/](${[READER, DECODER].map((f) => f.replaceAll(".", "\\.").replaceAll("/", "[\\\\/]")).join("|")})$`);

/** The esbuild plugin: applies {@link patchDecoder} to protobuf-es' ESM files as they are bundled. */
export const leanDecoder = {
  name: "lean-decoder",
  setup(build) {
    build.onLoad({ filter: FILES }, async ({ path }) => {
      const file = FILES.exec(path)[1].replaceAll("\\", "/");
      return { contents: patchDecoder(file, await readFile(path, "utf8")), loader: "js" };
    });
  },
};
