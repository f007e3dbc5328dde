// Where the key of a call comes from, and what an authentication failure says about it: the client's
// `pat` option, CLARIFAI_PAT, the client's own `authorization` header or the call's (a record in any
// letter case, or a `Headers`); what the request metadata holds when the PAT is empty (no
// `authorization` at all, as a connect interceptor and the server see it); and header values that
// could smuggle a second header, refused with a TypeError naming the header before anything is sent.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Interceptor } from "@connectrpc/connect";
import { ClarifaiClient, ClarifaiError, Code, type CallOptions, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { startScriptedServer, type ScriptedServer } from "../support/scripted-grpc.js";

const PAT = "auth-key-test-pat-0123456789";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer(() => ({ grpcStatus: Code.Unauthenticated, grpcMessage: "key refused" }));
});
afterAll(() => server.close());

/** A client of the refusing server, closed when the test ends. */
function client(options: ClarifaiClientOptions = {}): ClarifaiClient {
  const c = new ClarifaiClient({ pat: PAT, userId: "u", appId: "a", baseUrl: server.baseUrl, timeoutMs: 3000, retry: false, ...options });
  onTestFinished(() => c.close());
  return c;
}

/** The failure of one call that the server refused as UNAUTHENTICATED. */
async function refused(c: ClarifaiClient, options?: CallOptions): Promise<ClarifaiError> {
  const e = await c.tasks.get("t", options).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ClarifaiError);
  expect((e as ClarifaiError).grpcCode).toBe(Code.Unauthenticated);
  return e as ClarifaiError;
}

const PAT_OPTION = "the key came from the `pat` option";
const CALL_HEADER = "this call's `authorization` header";
const CLIENT_HEADER = "the key came from the client's `headers.authorization` option";

describe("what a refused key's error says about where the key came from", () => {
  it.each<[string, ClarifaiClientOptions, CallOptions["headers"], string]>([
    ["the pat option, with other per-call headers", {}, { "x-trace": "1" }, PAT_OPTION],
    ["the pat option, with per-call Headers that set no key", {}, new Headers({ "x-trace": "1" }), PAT_OPTION],
    ["a per-call record, among other headers and in any letter case", {}, { "X-Trace": "1", Authorization: "Key per-call" }, `the key came from ${CALL_HEADER}`],
    ["per-call Headers", {}, new Headers({ Authorization: "Bearer per-call" }), `the key came from ${CALL_HEADER}`],
    ["the client's headers option", { headers: { authorization: "Key client-wide" } }, undefined, CLIENT_HEADER],
    ["the client's headers option, in any letter case, with per-call headers that set no key", { headers: { Authorization: "Key client-wide" } }, { "x-trace": "1" }, CLIENT_HEADER],
    ["a per-call header over the client's", { headers: { authorization: "Key client-wide" } }, { authorization: "Key per-call" }, `the key came from ${CALL_HEADER}`],
  ])("%s", async (_, options, headers, hint) => {
    const e = await refused(client(options), headers === undefined ? undefined : { headers });
    expect(e.hint).toBe(hint);
    expect(e.message).toContain(hint);
  });
});

describe("the request metadata, as a connect interceptor and the server see it", () => {
  it.each<[string, string, CallOptions["headers"], string | undefined]>([
    ["an empty PAT: no authorization header at all", "", undefined, undefined],
    ["an empty PAT: a caller's own header still goes", "", { authorization: "Key own" }, "Key own"],
    ["a PAT: `Key <pat>`", PAT, undefined, `Key ${PAT}`],
  ])("%s", async (_, pat, headers, sent) => {
    const seen: (string | null)[] = [];
    const record: Interceptor = (next) => (req) => {
      seen.push(req.header.get("authorization"));
      return next(req);
    };
    const before = server.seen.length;
    const e = await refused(client({ pat, interceptors: [record] }), { headers });
    expect(seen).toEqual([sent ?? null]);
    expect(server.seen.slice(before).map((r) => r.headers["authorization"])).toEqual([sent]);
    if (pat === "" && headers === undefined) expect(e.hint).toBe("no key was sent: set the `pat` option or CLARIFAI_PAT");
  });
});

describe("a header value that could smuggle a second header, or is not text, is refused naming the header", () => {
  const smuggling = [
    ["a CR LF", "1\r\nauthorization: Key stolen"],
    ["a lone LF", "1\nx"],
    ["a lone CR", "1\rx"],
    ["a NUL", "1\u0000x"],
  ] as const;

  it.each(smuggling)("a client header with %s, when the client is made", (_, value) => {
    expect(() => client({ headers: { "X-Trace": value } })).toThrow(new TypeError('client header "X-Trace" contains CR, LF or NUL; nothing was sent'));
  });

  it.each(smuggling)("a per-call header with %s, before anything is sent", async (_, value) => {
    const c = client();
    const before = server.seen.length;
    await expect(c.tasks.get("t", { headers: { "X-Trace": value } })).rejects.toThrow(new TypeError('call header "X-Trace" contains CR, LF or NUL; nothing was sent'));
    expect(server.seen.length).toBe(before);
  });

  it("a value that is not a string, from a caller without types", async () => {
    expect(() => client({ headers: { "x-count": 5 as unknown as string } })).toThrow(new TypeError('client header "x-count" must be a string'));
    const c = client();
    const before = server.seen.length;
    await expect(c.tasks.get("t", { headers: { "x-count": 5 as unknown as string } })).rejects.toThrow(new TypeError('call header "x-count" must be a string'));
    expect(server.seen.length).toBe(before);
  });
});
