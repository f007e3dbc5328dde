// Secrets a server can hide where a plain text search does not look: bytes that two places of one
// error share (a ConnectError's detail and the ClarifaiError's `statusDetails`), base64 in a `-bin`
// header at any alignment, and a batch failure longer than the walk's budget for odd objects.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ConnectError, Code } from "@connectrpc/connect";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { MultiTaskResponseSchema } from "../../gen/clarifai/api/service_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { createRedactor, REDACTED, redactError } from "../../src/redact.js";
import { statusFailure, toClarifaiError } from "../../src/status.js";
import { expectNoSecret, renderings } from "../support/renderings.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const redact = createRedactor(SECRET);
const masked = "*".repeat(SECRET.length);
// The walk's budget for odd objects that redact.ts documents.
const MAX_NODES = 2000;

describe("bytes reached by two paths", () => {
  it("a detail's bytes are clean in the cause's details, in statusDetails, through findDetails and toConnectError", () => {
    const value = toBinary(StringValueSchema, create(StringValueSchema, { value: `Key ${SECRET}` }));
    const ce = new ConnectError("denied", Code.Unauthenticated, { "grpc-status": "16" });
    ce.details.push({ type: StringValueSchema.typeName, value });
    const e = toClarifaiError(ce, { method: "GetTask", redact });
    expect(e.cause).toBe(ce);
    const fromCause = (ce.details[0] as { value: Uint8Array }).value;
    expect(e.statusDetails[0]!.value).toBe(fromCause);
    expect(e.findDetails(StringValueSchema).map((d) => d.value)).toEqual([`Key ${masked}`]);
    const passedOn = e.toConnectError();
    expect(fromBinary(StringValueSchema, (passedOn.details[0] as { value: Uint8Array }).value).value).toBe(`Key ${masked}`);
    expectNoSecret([...renderings(e), ...renderings(passedOn)], SECRET);
    // The server's own bytes are not modified: the clean version is a copy.
    expect(fromBinary(StringValueSchema, value).value).toBe(`Key ${SECRET}`);
  });

  it("any object reached again gets the clean version made the first time", () => {
    const bytes = Buffer.from(`x${SECRET}`);
    const e = Object.assign(new Error("x"), { a: { bytes }, b: [bytes], c: new Map([["k", bytes]]) });
    redactError(e, redact);
    const clean = e.a.bytes;
    expect(Buffer.from(clean).toString()).toBe(`x${masked}`);
    expect(e.b[0]).toBe(clean);
    expect(e.c.get("k")).toBe(clean);
  });
});

describe("-bin headers", () => {
  /** `text` after `pad` bytes, base64: the key starts at each offset modulo 3 in turn. */
  const encoded = (pad: number, text: string) => Buffer.concat([Buffer.alloc(pad, 0x41), Buffer.from(text)]).toString("base64");

  it.each([0, 1, 2])("the key inside a base64 value (%i bytes in) is masked in the decoded bytes, the rest kept", (pad) => {
    const e = new ConnectError("x", Code.Unknown, { "x-echo-bin": encoded(pad, `Key ${SECRET};`), "x-other-bin": encoded(pad, "nothing") });
    redactError(e, redact);
    expect(Buffer.from(e.metadata.get("x-echo-bin")!, "base64").toString()).toBe(`${"A".repeat(pad)}Key ${masked};`);
    expect(e.metadata.get("x-other-bin")).toBe(encoded(pad, "nothing"));
    expectNoSecret(renderings(e), SECRET);
  });

  it("repeated values (joined by commas) and unpadded base64 are masked each, in their own form", () => {
    const unpadded = encoded(1, SECRET).replace(/=+$/, "");
    const headers = new Headers();
    headers.append("grpc-status-details-bin", encoded(0, `a ${SECRET}`));
    headers.append("grpc-status-details-bin", unpadded);
    headers.append("grpc-status-details-bin", encoded(0, "plain"));
    const e = new ConnectError("x", Code.Unknown, headers);
    redactError(e, redact);
    const parts = e.metadata.get("grpc-status-details-bin")!.split(", ");
    expect(parts.map((p) => Buffer.from(p, "base64").toString())).toEqual([`a ${masked}`, `A${masked}`, "plain"]);
    expect(parts[1]).not.toMatch(/=$/);
    expectNoSecret(renderings(e), SECRET);
  });

  it("a -bin value held as text anywhere else (a plain object, grpc-js metadata given text) is decoded too", () => {
    const e = Object.assign(new Error("x"), { trailers: { "x-echo-bin": encoded(2, SECRET) } });
    redactError(e, redact);
    expect(Buffer.from(e.trailers["x-echo-bin"], "base64").toString()).toBe(`AA${masked}`);
    // grpc-js keeps binary values as bytes, masked as bytes.
    const md = new grpc.Metadata();
    md.set("x-echo-bin", Buffer.from(SECRET));
    const g = Object.assign(new Error("x"), { metadata: md });
    redactError(g, redact);
    expect(Buffer.from(md.get("x-echo-bin")[0] as Buffer).toString()).toBe(masked);
  });
});

describe("a batch failure longer than the walk's budget", () => {
  it(`scrubs every item of a MIXED_STATUS answer of 1000 items (more than ${MAX_NODES} objects)`, () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => ({
      id: `t${i}`,
      status: { code: StatusCode.TASK_CONFLICT, description: `refused: Key ${SECRET}`, stackTrace: [`at ${SECRET}`] },
    }));
    const response = create(MultiTaskResponseSchema, { status: { code: StatusCode.MIXED_STATUS, description: "Mixed status" }, tasks });
    const e = statusFailure(response, { method: "ListTasks", redact });
    expect(e.items).toHaveLength(1000);
    expect(e.items[999]!.status.description).toBe(`refused: Key ${REDACTED}`);
    expect(e.items[999]!.status.stackTrace).toEqual([`at ${REDACTED}`]);
    expect(JSON.stringify(e)).not.toContain(SECRET);
    expectNoSecret(renderings(e), SECRET);
  });

  it("a retried call's earlier failures are scrubbed to their last item too", () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ index: i, id: "", status: { description: `refused: ${SECRET}` } }));
    const first = statusFailure(create(MultiTaskResponseSchema, { status: { code: StatusCode.MIXED_STATUS }, tasks: items.map((i) => ({ status: { code: StatusCode.TASK_CONFLICT, description: i.status.description } })) }), {
      method: "ListTasks",
      redact: createRedactor(),
    });
    expect(first.items[999]!.status.description).toBe(`refused: ${SECRET}`);
    const last = toClarifaiError(new ConnectError("x", Code.Unavailable), { method: "ListTasks", redact, attempts: 2, previousErrors: [first] });
    expect(first.items[999]!.status.description).toBe(`refused: ${REDACTED}`);
    expectNoSecret(renderings(last), SECRET);
  });

  it("still bounds what a caller hung on an error: an odd object graph is walked only so far", () => {
    const junk = Array.from({ length: MAX_NODES + 10 }, () => ({ text: SECRET }));
    const e = toClarifaiError(new Error("aborted", { cause: { junk } }), { method: "GetTask", redact });
    expect(e.description).toBe("aborted");
    expect(junk.at(-1)!.text).toBe(SECRET);
  });
});
