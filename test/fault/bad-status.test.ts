// A server's status that is badly encoded — a `grpc-message` that is not valid percent-encoding, a
// `grpc-status-details-bin` that does not decode — once crashed the process: connect's decoder threw
// inside the stream's `close` listener (default transport) and inside grpc-js' callback. The gRPC spec
// says a client must not fail on a badly encoded message: the call fails with the server's code, the
// message kept as sent where it does not decode, the details dropped, and the process stays up. An
// answer whose trailers carry no status at all is a failure too, not a success.
import { Code } from "@connectrpc/connect";
import http2 from "node:http2";
import { describe, expect, it, vi } from "vitest";
import { decodeGrpcMessage, statusDetails } from "../../src/transports/trailer-status.js";
import { guardEachTest } from "../support/hostile/process-guard.js";
import { grpcFrame, okGetTaskPayload, respondOk } from "../support/hostile/grpc-wire.js";
import { startH2Server } from "../support/hostile/servers.js";
import { clientFor, expectTypedError, TRANSPORTS } from "./harness.js";

const track = guardEachTest();

/** Answers every call with this status, trailers-only (in the headers) or after headers (in trailers). */
async function answering(status: http2.OutgoingHttpHeaders, where: "trailers-only" | "trailers") {
  const server = await startH2Server((stream) => {
    stream.resume();
    stream.once("end", () => {
      if (where === "trailers-only") {
        stream.respond({ ":status": 200, "content-type": "application/grpc", ...status }, { endStream: true });
      } else {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers(status));
        stream.end();
      }
    });
  });
  return track(server);
}

describe.each(TRANSPORTS)("a badly encoded status over %s", (transport) => {
  for (const where of ["trailers-only", "trailers"] as const) {
    it(`a grpc-message that is not percent-encoding (${where}): the server's code, its text as sent`, async () => {
      const server = await answering({ "grpc-status": String(Code.ResourceExhausted), "grpc-message": "quota 100% used" }, where);
      const client = track(clientFor(transport, server.baseUrl));
      const error = await expectTypedError(client.tasks.get("t1"), 1000);
      expect(error.grpcCode).toBe(Code.ResourceExhausted);
      expect(error.message).toContain("quota 100% used");
    });

    it(`a grpc-status-details-bin that does not decode (${where}): the server's code and message, no details`, async () => {
      const server = await answering({ "grpc-status": String(Code.Internal), "grpc-message": "broken%20details", "grpc-status-details-bin": "////" }, where);
      const client = track(clientFor(transport, server.baseUrl));
      const error = await expectTypedError(client.tasks.get("t1"), 1000);
      expect(error.grpcCode).toBe(Code.Internal);
      expect(error.message).toContain("broken details");
      expect(error.statusDetails).toEqual([]);
    });
  }
});

describe.each(TRANSPORTS)("an answer without a status over %s", (transport) => {
  it("a SUCCESS message, then trailers without grpc-status (a proxy that cut them): a failure, not the message", async () => {
    const server = await startH2Server((stream) => {
      stream.resume();
      stream.once("end", () => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "x-envoy-upstream-service-time": "3" }));
        stream.end(grpcFrame(okGetTaskPayload("t1")));
      });
    });
    track(server);
    const client = track(clientFor(transport, server.baseUrl));
    const error = await expectTypedError(client.tasks.get("t1"), 1000);
    // grpc-js says UNKNOWN ("Received HTTP status code 200"); the default transport names what is missing.
    if (transport === "connect") {
      expect(error.grpcCode).toBe(Code.Internal);
      expect(error.message).toContain("the answer ended without a gRPC status");
    }
  });
});

describe("an answer that cannot be read on the default transport", () => {
  it("a throw while reading it in the stream's close listener fails the call with INTERNAL, and the process stays up", async () => {
    const server = await startH2Server((stream) => {
      stream.resume();
      stream.once("end", () => respondOk(stream, okGetTaskPayload("t1")));
    });
    track(server);
    // Nothing a server sends makes the listener throw (Node's http2 refuses the header values Headers
    // would), so the throw is made: the one place Buffer.concat runs from the transport's module there.
    const concat = Buffer.concat;
    const spy = vi.spyOn(Buffer, "concat").mockImplementation((...args: Parameters<typeof Buffer.concat>) => {
      if (new Error().stack?.includes("node-http2")) throw new RangeError("no room for the answer");
      return concat.apply(Buffer, args);
    });
    try {
      const client = track(clientFor("connect", server.baseUrl));
      const error = await expectTypedError(client.tasks.get("t1"), 1000);
      expect(error.grpcCode).toBe(Code.Internal);
      expect(error.message).toContain("the answer could not be read: no room for the answer");
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe("decodeGrpcMessage", () => {
  it.each([
    ["plain text", "plain text"],
    ["caf%C3%A9", "café"],
    ["quota 100% used", "quota 100% used"],
    // Each run of escapes on its own: the valid ones decode, the rest stays as sent.
    ["100%25 done, 50% left", "100% done, 50% left"],
    ["bad %FF byte, good %C3%A9", "bad %FF byte, good é"],
    ["trailing %", "trailing %"],
    ["%E2%82", "%E2%82"],
  ])("%j → %j", (raw, decoded) => {
    expect(decodeGrpcMessage(raw)).toBe(decoded);
  });
});

describe("statusDetails", () => {
  it("none when the header is absent, not base64 of a google.rpc.Status, or not base64 at all", () => {
    expect(statusDetails(new Headers())).toEqual([]);
    expect(statusDetails(new Headers({ "grpc-status-details-bin": "////" }))).toEqual([]);
    expect(statusDetails(new Headers({ "grpc-status-details-bin": "%%%" }))).toEqual([]);
  });
});
