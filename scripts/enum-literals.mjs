// A step of scripts/build.mjs on each bundle's output: the objects of the generated TypeScript enums
// built by `JSON.parse` of their final contents instead of by the statements esbuild compiles an enum
// to. esbuild writes `enum StatusCode { ZERO = 0, … }` as a function run at import that sets each
// member and its reverse mapping, `StatusCode2[StatusCode2["ZERO"] = 0] = "ZERO";`, one statement per
// value: for StatusCode's 433 values V8 compiled that function in about 1 ms and ran it in about 2 (Node
// 20, fresh processes), turning the object into a dictionary as it went; `JSON.parse` of the same
// object's JSON took 0.3 and 0.6. The sources' own uses of a member are unchanged: esbuild has already
// put the member's number in their place.
//
// The object is the same: JSON.parse creates the keys in the order of the JSON, which is the order of
// the object the statements build (integer keys ascending, then the others in the order they were
// set), and values are numbers and strings only. Every enum function in the output must match the
// expected shape exactly, or the build fails rather than ship one built the old way beside the others;
// test/packaging/enums.test.ts compares every enum the package exports with the sources'.

/**
 * `var Name = /* @__PURE__ *\/ ((Name2) => {`, esbuild's opening of a compiled TypeScript enum; in a
 * module esbuild sets up lazily (a file with no chunks, see build.mjs), indented and without `var`.
 */
const OPENING = /^( *)(var )?(\w+) = \/\* @__PURE__ \*\/ \(\((\w+)\) => \{$/gm;
/** One numeric member with its reverse mapping; esbuild writes numbers as short as it can (`1e4`). */
const MEMBER = /^(\w+)\[\1\[("(?:[^"\\]|\\.)*")\] = (-?[0-9.e+]+)\] = ("(?:[^"\\]|\\.)*");$/;

/**
 * `text` with each compiled enum built by `JSON.parse`. Throws if an enum's function has anything but
 * numeric members with their reverse mappings.
 * @param {string} text an output file of esbuild
 * @returns {string}
 */
export function enumLiterals(text) {
  let out = "";
  let from = 0;
  for (const opening of text.matchAll(OPENING)) {
    const [line, indent, declaration = "", name, param] = opening;
    const closing = `\n${indent}  return ${param};\n${indent}})(${name} || {});`;
    const bodyStart = opening.index + line.length;
    const end = text.indexOf(closing, bodyStart);
    if (end < 0) throw new Error(`enum-literals: the enum ${name} does not end as expected`);
    const enumObject = {};
    for (const member of text.slice(bodyStart + 1, end).split("\n")) {
      const m = member.startsWith(`${indent}  `) ? MEMBER.exec(member.slice(indent.length + 2)) : null;
      const key = m && JSON.parse(m[2]);
      if (!m || m[1] !== param || key !== JSON.parse(m[4])) throw new Error(`enum-literals: unexpected line in the enum ${name}: ${member}`);
      const value = Number(m[3]);
      if (!Number.isFinite(value)) throw new Error(`enum-literals: ${name}.${key} is not a number: ${m[3]}`);
      enumObject[(enumObject[key] = value)] = key;
    }
    const json = JSON.stringify(enumObject);
    // In single quotes, as esbuild prints the descriptors' JSON: no escaped double quotes to read.
    const literal = /['\\\n\r\u2028\u2029]/.test(json) ? JSON.stringify(json) : `'${json}'`;
    out += text.slice(from, opening.index) + `${indent}${declaration}${name} = /* @__PURE__ */ JSON.parse(${literal});`;
    from = end + closing.length;
  }
  return out + text.slice(from);
}
