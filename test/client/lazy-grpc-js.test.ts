// Importing the package must not load @grpc/grpc-js: a client on the default connect transport should
// not pay grpc-js's start-up cost (see bench cold start). Checked in a fresh process on the built entry,
// where nothing else has loaded it already.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, expect, it } from "vitest";
import { buildOnce, root } from "../support/build.js";

beforeAll(buildOnce, 120_000);

const probe = `
import { createRequire } from "node:module";
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("@grpc/grpc-js"));
const { ClarifaiClient } = await import(${JSON.stringify(path.join(root, "dist/src/index.js"))});
const atImport = loaded();
const client = new ClarifaiClient({ pat: "probe-pat", userId: "u", appId: "a", baseUrl: "http://127.0.0.1:1", transport: "grpc-js", timeoutMs: 2000, retry: false });
const afterConstruct = loaded();
const error = await client.tasks.get("t").catch((e) => e);
await client.close();
console.log(JSON.stringify({ atImport, afterConstruct, afterCall: loaded(), error: error.constructor.name }));
`;

it("loads grpc-js only when a grpc-js client makes its first call", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", probe], { cwd: root });
  expect(JSON.parse(stdout)).toEqual({ atImport: false, afterConstruct: false, afterCall: true, error: "UnavailableError" });
});
