// Security: TLS is verified by default (a self-signed server is refused unless its CA is given),
// plaintext only for an explicit http:// URL, the PAT never leaks (errors, stacks, JSON, inspect, logs,
// and not onto a non-TLS wire), and a PAT that could inject headers is refused at construction.
import { ClarifaiClient, ClarifaiError } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import net from "node:net";
import { once } from "node:events";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { guardEachTest } from "../support/hostile/process-guard.js";
import { expectNoSecret, renderings } from "../support/renderings.js";
import { startH2Server } from "../support/hostile/servers.js";
import { respondOk } from "../support/hostile/grpc-wire.js";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { MultiTaskResponseSchema, StatusCode } from "clarifai-grpc-es";
import { ALL_TRANSPORTS, clientFor, expectTypedError, TRANSPORTS, USER, validTask } from "./harness.js";

const certs = new URL("../support/certs/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, certs), "utf8");
const CA = read("ca.crt");

/** A PAT shaped like a real one, known to no server here (except where a test adds it). */
const SECRET = "9f1c2b7e4d5a46c3b8e0f2a1d3c4b5a6";

guardEachTest();
let tlsEmulator: Emulator;
let plainEmulator: Emulator;
beforeAll(async () => {
  tlsEmulator = await startEmulator({ tls: { key: read("server.key"), cert: read("server.crt") } });
  plainEmulator = await startEmulator({ users: { [SECRET]: USER } });
});
afterAll(async () => {
  await tlsEmulator.close();
  await plainEmulator.close();
});

describe.each(TRANSPORTS)("TLS over %s", (transport) => {
  it("a self-signed server is refused by default, with a typed error that says why; nothing reaches the API", async () => {
    const client = clientFor(transport, tlsEmulator.baseUrl, { appId: `tls-refused-${transport}` });
    const error = await expectTypedError(client.tasks.create(validTask("must not arrive")), 1000);
    expect(error.codeName).toBe("UNAVAILABLE");
    expect(error.message).toMatch(/certificate|TLS/i);
    expect(tlsEmulator.store.countTasks("emulator-user", `tls-refused-${transport}`)).toBe(0);
    await client.close();
  });

  it("the same server is accepted when its CA is given", async () => {
    const client = clientFor(transport, tlsEmulator.baseUrl, { appId: "tls", tls: { ca: CA } });
    const [task] = await client.tasks.create([validTask("over TLS")]);
    expect(task!.id).toBeTruthy();
    expect(tlsEmulator.store.countTasks("emulator-user", "tls")).toBeGreaterThanOrEqual(1);
    await client.close();
  });

  it("a CA that did not sign the server is refused too (hostname-valid is not enough)", async () => {
    // The server certificate is not a CA: trusting it as one must not make the chain valid.
    const client = clientFor(transport, tlsEmulator.baseUrl, { tls: { ca: read("server.crt") } });
    await expectTypedError(client.tasks.list(), 1000);
    await client.close();
  });
});

describe.each(ALL_TRANSPORTS)("plaintext only on explicit http:// over %s", (transport) => {
  /** A TCP server that records everything a client sends it, then hangs up. */
  async function recorder(): Promise<{ port: number; received: () => Buffer; close(): Promise<void> }> {
    const chunks: Buffer[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
      s.on("data", (d: Buffer) => {
        chunks.push(d);
        s.destroy();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return {
      port: (server.address() as net.AddressInfo).port,
      received: () => Buffer.concat(chunks),
      close: () => {
        for (const s of sockets) s.destroy();
        return new Promise((r) => server.close(() => r()));
      },
    };
  }

  for (const form of ["https://127.0.0.1:PORT", "127.0.0.1:PORT"]) {
    it(`"${form}" speaks TLS: the PAT never crosses the wire in clear`, async () => {
      const rec = await recorder();
      const client = clientFor(transport, form.replace("PORT", String(rec.port)), { pat: SECRET });
      await expectTypedError(client.tasks.list(), 1000);
      const bytes = rec.received();
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes[0]).toBe(0x16); // a TLS handshake record, not the HTTP/2 preface "PRI * HTTP/2.0"
      expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
      await client.close();
      await rec.close();
    });
  }

  it("http:// is plaintext h2c and works against a plaintext server", async () => {
    const client = clientFor(transport, plainEmulator.baseUrl, { pat: SECRET });
    expect(Array.isArray(await client.tasks.list())).toBe(true);
    await client.close();
  });
});

describe.each(TRANSPORTS)("the PAT never leaks, over %s", (transport) => {
  it("not from a refused key, a server that echoes it back, or a dead endpoint — in no rendering and no log line", async () => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug", "trace"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void logged.push(args.map((a) => inspect(a)).join(" "))),
    );
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (logged.push(String(chunk)), true));
    // A hostile server that echoes the authorization header through every channel a status has: the
    // status message, a text header, a binary header, and a google.rpc.Status in grpc-status-details-bin
    // whose message and detail carry it too.
    const echo = await startH2Server((stream, headers) => {
      const key = String(headers["authorization"]);
      stream.resume();
      stream.once("end", () =>
        stream.respond(
          {
            ":status": 200,
            "content-type": "application/grpc",
            "grpc-status": "16",
            "grpc-message": `bad key: ${key}`,
            "x-echo": key,
            "x-echo-bin": Buffer.from(key).toString("base64"),
            "grpc-status-details-bin": Buffer.from(rpcStatus(16, `bad key: ${key}`, "type.googleapis.com/google.rpc.DebugInfo", debugInfo(key))).toString("base64"),
          },
          { endStream: true },
        ),
      );
    });
    try {
      const errors: unknown[] = [];
      const refused = clientFor(transport, tlsEmulator.baseUrl, { pat: SECRET, tls: { ca: CA } }); // key unknown there
      errors.push(await expectTypedError(refused.tasks.list(), 1000));
      const echoed = clientFor(transport, echo.baseUrl, { pat: SECRET });
      const e = await expectTypedError(echoed.tasks.get("t"), 1000);
      // The echo did happen: the server had the key (it is sent), the error just does not carry it.
      expect(e.description).toContain("bad key: Key ");
      errors.push(e);
      const dead = clientFor(transport, "http://127.0.0.1:1", { pat: SECRET });
      errors.push(await expectTypedError(dead.tasks.get("t"), 1000));
      // The raw `v2` client throws connect's errors as they are: scrubbed too.
      const raw = await echoed.v2.getTask({ taskId: "t" }).then(() => undefined, (x: unknown) => x);
      expect(raw).toBeInstanceOf(Error);
      errors.push(raw);
      // What a service passes on to its own caller carries the server's details: clean too.
      errors.push(e.toConnectError());
      console.error(e);
      console.error(raw);
      const clients = [refused, echoed, dead, new ClarifaiClient({ pat: SECRET, userId: "u", appId: "a", baseUrl: "http://127.0.0.1:1", transport })];
      const texts = [
        ...errors.flatMap(renderings),
        ...clients.flatMap((c) => [inspect(c, { depth: 20, showHidden: true }), JSON.stringify(c), String(c)]),
        ...logged,
      ];
      // The key in any form: as text, in bytes, or base64-encoded (a `-bin` header).
      expectNoSecret(texts, SECRET);
      for (const c of clients) await c.close();
    } finally {
      for (const s of spies) s.mockRestore();
      stderr.mockRestore();
      await echo.close();
    }
  });
});

