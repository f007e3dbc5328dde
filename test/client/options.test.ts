// Construction: env defaults, base URL forms, unknown keys, PAT checks, inspect without secrets.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ClarifaiClient, DEFAULT_COMPRESSION, DEFAULT_TIMEOUT_MS } from "clarifai-grpc-es";
import type { Interceptor } from "@connectrpc/connect";
import { checkCallOptions, parseBaseUrl, resolveClientOptions } from "../../src/options.js";
import { rejectUnknownKeys } from "../../src/unknown-keys.js";

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

describe("the base URL", () => {
  it("is trimmed, and a bare host means TLS even when its query holds a URL", () => {
    expect(parseBaseUrl("  http://127.0.0.1:9000/ \n")).toEqual({ url: "http://127.0.0.1:9000", address: "127.0.0.1:9000", tls: false });
    expect(parseBaseUrl("api.example.com/v2?next=http://elsewhere")).toEqual({ url: "https://api.example.com/v2", address: "api.example.com:443", tls: true });
  });

  it("loses every trailing slash of its path, and only those", () => {
    expect(parseBaseUrl("https://h/a/b//").url).toBe("https://h/a/b");
    expect(parseBaseUrl("https://h//a/").url).toBe("https://h//a");
  });

  it("refuses credentials, a password alone included", () => {
    for (const url of ["https://user:pw@h", "https://user@h", "https://:secret-pw@h"]) expect(() => parseBaseUrl(url)).toThrow("baseUrl must not carry credentials; use the pat option");
  });

  it("quotes a URL that does not parse without what may be credentials", () => {
    const refusal = (shown: string) => `baseUrl ${JSON.stringify(shown)} is not a URL; expected e.g. "https://api.clarifai.com" or "http://127.0.0.1:50051"`;
    const cases = [
      ["https://user:secret-pw@exa mple.com", "https://***@exa mple.com"],
      ["user:secret-pw@exa mple.com", "***@exa mple.com"],
      ["http://exa mple.com", "http://exa mple.com"],
    ];
    for (const [url, shown] of cases) {
      expect(() => parseBaseUrl(url!)).toThrow(TypeError);
      expect(() => parseBaseUrl(url!)).toThrow(refusal(shown!));
    }
  });
});

describe("resolving the client options", () => {
  it("leaves the ids empty and the PAT's source none when nothing is given", () => {
    const o = resolveClientOptions({}, {});
    expect([o.pat, o.patSource, o.userId, o.appId]).toEqual(["", "none", "", ""]);
    expect(resolveClientOptions({}, { CLARIFAI_PAT: "" }).patSource).toBe("none");
    expect(resolveClientOptions({ pat: "" }, { CLARIFAI_PAT: "from-env" }).patSource).toBe("none");
    expect(resolveClientOptions({}, { CLARIFAI_PAT: "from-env" }).patSource).toBe("env");
    expect(resolveClientOptions({ pat: "p" }, { CLARIFAI_PAT: "from-env" }).patSource).toBe("option");
  });

  it("takes tracing on by default, and keeps a copy of the interceptors", () => {
    expect(resolveClientOptions({}, {}).tracing).toBe(true);
    expect(resolveClientOptions({ tracing: false }, {}).tracing).toBe(false);
    const interceptor: Interceptor = (next) => next;
    const interceptors = [interceptor];
    const o = resolveClientOptions({ interceptors }, {});
    interceptors.pop();
    expect(o.interceptors).toEqual([interceptor]);
  });

  it("accepts every documented key", () => {
    const credentials = {} as never;
    const o = resolveClientOptions({ tls: { ca: "PEM" }, grpcJs: { credentials, channelOptions: {} }, tracing: false, headers: { "x-a": "1" } }, {});
    expect([o.tls, o.grpcJs.credentials, o.headers]).toEqual([{ ca: "PEM" }, credentials, { "x-a": "1" }]);
  });

  it.each([
    [{ timeoutMs: 0 }, "timeoutMs must be a positive number of milliseconds, got 0"],
    [{ maxReceiveBytes: "10" }, 'maxReceiveBytes must be a positive whole number of bytes (at most 2^53 - 1), got "10"'],
    [{ maxReceiveBytes: 1.5 }, "maxReceiveBytes must be a positive whole number of bytes (at most 2^53 - 1), got 1.5"],
    [{ transport: { stream: () => undefined } }, 'ClarifaiClient options.transport must be "connect", "grpc-js", "rest" or a connect Transport'],
    [{ transport: Object.assign(() => undefined, { unary: () => undefined }) }, 'ClarifaiClient options.transport must be "connect", "grpc-js", "rest" or a connect Transport'],
    [{ transport: "rest", tls: { ca: "PEM" } }, 'tls.ca cannot be used with transport "rest": the rest transport trusts the CAs the runtime\'s fetch trusts; in Node, add yours with NODE_EXTRA_CA_CERTS'],
    [{ tls: "PEM" }, "ClarifaiClient options.tls must be an object"],
    [{ timeout: 5 }, 'ClarifaiClient options: unknown option "timeout"; known: pat, userId, appId, baseUrl, transport, tls, grpcJs, timeoutMs, retry, maxReceiveBytes, headers, interceptors, compression, tracing'],
    [{ grpcJs: { channel: 1, interceptor: 2 } }, 'ClarifaiClient options.grpcJs: unknown options "channel", "interceptor"; known: credentials, channelOptions, client'],
  ])("refuses %j, saying exactly what is wrong", (options, message) => {
    expect(() => resolveClientOptions(options as never, {})).toThrow(new TypeError(message));
  });

  it("takes a connect Transport of its own, and tls.ca on the gRPC transports", () => {
    const transport = { unary: () => undefined, stream: () => undefined } as never;
    expect(resolveClientOptions({ transport }, {}).transport).toBe(transport);
    for (const t of ["connect", "grpc-js"] as const) expect(resolveClientOptions({ transport: t, tls: { ca: "PEM" } }, {}).tls).toEqual({ ca: "PEM" });
  });
});

describe("per-call options", () => {
  it("accept every documented key and name the unknown ones", () => {
    const signal = new AbortController().signal;
    expect(() => checkCallOptions({ signal, timeoutMs: 1, deadline: 1, headers: {}, userAppId: { userId: "u", appId: "a" }, validate: false })).not.toThrow();
    expect(() => checkCallOptions(undefined)).not.toThrow();
    expect(() => checkCallOptions({ timeout: 5 })).toThrow(new TypeError('call options: unknown option "timeout"; known: signal, timeoutMs, deadline, headers, userAppId, validate'));
  });
});

describe("rejectUnknownKeys", () => {
  const known = new Set(["a", "b"]);
  it("lets undefined and null through and refuses what is not an object", () => {
    expect(() => rejectUnknownKeys("x", undefined, known)).not.toThrow();
    expect(() => rejectUnknownKeys("x", null as never, known)).not.toThrow();
    expect(() => rejectUnknownKeys("x", 5 as never, known)).toThrow(new TypeError("x must be an object"));
  });

  it("names one unknown key in the singular, several in the plural, with the known ones", () => {
    expect(() => rejectUnknownKeys("x", { a: 1, c: 2 }, known)).toThrow(new TypeError('x: unknown option "c"; known: a, b'));
    expect(() => rejectUnknownKeys("x", { c: 1, d: 2 }, known)).toThrow(new TypeError('x: unknown options "c", "d"; known: a, b'));
  });
});
