// What redactError leaves alone: the server's metadata on an error is scrubbed entry by entry, and an
// entry without the secret is not rewritten — a `Headers` with several `set-cookie` values (which
// `Headers.set` would fold into one) keeps every one of them, also when one of them echoes the key.
import { createServer, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { ConnectError, Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, ClarifaiClient } from "clarifai-grpc-es";
import { createRedactor, REDACTED, redactError } from "../../src/redact.js";
import { renderings } from "../support/renderings.js";

const SECRET = "redact-more-secret-0123456789";
const redact = createRedactor(SECRET);

describe("a ConnectError's metadata", () => {
  it("keeps every set-cookie value and every other header it need not change, and scrubs the one that echoes the key", () => {
    const metadata = new Headers([
      ["set-cookie", "lb=node-1; Path=/"],
      ["set-cookie", "session=abc; HttpOnly"],
      ["x-echo", `Key ${SECRET}`],
      ["x-request-id", "req-1"],
    ]);
    const e = redactError(new ConnectError("refused", Code.Unauthenticated, metadata), redact);
    expect(e.metadata.getSetCookie()).toEqual(["lb=node-1; Path=/", "session=abc; HttpOnly"]);
    expect(e.metadata.get("x-echo")).toBe(`Key ${REDACTED}`);
    expect(e.metadata.get("x-request-id")).toBe("req-1");
  });

  it("scrubs the key inside the set-cookie value that holds it, and keeps the other cookies, in order", () => {
    const metadata = new Headers([
      ["set-cookie", "lb=node-1; Path=/"],
      ["set-cookie", `echo=${SECRET}; HttpOnly`],
      ["set-cookie", "session=abc; Secure"],
      ["x-request-id", "req-1"],
    ]);
    const e = redactError(new ConnectError("refused", Code.Unauthenticated, metadata), redact);
    expect(e.metadata.getSetCookie()).toEqual(["lb=node-1; Path=/", `echo=${REDACTED}; HttpOnly`, "session=abc; Secure"]);
    expect(e.metadata.get("x-request-id")).toBe("req-1");
  });
});

describe("objects that look like Headers, or refuse to say what they are", () => {
  it("walks an object whose toStringTag getter throws as any other, and scrubs what it holds", () => {
    // Headers are recognised by their toStringTag (reading the global Headers would load Node's fetch):
    // an object whose tag cannot be read is not Headers, and must not make redaction throw.
    const hostile = { text: `Key ${SECRET}` } as Record<string | symbol, unknown>;
    Object.defineProperty(hostile, Symbol.toStringTag, {
      get() {
        throw new Error("no tag for you");
      },
    });
    const e = redactError(new Error("failed", { cause: hostile }), redact);
    expect((e.cause as Record<string, unknown>)["text"]).toBe(`Key ${REDACTED}`);
  });

  it("leaves alone an object that only claims to be Headers, without Headers' methods", () => {
    const claim = { [Symbol.toStringTag]: "Headers", text: `Key ${SECRET}` };
    const e = redactError(new Error("failed", { cause: claim }), redact);
    // Walked as the plain object it is (its string is scrubbed), not iterated as Headers (which would throw).
    expect((e.cause as Record<string, unknown>)["text"]).toBe(`Key ${REDACTED}`);
  });
});

describe("an error from a server that sets several cookies, one echoing the key", () => {
  let server: Http2Server;
  let baseUrl: string;
  beforeAll(async () => {
    // A trailers-only UNAUTHENTICATED whose headers carry three cookies.
    server = createServer((_, res) => {
      res.writeHead(200, {
        "content-type": "application/grpc",
        "grpc-status": String(Code.Unauthenticated),
        "grpc-message": "key refused",
        "set-cookie": ["lb=node-1; Path=/", `echo=${SECRET}; HttpOnly`, "session=abc; Secure"],
      });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("carries every cookie on its cause's metadata, the key scrubbed from the one that held it", async () => {
    const client = new ClarifaiClient({ pat: SECRET, userId: "u", appId: "a", baseUrl, retry: false });
    try {
      const e = await client.tasks.list().then(
        () => expect.fail("expected a failure"),
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(AuthenticationError);
      expect((e as AuthenticationError).message).toBe("[UNAUTHENTICATED] ListTasks: key refused; the key came from the `pat` option");
      const cause = (e as AuthenticationError).cause;
      expect(cause).toBeInstanceOf(ConnectError);
      expect((cause as ConnectError).metadata.getSetCookie()).toEqual(["lb=node-1; Path=/", `echo=${REDACTED}; HttpOnly`, "session=abc; Secure"]);
      for (const text of renderings(e)) expect(text).not.toContain(SECRET);
    } finally {
      await client.close();
    }
  });
});