describe.each(TRANSPORTS)("the PAT never leaks through a MIXED_STATUS item, over %s", (transport) => {
  it("a server that echoes the key in an item's status: no rendering of the error carries it", async () => {
    // Answers PostTasks with MIXED_STATUS: the first item fine, the second's status quoting the
    // authorization header in every text field it has.
    const echo = await startH2Server((stream, headers) => {
      const key = String(headers["authorization"]);
      stream.resume();
      stream.once("end", () =>
        respondOk(
          stream,
          toBinary(
            MultiTaskResponseSchema,
            create(MultiTaskResponseSchema, {
              status: { code: StatusCode.MIXED_STATUS, description: "Mixed status" },
              tasks: [
                { id: "ok", status: { code: StatusCode.SUCCESS, description: "Ok" } },
                {
                  id: `bad-${key}`,
                  status: {
                    code: StatusCode.TASK_CONFLICT,
                    description: `refused: ${key}`,
                    details: `details: ${key}`,
                    developerNotes: `notes: ${key}`,
                    stackTrace: [`at ${key}`],
                    internalDetails: key,
                  },
                },
              ],
            }),
          ),
        ),
      );
    });
    const client = clientFor(transport, echo.baseUrl, { pat: SECRET });
    try {
      const e = await expectTypedError(client.tasks.create([validTask("a"), validTask("b")]), 1000);
      expect(e.codeName).toBe("MIXED_STATUS");
      expect(e.items).toHaveLength(2);
      // The echo did happen: the item carries the (scrubbed) key.
      expect(e.items[1]!.status.description).toBe("refused: Key [REDACTED]");
      expect(e.items[1]!.status.code).toBe(StatusCode.TASK_CONFLICT);
      const texts = [...renderings(e), inspect(e.items, { depth: 20 }), JSON.stringify(e.items)];
      expectNoSecret(texts, SECRET);
    } finally {
      await client.close();
      await echo.close();
    }
  });
});

describe.each(TRANSPORTS)("the PAT never leaks through the last items of a long batch, over %s", (transport) => {
  it("a page of 1000 tasks whose last one quotes the key: JSON.stringify and every rendering are clean", async () => {
    const echo = await startH2Server((stream, headers) => {
      const key = String(headers["authorization"]);
      stream.resume();
      const tasks = Array.from({ length: 1000 }, (_, i) => ({ id: `t${i}`, status: { code: StatusCode.SUCCESS, description: "Ok" } }));
      tasks[999] = { id: "t999", status: { code: StatusCode.TASK_CONFLICT, description: `refused: ${key}` } };
      const response = create(MultiTaskResponseSchema, { status: { code: StatusCode.MIXED_STATUS, description: "Mixed status" }, tasks });
      stream.once("end", () => respondOk(stream, toBinary(MultiTaskResponseSchema, response)));
    });
    const client = clientFor(transport, echo.baseUrl, { pat: SECRET });
    try {
      const e = await expectTypedError(client.tasks.list(), 1000);
      expect(e.items).toHaveLength(1000);
      expect(e.items[999]!.status.description).toBe("refused: Key [REDACTED]");
      expectNoSecret([JSON.stringify(e), ...renderings(e)], SECRET);
    } finally {
      await client.close();
      await echo.close();
    }
  });
});

