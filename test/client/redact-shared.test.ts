// Secrets a server can hide where a plain text search does not look: bytes that two places of one
// error share (a ConnectError's detail and the ClarifaiError's `statusDetails`), and base64 in a `-bin`
// header at any alignment.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ConnectError, Code } from "@connectrpc/connect";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { createRedactor, redactError } from "../../src/redact.js";
import { toClarifaiError } from "../../src/status.js";
import { expectNoSecret, renderings } from "../support/renderings.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const redact = createRedactor(SECRET);
const masked = "*".repeat(SECRET.length);

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
