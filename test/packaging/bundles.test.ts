// The README's esbuild recipe ("Bundling and CommonJS"), run as written on a small service against the
// package installed from its tarball. Each bundle is copied to a directory with no node_modules above
// it and makes a write and a read on both transports against the emulator. A service that does not
// import `clarifai-grpc-es/grpc-js` carries no grpc-js, and its grpc-js calls fail before sending; so
// do the grpc-js calls of the package installed alone, without @grpc/grpc-js.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, parse } from "node:path";
import { promisify } from "node:util";
import { transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { packOnce, root, type PackedPackage } from "../support/build.js";
import { writeAndRead } from "./consumer-code.js";

const run = promisify(execFile);
const account = { pat: "bundle-pat", userId: "bundle-user", appId: "bundle-app" };

/** The `npx esbuild …` commands of the README's "Bundling and CommonJS" section, continuation lines joined. */
async function recipe(): Promise<string[]> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = /^## Bundling and CommonJS\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const shell = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.replace(/\\\n\s*/g, "")).join("\n");
  return shell.split("\n").filter((line) => line.startsWith("npx esbuild "));
}

/** A service as a user writes it: one write and one read, printing the result or the error it got. */
function service(optInToGrpcJs: boolean): string {
  return `import { ClarifaiClient, isClarifaiError, labelingTask } from "clarifai-grpc-es";
${optInToGrpcJs ? 'import "clarifai-grpc-es/grpc-js";\n' : ""}
async function main(): Promise<void> {
  const [baseUrl, transport] = process.argv.slice(2) as [string, "connect" | "grpc-js"];
  const client = new ClarifaiClient({ ...${JSON.stringify(account)}, baseUrl, transport, retry: false });
  try {
    ${writeAndRead("client", '"bundled " + transport')}
    console.log(JSON.stringify({ ok: true, name: got.name }));
  } catch (e) {
    if (!isClarifaiError(e)) throw e;
    console.log(JSON.stringify({ ok: false, name: e.name, grpcCode: e.grpcCode, outcomeUnknown: e.outcomeUnknown, message: e.message }));
  } finally {
    await client.close();
  }
}
void main();
`;
}

interface Bundle {
  readonly service: "with grpc-js" | "connect only";
  readonly format: "esm" | "cjs";
  /** The bundle, alone in a directory of its own. */
  readonly file: string;
  readonly bytes: number;
  readonly text: string;
}

let packed: PackedPackage;
let emulator: Emulator;
let work: string;
const bundles: Bundle[] = [];

beforeAll(async () => {
  packed = await packOnce();
  emulator = await startEmulator({ users: { [account.pat]: account.userId } });
  const commands = await recipe();
  expect(commands.map((c) => /--format=(\w+)/.exec(c)?.[1]).sort()).toEqual(["cjs", "esm"]);
  work = await mkdtemp(join(packed.consumer, "bundles-"));
  for (const [name, optIn] of [["with grpc-js", true], ["connect only", false]] as const) {
    const project = join(work, name.replace(" ", "-"));
    await mkdir(project);
    await writeFile(join(project, "main.ts"), service(optIn));
    for (const command of commands) {
      // As a user runs it, but with our esbuild rather than whatever npx would fetch.
      const { stderr } = await run("bash", ["-c", command.replace(/^npx esbuild /, `"${join(root, "node_modules/.bin/esbuild")}" `)], { cwd: project });
      expect(stderr, `esbuild warned: ${command}`).toBe("");
      const output = join(project, /--outfile=(\S+)/.exec(command)![1]!);
      const alone = await mkdtemp(join(tmpdir(), "clarifai-bundle-"));
      const file = join(alone, basename(output));
      await copyFile(output, file);
      bundles.push({ service: name, format: /--format=cjs/.test(command) ? "cjs" : "esm", file, bytes: (await stat(file)).size, text: await readFile(file, "utf8") });
    }
  }
  console.log(
    ["bundle sizes (README recipe, esbuild, not minified):", ...bundles.map((b) => `  ${b.service.padEnd(12)} ${b.format}  ${(b.bytes / 1024).toFixed(0).padStart(5)} KB`)].join("\n"),
  );
}, 240_000);

