// What the default transport makes of Node's failures (src/transports/node-errors.ts) and of a server's
// gRPC status (src/transports/trailer-status.ts; its decoding of texts and details is checked in
// test/fault/bad-status.test.ts), checked on the functions themselves. Through a facade
// call most of this is hidden: src/status.ts reads the Node error in the cause chain again and reaches
// the same verdict. The raw `v2` client gets these ConnectErrors as they are, so their codes, texts and
// "not sent" marks are behaviour of their own (mutation testing found them pinned by no test). On a real
// socket, what the raw client gets of each kind of answer: an HTTP status without or over a gRPC one, a
// message cut short or misframed or not protobuf, headers and trailers as sent, and a request that
// cannot be encoded or framed.
import { Code, ConnectError } from "@connectrpc/connect";
import { ClarifaiClient } from "clarifai-grpc-es";
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { answer, validSpec, type BodyChunk, type ResponseSpec } from "../support/hostile/garbage.js";
import { grpcFrame, okGetTaskPayload, respondOk } from "../support/hostile/grpc-wire.js";
import { startH2Server, type H2HostileServer } from "../support/hostile/servers.js";
import { fromHttp2Reset, fromNodeError } from "../../src/transports/node-errors.js";
import { trailerError } from "../../src/transports/trailer-status.js";

const notSent = (e: unknown) => (e as Record<symbol, unknown>)[Symbol.for("clarifai-grpc-es/not-sent")] === true;

/** A Node system error as `net` or `dns` raise it. */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe("fromHttp2Reset", () => {
  it.each([
    [constants.NGHTTP2_REFUSED_STREAM, "REFUSED_STREAM", Code.Unavailable, true],
    [constants.NGHTTP2_CANCEL, "CANCEL", Code.Canceled, false],
    [constants.NGHTTP2_ENHANCE_YOUR_CALM, "ENHANCE_YOUR_CALM", Code.ResourceExhausted, false],
    [constants.NGHTTP2_INADEQUATE_SECURITY, "INADEQUATE_SECURITY", Code.PermissionDenied, false],
    [constants.NGHTTP2_HTTP_1_1_REQUIRED, "HTTP_1_1_REQUIRED", Code.PermissionDenied, false],
    [constants.NGHTTP2_PROTOCOL_ERROR, "PROTOCOL_ERROR", Code.Internal, false],
    [constants.NGHTTP2_INTERNAL_ERROR, "INTERNAL_ERROR", Code.Internal, false],
  ] as const)("a reset with code %i (%s) is gRPC code %i; not sent only when refused", (rst, name, code, refused) => {
    const cause = new Error("the stream's own error");
    const error = fromHttp2Reset(rst, cause);
    expect(error.code).toBe(code);
    expect(error.rawMessage).toBe(`the HTTP/2 stream was reset with ${name} (0x${rst.toString(16)})`);
    expect(error.cause).toBe(cause);
    expect(notSent(error)).toBe(refused);
  });

  it("names a reset code nghttp2 does not know by its number only", () => {
    const error = fromHttp2Reset(0xabc);
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe("the HTTP/2 stream was reset with code (0xabc)");
  });

  it("names the error codes that share their numbers with session, flag and settings constants as errors", () => {
    // NGHTTP2_SESSION_CLIENT and NGHTTP2_FLAG_END_STREAM are 1, like PROTOCOL_ERROR: neither may stand in
    // for the reset's name. (Node 20 and 24 list the error codes last, so the last name per number is
    // already the error's; the filter in node-errors.ts keeps it so should the order change.)
    expect(constants.NGHTTP2_SESSION_CLIENT).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
    expect(constants.NGHTTP2_FLAG_END_STREAM).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
    expect(fromHttp2Reset(constants.NGHTTP2_PROTOCOL_ERROR).rawMessage).toContain("reset with PROTOCOL_ERROR (0x1)");
    expect(fromHttp2Reset(constants.NGHTTP2_NO_ERROR).rawMessage).toContain("reset with NO_ERROR (0x0)");
    expect(fromHttp2Reset(constants.NGHTTP2_FLOW_CONTROL_ERROR).rawMessage).toContain("reset with FLOW_CONTROL_ERROR (0x3)");
  });
});

