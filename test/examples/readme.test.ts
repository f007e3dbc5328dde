// The README's "Inside a gRPC service" is built from the examples: every line of its code that calls
// the client or one of the service helpers is a line of an example's handler, so the code the README
// shows is the code test/examples runs (the README test type-checks and runs the block itself).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../support/build.js";

const readme = await readFile(join(root, "README.md"), "utf8");
const section = /^## Inside a gRPC service\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
const code = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).join("\n");
const handlers = await Promise.all(["examples/grpc-js/orchestrator.ts", "examples/connect/orchestrator.ts"].map((f) => readFile(join(root, f), "utf8")));
const exampleLines = new Set(handlers.flatMap((source) => source.split("\n").map((line) => line.trim())));

describe('README "Inside a gRPC service"', () => {
  const essential = code
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /\bclient\.|fromGrpcJsCall|fromConnectContext|toGrpcStatus|toConnectError/.test(line));

  it("shows both helpers and both conversions", () => {
    for (const name of ["fromGrpcJsCall(call)", "fromConnectContext(ctx)", "toGrpcStatus(", "toConnectError()"]) expect(code).toContain(name);
  });

  it("shows the examples' own lines", () => {
    expect(essential.length).toBeGreaterThanOrEqual(8);
    expect(essential.filter((line) => !exampleLines.has(line))).toEqual([]);
  });
});
