// The gRPC transports' unary result (src/transports/lazy-headers-result.ts): headers and trailers stay
// in the transport's own form until read, are made once, and trailers that come after the result (as
// grpc-js' do) replace an earlier reading's empty ones. The interop suite reads both through the raw
// V2 client on every transport; this pins the laziness, which no call's outcome shows.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { SingleTaskResponseSchema } from "../../gen/clarifai/api/service_pb.js";
import { LazyHeadersResult } from "../../src/transports/lazy-headers-result.js";

type Raw = Record<string, string>;

function counting() {
  const made: (Raw | undefined)[] = [];
  const toHeaders = (raw: Raw | undefined) => {
    made.push(raw);
    return new Headers(raw);
  };
  return { made, toHeaders };
}

const message = create(SingleTaskResponseSchema, { task: { id: "t1" } });

describe("LazyHeadersResult", () => {
  it("makes no Headers until read, then each once", () => {
    const { made, toHeaders } = counting();
    const result = new LazyHeadersResult<typeof SingleTaskResponseSchema, Raw>(message, toHeaders, { "x-head": "h" }, { "x-tail": "t" });
    expect(result.message.task?.id).toBe("t1");
    expect(made).toEqual([]);
    expect(result.header.get("x-head")).toBe("h");
    expect(result.header).toBe(result.header);
    expect(result.trailer.get("x-tail")).toBe("t");
    expect(result.trailer).toBe(result.trailer);
    expect(made).toEqual([{ "x-head": "h" }, { "x-tail": "t" }]);
  });

  it("takes trailers that come after it was made: a reading before saw none, the next sees them", () => {
    const { made, toHeaders } = counting();
    const result = new LazyHeadersResult<typeof SingleTaskResponseSchema, Raw>(message, toHeaders, undefined, undefined);
    expect([...result.trailer.keys()]).toEqual([]);
    result.setTail({ "grpc-status": "0", "x-tail": "late" });
    expect(result.trailer.get("x-tail")).toBe("late");
    expect(result.trailer).toBe(result.trailer);
    expect([...result.header.keys()]).toEqual([]);
    expect(made).toEqual([undefined, { "grpc-status": "0", "x-tail": "late" }, undefined]);
  });
});
