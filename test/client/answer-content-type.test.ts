// Both gRPC transports take an answer as gRPC only when its content type says so: `application/grpc`
// or `application/grpc+proto`, any case, parameters allowed. An HTTP 200 with another type (a proxy's
// HTML page, gRPC-Web, JSON) is refused even when its body happens to frame a valid message, rather than
// decoded as one. (grpc-js itself does not look at the answer's content type: our grpc-js transport does,
// once grpc-js has decoded the message.) The refusal carries the answer's headers as its metadata: the
// raw v2 client's ConnectError has them, and the facade's ClarifaiError has that ConnectError as cause.
//
// The check itself is also called directly, below. The pattern is made when its module loads, and the
// transports load theirs lazily, inside the first test that makes a call: to Stryker's per-test coverage
// the pattern looks run by that one test alone, so its mutants were tried against it and nothing else
// (an unanchored pattern survived). Imported here, it loads before any test runs: Stryker then takes
// its mutants as static and runs every test of the group against them.
import { Code, ConnectError } from "@connectrpc/connect";
import { ClarifaiClient } from "clarifai-grpc-es";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foreignContentTypeError } from "../../src/transports/answer-content-type.js";
import { grpcFrame, okGetTaskPayload } from "../support/hostile/grpc-wire.js";
import { expectTypedError, validTask } from "../fault/harness.js";
import { startH2Server, type H2HostileServer } from "../support/hostile/servers.js";

const TYPE_HEADER = "x-answer-content-type";
/** A header of the answer's own, as a proxy adds one: every answer of the server below carries it. */
const PROXY = { header: "x-proxy-node", value: "edge-7" };
const TIMEOUT_MS = 5000;

const GRPC_TYPES = ["application/grpc", "application/grpc+proto", "Application/GRPC+Proto", "application/grpc;charset=utf-8"];
/** Not gRPC; "-" stands for no content type at all. */
const FOREIGN_TYPES = ["text/html", "application/json", "application/grpc+json", "application/grpc-web", "text/plain;x=application/grpc", "application/grpcx", "-"];
const sent = (type: string) => (type === "-" ? "" : type);
const refusal = (type: string) => `the server answered with content type ${JSON.stringify(sent(type))}, not gRPC`;

describe("foreignContentTypeError", () => {
  it.each(GRPC_TYPES)("%j is gRPC: no error, and the headers are not made", (type) => {
    expect(foreignContentTypeError(type, () => expect.unreachable("headers made for a gRPC answer"))).toBeUndefined();
  });

  it.each(FOREIGN_TYPES)("%j is not: INTERNAL, naming the type, with the headers given", (type) => {
    const headers = new Headers({ [PROXY.header]: PROXY.value });
    const error = foreignContentTypeError(sent(type), () => headers);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error!.code).toBe(Code.Internal);
    expect(error!.rawMessage).toBe(refusal(type));
    expect(error!.metadata.get(PROXY.header)).toBe(PROXY.value);
    // Marked as the server's answer (as an HTTP status is): its text is not read as the client's own.
    expect(error!.metadata.get("grpc-status")).toBe(String(Code.Internal));
  });
});

let server: H2HostileServer;
beforeAll(async () => {
  // Answers every call with a correct gRPC answer (one SUCCESS message, grpc-status 0) under the content
  // type the request names; "-" for none.
  server = await startH2Server((stream, headers) => {
    const type = String(headers[TYPE_HEADER]);
    stream.resume();
    stream.once("end", () => {
      stream.respond({ ":status": 200, [PROXY.header]: PROXY.value, ...(type === "-" ? {} : { "content-type": type }) }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(grpcFrame(okGetTaskPayload("t")));
    });
  });
});
afterAll(async () => {
  await server.close();
});

describe.each(["connect", "grpc-js"] as const)("the answer's content type, on the %s transport", (transport) => {
  let client: ClarifaiClient;
  beforeAll(() => {
    client = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl: server.baseUrl, transport, timeoutMs: TIMEOUT_MS, retry: false });
  });
  afterAll(async () => {
    await client.close();
  });
  const get = (type: string) => client.tasks.get("t", { headers: { [TYPE_HEADER]: type } });

  it.each(GRPC_TYPES)("%j is gRPC", async (type) => {
    expect((await get(type)).id).toBe("t");
  });

  it.each(FOREIGN_TYPES)("%j is refused as INTERNAL, naming the type, though the body frames a valid message", async (type) => {
    const error = await expectTypedError(get(type), TIMEOUT_MS);
    expect(error.grpcCode).toBe(Code.Internal);
    expect(error.message).toContain(refusal(type));
  });

  // The type is the server's text: that it reads like a refused connection or a certificate problem
  // proves nothing about the request, which reached whoever answered. (Before the refusal was marked as
  // the server's answer, these made a refused write look never sent, and the certificate one gave the
  // hint of a TLS trust failure.)
  it.each(["text/plain; x=ECONNREFUSED", "text/html; x=REFUSED_STREAM", "text/html; x=certificate has expired", "text/plain; x=wrong version number"])(
    "a write refused for its content type %j has an unknown outcome, whatever the type's text says",
    async (type) => {
      const error = await expectTypedError(client.tasks.create(validTask("ct-write"), { headers: { [TYPE_HEADER]: type } }), TIMEOUT_MS);
      expect(error.grpcCode).toBe(Code.Internal);
      expect(error.outcomeUnknown).toBe(true);
      expect(error.message).toContain(refusal(type));
      expect(error.message).not.toMatch(/tls|trust|\bca\b/i);
    },
  );

  it("the refusal carries the answer's headers: the raw v2 client's error as its metadata, the facade's error on its cause", async () => {
    const raw = await client.v2.getTask({ taskId: "t" }, { headers: { [TYPE_HEADER]: "text/html" } }).then(
      () => expect.unreachable("a text/html answer was taken"),
      (e: unknown) => e,
    );
    expect(raw).toBeInstanceOf(ConnectError);
    const facade = await expectTypedError(get("text/html"), TIMEOUT_MS);
    expect(facade.cause).toBeInstanceOf(ConnectError);
    for (const error of [raw as ConnectError, facade.cause as ConnectError]) {
      expect(error.code).toBe(Code.Internal);
      expect(error.rawMessage).toBe(refusal("text/html"));
      expect(error.metadata.get(PROXY.header)).toBe(PROXY.value);
      expect(error.metadata.get("content-type")).toBe("text/html");
    }
  });
});
