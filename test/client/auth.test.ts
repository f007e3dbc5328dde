// The PAT on the wire and off it: what `authorization` header reaches the server (the client's key, a
// caller's own header instead, none without a key), which keys are refused before anything is sent,
// and that a key the server echoes back is scrubbed from the error on both transports — down to the
// shortest secret that is scrubbed and grpc-js' own metadata.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectError } from "@connectrpc/connect";
import { ClarifaiClient, ClarifaiError, Code, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { createRedactor, MIN_REDACTED_LENGTH, REDACTED } from "../../src/redact.js";
import { expectNoSecret, renderings } from "../support/renderings.js";
import { startScriptedServer, type ScriptedServer } from "../support/scripted-grpc.js";

const PAT = "auth-test-pat-0123456789abcdef";

let server: ScriptedServer;
const clients: ClarifaiClient[] = [];
beforeAll(async () => {
  // Refuses every call, quoting the authorization header it got in the message, a text trailer and
  // a binary trailer: whatever the client sent comes back in its error.
  server = await startScriptedServer((r) => {
    const key = String(r.headers["authorization"] ?? "(none)");
    return {
      // `x-unavailable` asks for a failure a read retries, to see what `onRetry` is told.
      grpcStatus: r.headers["x-unavailable"] ? Code.Unavailable : Code.Unauthenticated,
      grpcMessage: `bad key: ${key}`,
      afterHeaders: true,
      metadata: { "x-echo": key, "x-echo-bin": Buffer.from(key).toString("base64") },
    };
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function client(options: ClarifaiClientOptions = {}): ClarifaiClient {
  const c = new ClarifaiClient({ pat: PAT, userId: "u", appId: "a", baseUrl: server.baseUrl, timeoutMs: 3000, retry: false, ...options });
  clients.push(c);
  return c;
}

/** The `authorization` header the server received for `call`, or undefined when there was none. */
async function sentAuthorization(call: () => Promise<unknown>): Promise<string | undefined> {
  const before = server.seen.length;
  await call().catch(() => {});
  expect(server.seen.length - before).toBe(1);
  const header = server.seen.at(-1)!.headers["authorization"];
  return header === undefined ? undefined : String(header);
}

describe.each(["connect", "grpc-js"] as const)("the authorization header, over %s", (transport) => {
  it("carries `Key <pat>`", async () => {
    expect(await sentAuthorization(() => client({ transport }).tasks.get("t"))).toBe(`Key ${PAT}`);
  });

  it("is absent when the PAT is empty, so the server's own 'missing key' status comes back", async () => {
    expect(await sentAuthorization(() => client({ transport, pat: "" }).tasks.get("t"))).toBeUndefined();
  });

  it("a caller's own authorization header wins over the client's PAT, per call or for every call", async () => {
    const c = client({ transport });
    expect(await sentAuthorization(() => c.tasks.get("t", { headers: { authorization: "Key per-call-key" } }))).toBe("Key per-call-key");
    expect(await sentAuthorization(() => c.tasks.get("t", { headers: new Headers({ Authorization: "Bearer token-1" }) }))).toBe("Bearer token-1");
    expect(await sentAuthorization(() => client({ transport, headers: { authorization: "Key client-wide" } }).tasks.list())).toBe("Key client-wide");
    // Other headers leave the PAT in place.
    expect(await sentAuthorization(() => c.tasks.get("t", { headers: { "x-trace": "1" } }))).toBe(`Key ${PAT}`);
  });

  it("a key the server echoes back is scrubbed from every rendering of the error, grpc-js metadata included", async () => {
    const e = (await client({ transport }).tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(ClarifaiError);
    expect(e.description).toBe(`bad key: Key ${REDACTED}`);
    for (const text of renderings(e)) expect(text).not.toContain(PAT);
    // The raw client's errors are connect's own, scrubbed the same way.
    const raw = await client({ transport }).v2.getTask({ taskId: "t" }).catch((x: unknown) => x);
    expect(raw).toBeInstanceOf(Error);
    for (const text of renderings(raw)) expect(text).not.toContain(PAT);
  });

  it("a key given as the client's authorization header is scrubbed, with its scheme and without", async () => {
    const key = "client-header-key-0123456789";
    for (const [name, value] of [["authorization", `Key ${key}`], ["Authorization", `Bearer ${key}`]] as const) {
      const c = client({ transport, pat: "", headers: { [name]: value } });
      const e = (await c.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
      expect(e).toBeInstanceOf(ClarifaiError);
      expect(e.description).toBe(`bad key: ${value.split(" ")[0]} ${REDACTED}`);
      const raw = await c.v2.getTask({ taskId: "t" }).catch((x: unknown) => x);
      expectNoSecret([...renderings(e), ...renderings(raw)], key);
    }
  });

  it("a call's own authorization header is scrubbed from that call's failure, its raw failure and what onRetry is told", async () => {
    const key = "call-header-key-0123456789";
    const retried: unknown[] = [];
    const c = client({ transport, retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1, onRetry: (event) => void retried.push(event.error) } });
    const e = (await c.tasks.get("t", { headers: { authorization: `Key ${key}` } }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e.description).toBe(`bad key: Key ${REDACTED}`);
    const raw = await c.v2.getTask({ taskId: "t" }, { headers: { Authorization: key } }).catch((x: unknown) => x);
    expect((raw as Error).message).toContain(`bad key: ${REDACTED}`);
    const again = await c.tasks.get("t", { headers: new Headers({ authorization: `Bearer ${key}`, "x-unavailable": "1" }) }).catch((x: unknown) => x);
    expect(retried).toHaveLength(1);
    expectNoSecret([e, raw, again, ...retried].flatMap(renderings), key);
    // The client's PAT is still scrubbed from the calls that send it.
    const own = (await c.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(own.description).toBe(`bad key: Key ${REDACTED}`);
  });

  it(`scrubs a PAT shorter than ${MIN_REDACTED_LENGTH} characters where it is echoed as the header value, \`Key <pat>\``, async () => {
    for (const short of ["k", "ab1x5"]) {
      const c = client({ transport, pat: short });
      const e = (await c.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
      expect(e.description).toBe(`bad key: ${REDACTED}`);
      const raw = (await c.v2.getTask({ taskId: "t" }).catch((x: unknown) => x)) as ConnectError;
      for (const text of [...renderings(e), ...renderings(raw)]) expect(text).not.toContain(`Key ${short}`);
      // The binary trailer's bytes too.
      expect(Buffer.from(raw.metadata.get("x-echo-bin")!, "base64").toString()).toBe("*".repeat(4 + short.length));
    }
  });

  it(`scrubs a PAT of ${MIN_REDACTED_LENGTH} characters, the shortest that is scrubbed`, async () => {
    const shortest = "k".repeat(MIN_REDACTED_LENGTH);
    const e = (await client({ transport, pat: shortest }).tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(e.description).toBe(`bad key: Key ${REDACTED}`);
    for (const text of renderings(e)) expect(text).not.toContain(shortest);
  });
});

describe("a PAT that cannot be sent as it is, refused at construction without quoting it", () => {
  const make = (pat: unknown) => () => new ClarifaiClient({ pat: pat as string, userId: "u", appId: "a", baseUrl: server.baseUrl });

  it.each([
    ["a trailing newline", `${PAT}\n`],
    ["a space", "abc def123"],
    ["a tab", "abc\tdef123"],
    ["a NUL", "abc\u0000def123"],
    ["a unit separator", "abc\u001fdef123"],
    ["DEL", "abc\u007fdef123"],
  ])("%s", (_, pat) => {
    const thrown = (() => {
      try {
        make(pat)();
      } catch (e) {
        return e as Error;
      }
      throw new Error("accepted");
    })();
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown.message).toBe(
      `pat contains whitespace or control characters (${pat.length} characters); check for a trailing newline in CLARIFAI_PAT or the file it came from`,
    );
  });

  it("non-ASCII characters, which HTTP/2 headers cannot carry", () => {
    expect(make("clé-0123456789")).toThrow(new TypeError("pat contains non-ASCII characters, which HTTP/2 headers cannot carry"));
    expect(make("key\u00a0value")).toThrow(TypeError);
  });

  it("a value that is not a string", () => {
    expect(make(12345678)).toThrow(new TypeError("pat must be a string"));
  });

  it("accepts every visible ASCII character, the first and last included", () => {
    for (const pat of ["!key-0123", "~key-0123", "!\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~"]) expect(make(pat), pat).not.toThrow();
  });
});

describe("createRedactor's bytes", () => {
  it("masks every occurrence of every secret, keeping the length, and leaves the input alone", () => {
    const a = "secret-one-123";
    const b = "secret-two-456";
    const redact = createRedactor(a, "tiny", b);
    const input = Buffer.from(`${b}|${a}|${a}${b}|end`);
    const copy = Buffer.from(input);
    const masked = Buffer.from(redact.bytes!(input));
    expect(masked.toString()).toBe(`${"*".repeat(b.length)}|${"*".repeat(a.length)}|${"*".repeat(a.length + b.length)}|end`);
    expect(input.equals(copy)).toBe(true);
    // A secret too short to scrub is not masked in bytes either, and a view into a larger buffer
    // is read only within its bounds.
    const big = Buffer.from(`${a}tiny${a}`);
    const view = new Uint8Array(big.buffer, big.byteOffset + a.length, 4);
    expect(redact.bytes!(view)).toBe(view);
    const inner = new Uint8Array(big.buffer, big.byteOffset + a.length + 4, a.length);
    expect(Buffer.from(redact.bytes!(inner)).toString()).toBe("*".repeat(a.length));
  });

  it("scrubs text with several secrets, and is the identity with none long enough", () => {
    const redact = createRedactor("first-secret", "second-secret");
    expect(redact("a first-secret b second-secret")).toBe(`a ${REDACTED} b ${REDACTED}`);
    const none = createRedactor("short", "");
    expect(none("short text")).toBe("short text");
    expect(none.bytes).toBeUndefined();
  });
});