afterAll(async () => {
  await emulator?.close();
  await Promise.all(bundles.map((b) => rm(dirname(b.file), { recursive: true, force: true })));
  if (work) await rm(work, { recursive: true, force: true });
});

async function call(bundle: Bundle, transport: "connect" | "grpc-js"): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [bundle.file, emulator.baseUrl, transport], { cwd: dirname(bundle.file) });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const tasks = () => emulator.store.countTasks(account.userId, account.appId);

it("copies each bundle where no node_modules can be found", () => {
  expect(bundles).toHaveLength(4);
  for (const b of bundles) {
    for (let dir = dirname(b.file); ; dir = dirname(dir)) {
      expect(existsSync(join(dir, "node_modules")), dir).toBe(false);
      if (dir === parse(dir).root) break;
    }
  }
});

describe.each(["esm", "cjs"] as const)("%s bundles", (format) => {
  const find = (service: Bundle["service"]) => bundles.find((b) => b.service === service && b.format === format)!;

  it.each(["connect", "grpc-js"] as const)("with clarifai-grpc-es/grpc-js imported: a write and a read over %s", async (transport) => {
    const before = tasks();
    expect(await call(find("with grpc-js"), transport)).toEqual({ ok: true, name: `bundled ${transport}` });
    expect(tasks()).toBe(before + 1);
  });

  it("without it: connect works, and the bundle carries no grpc-js", async () => {
    const before = tasks();
    expect(await call(find("connect only"), "connect")).toEqual({ ok: true, name: "bundled connect" });
    expect(tasks()).toBe(before + 1);
    // esbuild names each bundled module in a comment: the bundle that opted in shows grpc-js' files.
    expect(find("with grpc-js").text).toContain("node_modules/@grpc/grpc-js/");
    expect(find("connect only").text).not.toContain("node_modules/@grpc/grpc-js/");
    expect(find("connect only").bytes).toBeLessThan(find("with grpc-js").bytes / 2);
  });

  it("without it: transport grpc-js fails before sending, as a ClarifaiError that says what to do", async () => {
    const before = tasks();
    const result = await call(find("connect only"), "grpc-js");
    expect(result).toMatchObject({ ok: false, name: "ClarifaiError", grpcCode: Code.FailedPrecondition, outcomeUnknown: false });
    expect(result["message"]).toMatch(/nothing was sent: this copy of clarifai-grpc-es was bundled without it/);
    expect(result["message"]).toContain('import "clarifai-grpc-es/grpc-js";');
    expect(tasks()).toBe(before);
  });
});

describe("the package installed without @grpc/grpc-js, not bundled", () => {
  let alone: string;
  let file: string;

  beforeAll(async () => {
    // Only the package itself: protobuf-es and connect are inside its bundles, grpc-js is missing.
    alone = await mkdtemp(join(tmpdir(), "clarifai-no-grpc-js-"));
    await cp(packed.installed, join(alone, "node_modules/clarifai-grpc-es"), { recursive: true });
    file = join(alone, "service.mjs");
    await writeFile(file, (await transform(service(false), { loader: "ts" })).code);
  });

  afterAll(async () => {
    if (alone) await rm(alone, { recursive: true, force: true });
  });

  const callAlone = async (transport: string) => JSON.parse((await run(process.execPath, [file, emulator.baseUrl, transport], { cwd: alone })).stdout) as Record<string, unknown>;

  it("needs nothing else for connect", async () => {
    expect(await callAlone("connect")).toEqual({ ok: true, name: "bundled connect" });
  });

  it("fails transport grpc-js before sending, naming the missing package", async () => {
    const before = tasks();
    const result = await callAlone("grpc-js");
    expect(result).toMatchObject({ ok: false, name: "ClarifaiError", grpcCode: Code.FailedPrecondition, outcomeUnknown: false });
    expect(result["message"]).toMatch(/could not be loaded, so nothing was sent: Cannot find package '@grpc\/grpc-js'/);
    expect(tasks()).toBe(before);
  });
});
