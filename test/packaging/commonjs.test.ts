// CommonJS consumers of the packed package, installed from its tarball: a `.cjs` script that
// `require()`s the client and the emulator, and a CommonJS TypeScript project (`"type": "commonjs"`,
// `"module": "nodenext"`) that type-checks against the shipped declarations, compiles to `require()`
// calls and runs. Both make a write and a read on each transport.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { packOnce, root, type PackedPackage } from "../support/build.js";
import { writeAndRead } from "./consumer-code.js";

const run = promisify(execFile);
let packed: PackedPackage;
let work: string;

beforeAll(async () => {
  packed = await packOnce();
  work = await mkdtemp(join(packed.consumer, "commonjs-"));
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

// The same scenario in both consumers: the emulator from clarifai-grpc-es/testing, then on each
// transport one create and one get, printing what came back.
const scenario = (types: boolean) => `
async function main()${types ? ": Promise<void>" : ""} {
  const emulator = await startEmulator({ users: { "cjs-pat": "cjs-user" } });
  const results${types ? ": Record<string, string>" : ""} = {};
  try {
    for (const transport of ["connect", "grpc-js"] as const) {
      const client = new ClarifaiClient({ pat: "cjs-pat", userId: "cjs-user", appId: "cjs-app", baseUrl: emulator.baseUrl, transport });
      ${writeAndRead("client", '"from CommonJS over " + transport')}
      results[transport] = got.name + " " + statusCodeName(got.status${types ? "!" : ""}.code);
      await client.close();
    }
  } finally {
    await emulator.close();
  }
  console.log(JSON.stringify(results));
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
`;

const expected = {
  connect: "from CommonJS over connect TASK_IN_PROGRESS",
  "grpc-js": "from CommonJS over grpc-js TASK_IN_PROGRESS",
};

it("a .cjs script require()s the client and the emulator and calls over both transports, with no warning", async () => {
  const file = join(work, "main.cjs");
  await writeFile(
    file,
    `"use strict";
const { ClarifaiClient, labelingTask, statusCodeName } = require("clarifai-grpc-es");
const { startEmulator } = require("clarifai-grpc-es/testing");
${scenario(false).replace(" as const", "")}`,
  );
  const { stdout, stderr } = await run(process.execPath, [file], { cwd: work });
  expect(JSON.parse(stdout)).toEqual(expected);
  // Node's require() of an ES module once came with an ExperimentalWarning; none on the Nodes we support.
  expect(stderr).toBe("");
}, 60_000);

it("a CommonJS TypeScript project (module nodenext) type-checks against the declarations, compiles to require() and runs", async () => {
  const project = join(work, "ts");
  await mkdir(project);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "ts-consumer", private: true, type: "commonjs" }));
  await writeFile(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, outDir: "out", types: ["node"], skipLibCheck: false },
      include: ["main.ts"],
    }),
  );
  await writeFile(
    join(project, "main.ts"),
    `import { ClarifaiClient, labelingTask, statusCodeName, type ClarifaiError, type Task } from "clarifai-grpc-es";
import { startEmulator } from "clarifai-grpc-es/testing";
import { TaskSchema } from "clarifai-grpc-es/gen/clarifai/api/resources_pb";
import "clarifai-grpc-es/grpc-js";

// Types from the shipped declarations, not \`any\`: each line below fails to compile if they were wrong.
export const typeName: "clarifai.api.Task" = TaskSchema.typeName;
export function describeFailure(e: ClarifaiError): string {
  return e.grpcCode + " " + e.outcomeUnknown;
}
export function nameOf(task: Task): string {
  return task.name;
}
export function misuse(): void {
  // @ts-expect-error: the builders take enum names, and this is not one
  labelingTask({ name: "x", type: "NOT_A_TASK_TYPE", concepts: [], workers: { strategy: "DYNAMIC", users: [] }, inputSource: { type: "ALL_INPUTS" } });
}
${scenario(true)}`,
  );
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  await run(process.execPath, [tsc, "-p", project], { cwd: project }).catch((e: { stdout?: string }) => {
    throw new Error(`tsc failed:\n${e.stdout}`);
  });
  const emitted = await readFile(join(project, "out/main.js"), "utf8");
  expect(emitted).toContain('require("clarifai-grpc-es")');
  expect(emitted).toContain('require("clarifai-grpc-es/grpc-js")');
  const { stdout, stderr } = await run(process.execPath, [join(project, "out/main.js")], { cwd: project });
  expect(JSON.parse(stdout)).toEqual(expected);
  expect(stderr).toBe("");
}, 120_000); // tsc checks @types/node and our dependencies' declarations too (skipLibCheck off)