describe("a PAT that could inject headers is refused at construction", () => {
  it.each([
    ["CR LF", `${SECRET}\r\nx-injected: 1`],
    ["LF", `${SECRET}\n`],
    ["NUL", `${SECRET}\u0000`],
    ["TAB", `${SECRET}\tx`],
    ["DEL", `${SECRET}\u007f`],
    ["space", `${SECRET} x`],
    ["non-ASCII", `${SECRET}é`],
  ])("%s", (_, pat) => {
    for (const transport of TRANSPORTS) {
      let thrown: unknown;
      try {
        new ClarifaiClient({ pat, userId: "u", appId: "a", baseUrl: "http://127.0.0.1:1", transport });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Error);
      expectNoSecret(renderings(thrown), SECRET);
    }
  });

  it("from the environment too (CLARIFAI_PAT with a trailing newline)", () => {
    const saved = process.env["CLARIFAI_PAT"];
    process.env["CLARIFAI_PAT"] = `${SECRET}\n`;
    try {
      expect(() => new ClarifaiClient({ userId: "u", appId: "a", baseUrl: "http://127.0.0.1:1" })).toThrow(/control characters|whitespace/);
    } finally {
      if (saved === undefined) delete process.env["CLARIFAI_PAT"];
      else process.env["CLARIFAI_PAT"] = saved;
    }
  });

  it("any control character anywhere is refused; any visible-ASCII PAT is accepted (property)", () => {
    const visible = fc.stringMatching(/^[\x21-\x7e]{1,64}$/);
    const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f)).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(visible, control, fc.nat(), (pat, bad, at) => {
        const i = at % (pat.length + 1);
        expect(() => new ClarifaiClient({ pat: pat.slice(0, i) + bad + pat.slice(i), userId: "u", appId: "a", baseUrl: "http://127.0.0.1:1" })).toThrow();
        new ClarifaiClient({ pat, userId: "u", appId: "a", baseUrl: "http://127.0.0.1:1" }).close();
      }),
      { numRuns: 500 },
    );
  });
});

describe("a baseUrl that carries credentials", () => {
  const password = "s3cret-Passw0rd";
  it.each([
    ["that parses", `https://user:${password}@api.clarifai.com`, /must not carry credentials/],
    ["with a space in its host", `https://user:${password}@api clarifai.com`, /"https:\/\/\*\*\*@api clarifai\.com" is not a URL/],
    ["with a bad port", `http://user:${password}@127.0.0.1:port`, /"http:\/\/\*\*\*@127\.0\.0\.1:port" is not a URL/],
    ["without a scheme", `user:${password}@[::1`, /"\*\*\*@\[::1" is not a URL/],
    ["with a slash and an @ in its password", `https://user:pa/ss@${password}@host:x`, /"https:\/\/\*\*\*@host:x" is not a URL/],
  ])("%s is refused without quoting them", (_, baseUrl, message) => {
    let thrown: unknown;
    try {
      new ClarifaiClient({ pat: SECRET, userId: "u", appId: "a", baseUrl });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(message);
    expectNoSecret(renderings(thrown), password);
  });
});

describe("per-call headers cannot smuggle a second header either", () => {
  it.each(TRANSPORTS)("%s: a CR/LF header value fails the call, typed or as a TypeError, and nothing is sent", async (transport) => {
    let streams = 0;
    const server = await startH2Server((stream) => {
      streams++;
      stream.close(http2.constants.NGHTTP2_NO_ERROR);
    });
    const client = clientFor(transport, server.baseUrl);
    let thrown: unknown;
    try {
      await client.tasks.get("t", { headers: { "x-note": "a\r\nauthorization: Key stolen" } });
    } catch (e) {
      thrown = e;
    }
    expect(thrown instanceof ClarifaiError || thrown instanceof TypeError).toBe(true);
    expect(streams).toBe(0);
    await client.close();
    await server.close();
  });
});

/** A google.rpc.Status, encoded by hand: code (1), message (2), details (3: Any { type_url, value }). */
function rpcStatus(code: number, message: string, typeUrl: string, value: Uint8Array): Uint8Array {
  const any = new BinaryWriter().uint32(10).string(typeUrl).uint32(18).bytes(value).finish();
  return new BinaryWriter().uint32(8).int32(code).uint32(18).string(message).uint32(26).bytes(any).finish();
}

/** A google.rpc.DebugInfo whose `detail` (2) is `text`. */
function debugInfo(text: string): Uint8Array {
  return new BinaryWriter().uint32(18).string(text).finish();
}
