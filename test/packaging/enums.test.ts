// The package as built reads each generated enum's object from JSON (scripts/enum-literals.mjs) where
// the sources' compiled TypeScript sets it member by member. The two must be the same object: the
// same keys in the same order (what `Object.keys`, `for…in` and JSON see), the same values, both ways
// (`StatusCode.SUCCESS === 10000`, `StatusCode[10000] === "SUCCESS"`).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { enumLiterals } from "../../scripts/enum-literals.mjs";
import { buildOnce, root } from "../support/build.js";

/** The generated files, relative to gen/ and dist/gen/, without their extension. */
async function genFiles(): Promise<string[]> {
  const files = await readdir(join(root, "gen"), { recursive: true });
  return files.filter((f) => f.endsWith("_pb.ts")).map((f) => f.replace(/\.ts$/, ""));
}

/** The enums a generated module exports, by name: the exports whose `…Schema` is an enum descriptor. */
function enums(module: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const [name, value] of Object.entries(module)) {
    const schema = module[`${name}Schema`] as { kind?: string } | undefined;
    if (schema?.kind === "enum") found.set(name, value as Record<string, unknown>);
  }
  return found;
}

beforeAll(buildOnce, 240_000);

describe("the built package's enums", () => {
  it("are the sources' objects, keys in the same order, in every ./gen/* file", async () => {
    let count = 0;
    let declared = 0;
    for (const file of await genFiles()) {
      declared += (await readFile(join(root, "gen", `${file}.ts`), "utf8")).match(/^export enum \w+ \{$/gm)?.length ?? 0;
      const source = enums((await import(pathToFileURL(join(root, "gen", `${file}.ts`)).href)) as Record<string, unknown>);
      const shipped = enums((await import(pathToFileURL(join(root, "dist/gen", `${file}.js`)).href)) as Record<string, unknown>);
      expect([...shipped.keys()].sort(), file).toEqual([...source.keys()].sort());
      for (const [name, object] of source) {
        expect(Object.entries(shipped.get(name)!), `${file} ${name}`).toEqual(Object.entries(object));
        expect(Object.getPrototypeOf(shipped.get(name)), name).toBe(Object.prototype);
        count++;
      }
    }
    // StatusCode, with its 433 values, among them.
    const { StatusCode } = (await import(pathToFileURL(join(root, "dist/gen/clarifai/api/status/status_code_pb.js")).href)) as { StatusCode: Record<string | number, unknown> };
    const names = Object.keys(StatusCode).filter((key) => !/^-?\d+$/.test(key));
    expect([StatusCode["SUCCESS"], StatusCode[10000], names.length]).toEqual([10000, "SUCCESS", 433]);
    // Every enum the generated files declare was compared.
    expect(count).toBe(declared);
    expect(count).toBeGreaterThan(1);
  });

  it("are not built member by member in any bundle", async () => {
    const dir = join(root, "dist/src");
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".js"));
    const left: string[] = [];
    for (const file of files) {
      const text = await readFile(join(dir, file), "utf8");
      // At the top of a file, or in a module esbuild sets up lazily (indented, without `var`).
      for (const m of text.matchAll(/^ *(?:var )?(\w+) = \/\* @__PURE__ \*\/ \(\((\w+)\) => \{\n *\2\[\2\["/gm)) left.push(`${file}: ${m[1]}`);
    }
    expect(left).toEqual([]);
  });
});

describe("enumLiterals", () => {
  const compiled = (name: string, members: string) =>
    `var ${name} = /* @__PURE__ */ ((${name}2) => {\n${members}  return ${name}2;\n})(${name} || {});\n`;

  it("keeps the order a compiled enum makes, negative and large values included, and the code around it", () => {
    const members = ['  E2[E2["Z"] = 0] = "Z";\n', '  E2[E2["NEG"] = -1] = "NEG";\n', '  E2[E2["BIG"] = 1e4] = "BIG";\n', '  E2[E2["A"] = 2] = "A";\n'].join("");
    const text = `let before = 1;\n${compiled("E", members)}let after = 2;\n`;
    const out = enumLiterals(text);
    expect(out.startsWith("let before = 1;\nvar E = /* @__PURE__ */ JSON.parse('")).toBe(true);
    expect(out.endsWith(";\nlet after = 2;\n")).toBe(true);
    const run = (code: string) => new Function(`${code}; return E;`)() as Record<string, unknown>;
    expect(Object.entries(run(out))).toEqual(Object.entries(run(text)));
    expect(Object.keys(run(out))).toEqual(["0", "2", "10000", "Z", "NEG", "-1", "BIG", "A"]);
  });

  it("does the same inside a module esbuild sets up lazily: indented, assigned without `var`", () => {
    const text =
      'var E;\nvar init_e = __esm({\n  "e.ts"() {\n    E = /* @__PURE__ */ ((E2) => {\n      E2[E2["Z"] = 0] = "Z";\n      E2[E2["A"] = 7] = "A";\n      return E2;\n    })(E || {});\n  }\n});\n';
    const out = enumLiterals(text);
    expect(out).toContain(`\n    E = /* @__PURE__ */ JSON.parse('{"0":"Z","7":"A","Z":0,"A":7}');\n  }\n});\n`);
    const run = (code: string) => new Function(`const __esm = (m) => () => Object.values(m)[0](); ${code}; init_e(); return E;`)() as Record<string, unknown>;
    expect(Object.entries(run(out))).toEqual(Object.entries(run(text)));
    // A member indented differently from its opening is not one of its members.
    expect(() => enumLiterals(text.replace('    E2[E2["A"]', '  E2[E2["A"]'))).toThrow(/unexpected line in the enum E/);
  });

  it("fails on an enum it does not recognize instead of leaving it as it was", () => {
    expect(() => enumLiterals(compiled("S", '  S2["A"] = "a";\n'))).toThrow(/unexpected line in the enum S/);
    expect(() => enumLiterals(compiled("T", '  T2[T2["A"] = 0] = "B";\n'))).toThrow(/unexpected line in the enum T/);
    expect(() => enumLiterals('var U = /* @__PURE__ */ ((U2) => {\n  U2[U2["A"] = 0] = "A";\n})(U || (U = {}));\n')).toThrow(/does not end as expected/);
  });
});