describe("fromNodeError", () => {
  it("passes a ConnectError through as it is", () => {
    const error = new ConnectError("already typed", Code.DataLoss);
    expect(fromNodeError(error)).toBe(error);
  });

  it.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"])(
    "an unreachable host (%s) is UNAVAILABLE, with the Node error as cause",
    (code) => {
      const cause = systemError(code);
      const error = fromNodeError(cause);
      expect(error.code).toBe(Code.Unavailable);
      expect(error.rawMessage).toBe(cause.message);
      expect(error.cause).toBe(cause);
    },
  );

  it.each(["ECONNRESET", "EPIPE", "ERR_HTTP2_GOAWAY_SESSION"])("any other Node error (%s) is INTERNAL", (code) => {
    expect(fromNodeError(systemError(code)).code).toBe(Code.Internal);
  });

  it("a stream error is the code of the reset that ended the stream", () => {
    const cause = systemError("ERR_HTTP2_STREAM_ERROR");
    const error = fromNodeError(cause, constants.NGHTTP2_REFUSED_STREAM);
    expect(error.code).toBe(Code.Unavailable);
    expect(notSent(error)).toBe(true);
    expect(error.cause).toBe(cause);
    expect(fromNodeError(cause, constants.NGHTTP2_ENHANCE_YOUR_CALM).code).toBe(Code.ResourceExhausted);
  });

  it("a stream error without a reset code, or ended with NO_ERROR, stays a plain INTERNAL failure", () => {
    const cause = systemError("ERR_HTTP2_STREAM_ERROR");
    for (const rst of [undefined, constants.NGHTTP2_NO_ERROR]) {
      const error = fromNodeError(cause, rst);
      expect(error.code).toBe(Code.Internal);
      expect(error.rawMessage).toBe(cause.message);
      expect(notSent(error)).toBe(false);
    }
  });

  it("a reset code goes with a stream error only: another Node error keeps its own meaning", () => {
    expect(fromNodeError(systemError("ECONNREFUSED"), constants.NGHTTP2_CANCEL).code).toBe(Code.Unavailable);
    expect(fromNodeError(systemError("ECONNRESET"), constants.NGHTTP2_REFUSED_STREAM).code).toBe(Code.Internal);
  });

  it("takes what is not an Error, null included, by its text", () => {
    expect(fromNodeError("socket hang up").rawMessage).toBe("socket hang up");
    expect(fromNodeError(null).rawMessage).toBe("null");
    expect(fromNodeError(null).code).toBe(Code.Internal);
    // A code that is not a string is no system error code.
    expect(fromNodeError({ code: 111 }).code).toBe(Code.Internal);
  });
});

describe("trailerError", () => {
  it("is no failure without a grpc-status, or with 0", () => {
    expect(trailerError(new Headers({ "grpc-message": "ignored" }))).toBeUndefined();
    expect(trailerError(new Headers({ "grpc-status": "0", "grpc-message": "ignored" }))).toBeUndefined();
  });

  it("fails with the server's code and its decoded text, the metadata kept", () => {
    const metadata = new Headers({ "grpc-status": "5", "grpc-message": "task %22t1%22 not found" });
    const error = trailerError(metadata)!;
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toBe('task "t1" not found');
    expect(Object.fromEntries(error.metadata)).toEqual(Object.fromEntries(metadata));
    expect(error.details).toEqual([]);
  });

  it("fails with an empty text when the server sent none", () => {
    expect(trailerError(new Headers({ "grpc-status": "14" }))?.rawMessage).toBe("");
  });

  it.each(["17", "99", "-1", "abc", "00"])("turns grpc-status %j, not a failure code, into INTERNAL naming it", (status) => {
    const error = trailerError(new Headers({ "grpc-status": status, "grpc-message": "whatever" }))!;
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe(`invalid grpc-status: ${status}`);
  });
});

/** A gRPC answer (HTTP 200, grpc-status 0 in trailers) whose body is these chunks. */
const okWithBody = (...body: BodyChunk[]): ResponseSpec => ({ ...validSpec, body });
/** A frame of a SUCCESS GetTask answer whose length prefix says `lengthDelta` bytes more than it carries. */
const misframed = (lengthDelta: number): BodyChunk => ({ kind: "frame", flag: 0, valid: true, random: new Uint8Array(), lengthDelta, truncateTo: null });
const raw = (bytes: Uint8Array): BodyChunk => ({ kind: "raw", bytes });

