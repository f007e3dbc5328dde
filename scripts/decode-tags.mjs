// An esbuild plugin for scripts/build.mjs: the bundles' private copy of protobuf-es decodes a field's
// tag without allocating.
//
// protobuf-es' `BinaryReader.tag()` returns `[fieldNo, wireType]`, a new array for every field it reads,
// and its message, group and map decoders destructure it at once. On the bench's 128-task ListTasks page
// (138,110 bytes) that is 673 KB of the 3.50 MB a decode allocates (19%), garbage that Node 20's
// collector charges the page for. The plugin adds `tagBits()`, which checks the tag exactly as `tag()`
// does and returns it as one number, and has those three decoders split it with `>>> 3` and `& 7`.
// `tag()` itself is kept for every other caller. The copy is private (bundled, never exported), so
// nothing outside the bundle sees the change; each replacement must match the installed protobuf-es
// text exactly the expected number of times, so an upgrade that changes it fails the build instead of
// silently shipping the unpatched decoder. test/packaging/decode-tags.test.ts proves the patched copy
// decodes exactly as the original, errors included.
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

/** Per file: [the text protobuf-es has, what replaces it, how many times it must occur]. */
const EDITS = {
  [READER]: [[TAG_METHOD, TAG_METHOD + TAG_BITS_METHOD, 1]],
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
  ],
};

/**
 * `source` (the text of protobuf-es' `file`, one of the two above) with the edits applied; throws when a
 * piece of text to replace does not occur exactly as often as expected.
 */
export function patchDecodeTags(file, source) {
  let text = source.replaceAll("\r\n", "\n");
  for (const [from, to, times] of EDITS[file] ?? []) {
    const found = text.split(from).length - 1;
    if (found !== times) {
      throw new Error(`decode-tags: expected ${times} × ${JSON.stringify(from.trim().split("\n")[0])} in @bufbuild/protobuf/dist/esm/${file}, found ${found}: protobuf-es changed, review scripts/decode-tags.mjs`);
    }
    text = text.replaceAll(from, to);
  }
  return text;
}

const FILES = new RegExp(`[\\\\/]@bufbuild[\\\\/]protobuf[\\\\/]dist[\\\\/]esm[\\\\/](${[READER, DECODER].map((f) => f.replaceAll(".", "\\.").replaceAll("/", "[\\\\/]")).join("|")})$`);

/** The esbuild plugin: applies {@link patchDecodeTags} to protobuf-es' ESM files as they are bundled. */
export const decodeTags = {
  name: "decode-tags",
  setup(build) {
    build.onLoad({ filter: FILES }, async ({ path }) => {
      const file = FILES.exec(path)[1].replaceAll("\\", "/");
      return { contents: patchDecodeTags(file, await readFile(path, "utf8")), loader: "js" };
    });
  },
};
