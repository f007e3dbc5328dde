// The REST rule table reads each method's `google.api.http` rule from its option bytes (src/rest/rules.ts),
// without protobuf-es' getOption and the descriptor.proto schemas it needs: it must find what getOption
// finds, for every method of the service, and know the extension by its generated number.
import { getOption, hasOption, create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { http } from "../../gen/google/api/annotations_pb.js";
import { HttpRuleSchema } from "../../gen/google/api/http_pb.js";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { HTTP_OPTION_FIELD, httpRuleOf } from "../../src/rest/rules.js";

describe("the google.api.http rule read from a method's option bytes", () => {
  it("uses the generated extension's field number", () => {
    expect(HTTP_OPTION_FIELD).toBe(http.number);
  });

  it("is what getOption reads, for every method of the service (and none where there is none)", () => {
    expect(V2.methods.length).toBeGreaterThan(10);
    for (const method of V2.methods) {
      expect(httpRuleOf(method), method.name).toEqual(hasOption(method, http) ? getOption(method, http) : undefined);
    }
  });

  it("merges a rule given twice, as protobuf merges a singular message", () => {
    // An unknown field's data is what follows its tag: the length, then the message.
    const part = (init: Parameters<typeof create<typeof HttpRuleSchema>>[1]) => ({
      no: HTTP_OPTION_FIELD,
      wireType: WireType.LengthDelimited,
      data: new BinaryWriter().bytes(toBinary(HttpRuleSchema, create(HttpRuleSchema, init))).finish(),
    });
    const method = {
      proto: { options: { $unknown: [part({ pattern: { case: "get", value: "/a" } }), part({ body: "*" }), { no: 1, wireType: WireType.Varint, data: new Uint8Array([1]) }] } },
    } as unknown as Parameters<typeof httpRuleOf>[0];
    const rule = httpRuleOf(method);
    expect(rule?.pattern).toEqual({ case: "get", value: "/a" });
    expect(rule?.body).toBe("*");
  });
});
