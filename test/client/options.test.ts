// Construction: env defaults, base URL forms, unknown keys, PAT checks, inspect without secrets.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ClarifaiClient, DEFAULT_COMPRESSION, DEFAULT_TIMEOUT_MS } from "clarifai-grpc-es";
import { parseBaseUrl, resolveClientOptions } from "../../src/options.js";

describe("client options", () => {
  it("fills defaults from the environment", () => {
    const o = resolveClientOptions({}, { CLARIFAI_PAT: "abc", CLARIFAI_USER_ID: "u", CLARIFAI_APP_ID: "a", CLARIFAI_GRPC_BASE: "api.example.com" });
    expect([o.pat, o.userId, o.appId, o.endpoint.url, o.endpoint.tls, o.endpoint.address]).toEqual(["abc", "u", "a", "https://api.example.com", true, "api.example.com:443"]);
    expect(o.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(o.transport).toBe("connect");
    expect(o.retry?.maxAttempts).toBe(4);
  });

  it("prefers options over the environment", () => {
    const o = resolveClientOptions({ pat: "p", userId: "u2", baseUrl: "http://127.0.0.1:9000", timeoutMs: 5, retry: false }, { CLARIFAI_PAT: "abc", CLARIFAI_USER_ID: "u" });
    expect([o.pat, o.userId, o.endpoint.url, o.endpoint.tls, o.timeoutMs, o.retry]).toEqual(["p", "u2", "http://127.0.0.1:9000", false, 5, undefined]);
  });

  it("defaults to https://api.clarifai.com", () => {
    expect(resolveClientOptions({}, {}).endpoint).toEqual({ url: "https://api.clarifai.com", address: "api.clarifai.com:443", tls: true });
  });

  it("parses the base URL forms: bare host is TLS, only http:// is plaintext", () => {
    expect(parseBaseUrl("api.clarifai.com:8443")).toMatchObject({ url: "https://api.clarifai.com:8443", tls: true });
    expect(parseBaseUrl("http://localhost")).toMatchObject({ address: "localhost:80", tls: false });
    expect(parseBaseUrl("https://h/")).toMatchObject({ url: "https://h" });
    expect(() => parseBaseUrl("ftp://h")).toThrow(/https:\/\/ or http:\/\//);
    expect(() => parseBaseUrl("https://user:pw@h")).toThrow(/credentials/);
  });

  it("rejects unknown option keys, naming them", () => {
    expect(() => new ClarifaiClient({ pat: "p", timeout: 5 } as never)).toThrow(/unknown option "timeout"/);
    expect(() => new ClarifaiClient({ pat: "p", retry: { attempts: 3 } } as never)).toThrow(/retry options: unknown option "attempts"/);
    expect(() => new ClarifaiClient({ pat: "p", tls: { cert: "x" } } as never)).toThrow(/tls/);
    expect(() => new ClarifaiClient({ pat: "p", timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => new ClarifaiClient({ pat: "p", transport: "http" as never })).toThrow(/transport/);
  });

  it("rejects unknown per-call option keys before sending", async () => {
    const client = new ClarifaiClient({ pat: "p", userId: "u", appId: "a", baseUrl: "http://127.0.0.1:1" });
    await expect(client.tasks.list({}, { timeout: 5 } as never)).rejects.toThrow(/unknown option "timeout"/);
    await client.close();
  });

  it("refuses a PAT with whitespace or control characters without quoting it", () => {
    for (const pat of ["secret-pat\n", "secret pat", "secret\u0000pat", "\tsecretpat"]) {
      let message = "";
      try {
        new ClarifaiClient({ pat });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/whitespace or control/);
      expect(message).not.toContain("secret");
    }
    expect(() => new ClarifaiClient({ pat: "sécret" })).toThrow(/non-ASCII/);
  });

  it("never shows the PAT in inspect or JSON of the client", () => {
    const client = new ClarifaiClient({ pat: "very-secret-pat", userId: "u", appId: "a" });
    for (const text of [inspect(client, { depth: 20, showHidden: true }), JSON.stringify(client), String(client), inspect(client.v2, { depth: 5 }), inspect(client.tasks, { depth: 5, showHidden: true })]) {
      expect(text).not.toContain("very-secret-pat");
    }
    expect(inspect(client)).toContain("api.clarifai.com");
  });
});

describe("the compression option", () => {
  const resolve = (compression: unknown) => resolveClientOptions({ compression } as never, {}).compression;

  it("defaults to nothing advertised and nothing compressed, frozen", () => {
    const c = resolve(undefined);
    expect(c).toEqual({ accept: [], send: "identity", minBytes: 1024 });
    expect(c).toEqual(DEFAULT_COMPRESSION);
    expect(Object.isFrozen(c) && Object.isFrozen(c.accept)).toBe(true);
  });

  it("fills what is not given (or given as undefined) from the default, and keeps a copy of accept", () => {
    const accept: "gzip"[] = ["gzip"];
    const c = resolve({ accept, minBytes: undefined });
    expect(c).toEqual({ accept: ["gzip"], send: "identity", minBytes: 1024 });
    accept.pop();
    expect(c.accept).toEqual(["gzip"]);
    expect(resolve({ send: "gzip", minBytes: 0 })).toEqual({ accept: [], send: "gzip", minBytes: 0 });
  });

  it.each([
    [{ accept: "gzip" }, /^compression\.accept must be \[\] or \["gzip"\], got "gzip"$/],
    [{ accept: ["br"] }, /^compression\.accept must be \[\] or \["gzip"\], got \["br"\]$/],
    [{ accept: ["gzip", "gzip"] }, /^compression\.accept must be \[\] or \["gzip"\], got \["gzip","gzip"\]$/],
    [{ accept: ["gzip", "identity"] }, /^compression\.accept must be/],
    [{ send: "br" }, /^compression\.send must be "identity" or "gzip", got "br"$/],
    [{ send: null }, /^compression\.send must be/],
    [{ minBytes: -1 }, /^compression\.minBytes must be a non-negative number, got -1$/],
    [{ minBytes: Number.NaN }, /^compression\.minBytes must be a non-negative number, got NaN$/],
    [{ minBytes: Infinity }, /^compression\.minBytes must be/],
    [{ minBytes: "10" }, /^compression\.minBytes must be/],
    [{ level: 9 }, /options\.compression: unknown option "level"/],
  ])("refuses %j with a TypeError naming the field", (compression, message) => {
    expect(() => resolve(compression)).toThrow(TypeError);
    expect(() => resolve(compression)).toThrow(message);
    expect(() => new ClarifaiClient({ pat: "p", compression } as never)).toThrow(message);
  });
});
