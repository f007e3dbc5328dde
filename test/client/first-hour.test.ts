// What a new user meets first, answered with what to do: a base URL without a scheme against a
// plaintext server, an untrusted certificate, a refused key (and where it came from), and one
// request-scoped signal shared by many calls.
import { ClarifaiClient, ClarifaiError, Code } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRANSPORTS } from "../fault/harness.js";

const certs = new URL("../support/certs/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, certs), "utf8");

let plain: Emulator;
let tls: Emulator;
beforeAll(async () => {
  plain = await startEmulator();
  tls = await startEmulator({ tls: { key: read("server.key"), cert: read("server.crt") } });
});
afterAll(async () => {
  await plain.close();
  await tls.close();
});

describe.each(TRANSPORTS)("over %s", (transport) => {
  const make = (options: ConstructorParameters<typeof ClarifaiClient>[0]) =>
    new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "first-hour", transport, retry: false, timeoutMs: 3000, ...options });

  it("a base URL without a scheme means TLS; against a plaintext server the error says so and shows the http:// form", async () => {
    const client = make({ baseUrl: plain.address });
    const e = (await client.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(ClarifaiError);
    expect(e.grpcCode).toBe(Code.Unavailable);
    expect(e.hint).toContain(`the server at ${plain.address} does not speak TLS`);
    expect(e.message).toContain(`"http://${plain.address}"`);
    // No certificate advice: the server has no certificate at all.
    expect(e.message).not.toMatch(/certificate|tls: \{ ca \}/);
    expect(e.outcomeUnknown).toBe(false);
    await client.close();
    // The form it suggests works.
    const fixed = make({ baseUrl: `http://${plain.address}` });
    expect(Array.isArray(await fixed.tasks.list())).toBe(true);
    await fixed.close();
  });

  it("an untrusted certificate gets certificate advice, and nothing about plaintext", async () => {
    const client = make({ baseUrl: tls.baseUrl });
    const e = (await client.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    expect(e.hint).toMatch(/certificate is not trusted \(pass `tls: \{ ca \}`/);
    expect(e.message).not.toMatch(/does not speak TLS/);
    await client.close();
  });

  it("a refused key says where it came from: the pat option, CLARIFAI_PAT, nowhere, or the call's header", async () => {
    const fromOption = make({ baseUrl: plain.baseUrl, pat: "not-a-real-key" });
    const e1 = (await fromOption.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    expect(e1.codeName).toBe("CONN_KEY_INVALID");
    expect(e1.grpcCode).toBe(Code.Unauthenticated);
    expect(e1.message).toContain("the key came from the `pat` option");
    expect(e1.message).not.toContain("not-a-real-key");

    const saved = process.env["CLARIFAI_PAT"];
    process.env["CLARIFAI_PAT"] = "not-a-real-key-from-env";
    try {
      const { pat: _, ...withoutPat } = { pat: "", baseUrl: plain.baseUrl };
      const fromEnv = new ClarifaiClient({ ...withoutPat, userId: "emulator-user", appId: "first-hour", transport, retry: false });
      const e2 = (await fromEnv.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
      expect(e2.message).toContain("the key came from the CLARIFAI_PAT environment variable");
      expect(e2.message).not.toContain("not-a-real-key-from-env");
      await fromEnv.close();
    } finally {
      if (saved === undefined) delete process.env["CLARIFAI_PAT"];
      else process.env["CLARIFAI_PAT"] = saved;
    }

    const none = make({ baseUrl: plain.baseUrl, pat: "" });
    const e3 = (await none.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    expect(e3.message).toContain("no key was sent: set the `pat` option or CLARIFAI_PAT");

    const e4 = (await fromOption.tasks.list({}, { headers: { authorization: "Key per-call-wrong" } }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e4.message).toContain("the key came from this call's `authorization` header");
    expect(e4.message).not.toContain("per-call-wrong");
    for (const c of [fromOption, none]) await c.close();
  });

  it("one caller signal shared by many concurrent calls prints no warning, and aborting it ends them all", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const client = make({ baseUrl: plain.baseUrl });
      const request = new AbortController();
      const pages = await Promise.all(Array.from({ length: 50 }, () => client.tasks.list({}, { signal: request.signal })));
      expect(pages).toHaveLength(50);
      // Held calls on a server that never answers: the shared abort ends every one as CANCELLED.
      const calls = Array.from({ length: 30 }, () => client.tasks.list({}, { signal: request.signal, timeoutMs: 60_000 }).catch((x: unknown) => x));
      request.abort(new Error("request finished"));
      for (const e of await Promise.all(calls)) {
        // A call the server answered before the abort is fine too; every other one is CANCELLED.
        if (e instanceof ClarifaiError) expect(e.grpcCode).toBe(Code.Canceled);
        else expect(Array.isArray(e)).toBe(true);
      }
      await client.close();
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});