/** How the server of the real-socket tests answers, by the request's mode. */
const answers: Record<string, (stream: ServerHttp2Stream) => void> = {
  // A proxy in front of the server, overloaded: its own page, no gRPC status.
  "http-503": (s) => answer(s, { ...validSpec, httpStatus: 503, contentType: "text/html", body: [raw(Buffer.from("<html>upstream unavailable</html>"))], trailers: null }),
  // A correct gRPC success under an HTTP error status: the HTTP status decides.
  "http-502-grpc-ok": (s) => answer(s, { ...validSpec, httpStatus: 502 }),
  "rst-no-error": (s) => s.close(constants.NGHTTP2_NO_ERROR),
  "no-message": (s) => answer(s, okWithBody()),
  "three-bytes": (s) => answer(s, okWithBody(raw(new Uint8Array([0, 0, 0])))),
  "empty-message": (s) => answer(s, okWithBody(raw(grpcFrame(new Uint8Array())))),
  "prefix-says-less": (s) => answer(s, okWithBody(misframed(-4))),
  "prefix-says-more": (s) => answer(s, okWithBody(misframed(10))),
  "not-protobuf": (s) => answer(s, okWithBody(raw(grpcFrame(new Uint8Array([0xff, 0xff, 0xff, 0xff]))))),
  // Two cookies of a load balancer: Node gives set-cookie as an array, the others as one text.
  cookies: (s) => {
    s.respond({ ":status": 200, "content-type": "application/grpc", "set-cookie": ["lb=node-1; Path=/", "session=abc; HttpOnly"] }, { waitForTrailers: true });
    s.once("wantTrailers", () => s.sendTrailers({ "grpc-status": "0" }));
    s.end(grpcFrame(okGetTaskPayload("t")));
  },
  // The status in the headers, then the message, and no trailers.
  "status-in-headers": (s) => {
    s.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "0" });
    s.end(grpcFrame(okGetTaskPayload("t")));
  },
};

describe("what the raw v2 client gets from the connect transport, on a real socket", () => {
  const MODE_HEADER = "x-answer-mode";
  let server: H2HostileServer;
  let client: ClarifaiClient;
  beforeAll(async () => {
    // "refuse": the stream is reset with REFUSED_STREAM; a mode of `answers`: answered so once the
    // request has arrived; any other ("hang"): never answered.
    server = await startH2Server((stream, headers) => {
      stream.resume();
      const mode = String(headers[MODE_HEADER]);
      if (mode === "refuse") stream.close(constants.NGHTTP2_REFUSED_STREAM);
      else if (mode in answers) stream.once("end", () => answers[mode]!(stream));
    });
    client = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl: server.baseUrl, transport: "connect", retry: false });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  const failureOf = (mode: string, timeoutMs = 5000) =>
    client.v2.getTask({ taskId: "t" }, { timeoutMs, headers: { [MODE_HEADER]: mode } }).then(
      () => expect.unreachable("the call succeeded"),
      (e: unknown) => e as ConnectError,
    );

  it("a refused stream: UNAVAILABLE, marked as not sent, named by its reset", async () => {
    const error = await failureOf("refuse");
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toBe("the HTTP/2 stream was reset with REFUSED_STREAM (0x7)");
    expect(notSent(error)).toBe(true);
  });

  it("a deadline that passes: DEADLINE_EXCEEDED, saying which deadline", async () => {
    const error = await failureOf("hang", 50);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).toBe(Code.DeadlineExceeded);
    // The attempt is given what is left of the call's 50 ms when it starts: 50, or a little less on a slow machine.
    const told = /^the deadline of (\d+) ms passed before the answer came$/.exec(error.rawMessage);
    expect(told, error.rawMessage).not.toBeNull();
    expect(Number(told![1])).toBeGreaterThan(0);
    expect(Number(told![1])).toBeLessThanOrEqual(50);
  });

  it("an HTTP 503 without a gRPC status (a proxy's page): UNAVAILABLE from the HTTP status, marked as the server's answer", async () => {
    const error = await failureOf("http-503");
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toBe("HTTP 503 from the server");
    expect(error.metadata.get("grpc-status")).toBe(String(Code.Unavailable));
    expect(error.metadata.get("content-type")).toBe("text/html");
  });

  it("an HTTP 502 whose body is a correct gRPC success (grpc-status 0): still the HTTP status's failure", async () => {
    const error = await failureOf("http-502-grpc-ok");
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toBe("HTTP 502 from the server");
  });

  it("a stream closed with NO_ERROR before any header: INTERNAL, the answer ended without a gRPC status", async () => {
    const error = await failureOf("rst-no-error");
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe("protocol error: the answer ended without a gRPC status");
  });

  it.each(["no-message", "three-bytes"])("a gRPC OK whose body holds no whole message prefix (%s): INTERNAL, the answer carried no message", async (mode) => {
    const error = await failureOf(mode);
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe("protocol error: the answer carried no message");
  });

  it("a gRPC OK with one empty message (a 5-byte frame): the message with every field unset", async () => {
    const answer = await client.v2.getTask({ taskId: "t" }, { timeoutMs: 5000, headers: { [MODE_HEADER]: "empty-message" } });
    expect(answer.task).toBeUndefined();
    expect(answer.status).toBeUndefined();
  });

  it.each([
    ["prefix-says-less", -4],
    ["prefix-says-more", 10],
  ] as const)("a message whose length prefix disagrees with the body (%s): INTERNAL, naming both lengths", async (mode, delta) => {
    const carried = okGetTaskPayload("fuzz-task").length;
    const error = await failureOf(mode);
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe(`protocol error: expected one message of ${carried + delta} bytes, got ${carried}`);
  });

  it("a message that is not protobuf: INTERNAL, naming the type it should have been", async () => {
    const error = await failureOf("not-protobuf");
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe("the answer is not a valid clarifai.api.SingleTaskResponse");
  });

  it("each set-cookie of the answer's headers stays a cookie of its own", async () => {
    let header: Headers | undefined;
    await client.v2.getTask({ taskId: "t" }, { timeoutMs: 5000, headers: { [MODE_HEADER]: "cookies" }, onHeader: (h) => (header = h) });
    expect(header?.getSetCookie()).toEqual(["lb=node-1; Path=/", "session=abc; HttpOnly"]);
  });

  it("an answer with its status in the headers and no trailers: the message, and empty trailers", async () => {
    let trailer: Headers | undefined;
    const answer = await client.v2.getTask({ taskId: "t" }, { timeoutMs: 5000, headers: { [MODE_HEADER]: "status-in-headers" }, onTrailer: (t) => (trailer = t) });
    expect(answer.task?.id).toBe("t");
    expect([...trailer!.keys()]).toEqual([]);
  });

  it("a request that cannot be encoded: INVALID_ARGUMENT, marked as not sent, and nothing reaches the server", async () => {
    const before = server.streams;
    const error = await client.v2.listTasks({ page: -1 }, { timeoutMs: 5000 }).then(
      () => expect.unreachable("the call succeeded"),
      (e: unknown) => e as ConnectError,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe("the request could not be encoded: cannot encode field clarifai.api.ListTasksRequest.page to binary: invalid uint32: -1");
    expect(notSent(error)).toBe(true);
    expect(server.streams).toBe(before);
  });

  it("a baseUrl with a path prefix: the call goes to <prefix>/<service>/<method>", async () => {
    const prefixed = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl: `${server.baseUrl}/gateway/v1/`, transport: "connect", retry: false });
    try {
      const arrived = new Promise<string | undefined>((resolve) =>
        server.events.once("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
          respondOk(stream, okGetTaskPayload("t"));
          resolve(headers[":path"]);
        }),
      );
      expect((await prefixed.v2.getTask({ taskId: "t" }, { timeoutMs: 5000 })).task?.id).toBe("t");
      expect(await arrived).toBe("/gateway/v1/clarifai.api.V2/GetTask");
    } finally {
      await prefixed.close();
    }
  });

  it("a request that cannot be framed (Node throws while the stream is being written): INTERNAL with Node's error, not a hang", async () => {
    // Only a request of more than 4 GiB makes framing throw for real (its length does not fit the
    // prefix), so the throw is made: the one Buffer.allocUnsafe that runs from the transport's module.
    const allocUnsafe = Buffer.allocUnsafe;
    const spy = vi.spyOn(Buffer, "allocUnsafe").mockImplementation((size: number) => {
      if (new Error().stack?.includes("node-http2")) throw new RangeError("the request is too large to frame");
      return allocUnsafe.call(Buffer, size);
    });
    try {
      const error = await failureOf("hang");
      expect(error.code).toBe(Code.Internal);
      expect(error.rawMessage).toBe("the request is too large to frame");
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
