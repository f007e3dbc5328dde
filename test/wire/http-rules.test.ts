// The REST form of every RPC: the google.api.http rules in our protos (read from the generated
// descriptors, where the REST transport and the emulator read them) match upstream's, binding by
// binding — verb, path template, body, response body — and the comparison catches each kind of edit.
import { create, setExtension, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { http } from "../../gen/google/api/annotations_pb.js";
import { HttpRuleSchema } from "../../gen/google/api/http_pb.js";
import { upstreamRoot } from "../support/upstream.js";
import { descriptorProtos, filesFrom, findProto } from "./descriptors.js";
import { compareHttpRules, ourHttpRules, upstreamHttpRules, type BindingShape } from "./http-rules.js";

const root = upstreamRoot();
const rpcs = V2.methods.map((m) => m.name);
const upstream = upstreamHttpRules(root, "clarifai.api.V2", rpcs);

describe("google.api.http rules", () => {
  test("every RPC in scope has one, and upstream has one for each", () => {
    expect([...ourHttpRules(V2).keys()].sort()).toEqual([...rpcs].sort());
    expect([...upstream.keys()].sort()).toEqual([...rpcs].sort());
  });

  test("each rule matches upstream's: verb, path, body and every additional binding", () => {
    expect(compareHttpRules(ourHttpRules(V2), upstream)).toEqual([]);
  });

  test("the upstream reading sees what the docs' REST calls use", () => {
    // Spot checks against the documentation pages, so a misread oracle cannot agree with a wrong copy.
    expect(upstream.get("PostCollectors")).toEqual([
      { verb: "post", path: "/v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/collectors", body: "*", responseBody: "" },
      { verb: "post", path: "/v2/collectors", body: "*", responseBody: "" },
    ]);
    expect(upstream.get("ListTasks")?.map((b) => [b.verb, b.path, b.body])).toEqual([
      ["get", "/v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/tasks", ""],
      ["get", "/v2/tasks", ""],
    ]);
    expect(upstream.get("DeleteTasks")?.[0]).toMatchObject({ verb: "delete", body: "*" });
  });

  test("each kind of edit to a rule is reported, naming the RPC and binding", () => {
    const protos = descriptorProtos();
    const service = findProto(protos, "clarifai/api/service.proto").service.find((s) => s.name === "V2")!;
    // Rewrites one method's option from an edited copy of its shape.
    const write = (name: string, edit: (bindings: BindingShape[]) => void) => {
      const bindings = ourHttpRules(V2).get(name)!.map((b) => ({ ...b }));
      edit(bindings);
      const [first, ...more] = bindings.map((b) => ({ pattern: { case: b.verb, value: b.path }, body: b.body, responseBody: b.responseBody }));
      const options = service.method.find((m) => m.name === name)!.options!;
      setExtension(options, http, create(HttpRuleSchema, { ...first!, additionalBindings: more } as MessageInitShape<typeof HttpRuleSchema>));
    };
    write("GetTask", (b) => (b[0]!.verb = "post"));
    write("ListTasks", (b) => (b[1]!.path = "/v2/task"));
    write("PatchTasks", (b) => (b[0]!.body = ""));
    write("DeleteCollectors", (b) => b.pop());
    const edited = filesFrom(protos).find((f) => f.name === "clarifai/api/service")!.services[0]!;
    expect(compareHttpRules(ourHttpRules(edited), upstream).sort()).toEqual(
      [
        'GetTask: verb "post", upstream "get"',
        'ListTasks additional_bindings[0]: path "/v2/task", upstream "/v2/tasks"',
        'PatchTasks: body "", upstream "*"',
        "DeleteCollectors: 1 bindings, upstream has 2",
      ].sort(),
    );
    // A rule dropped altogether.
    const dropped = new Map(ourHttpRules(V2));
    dropped.delete("GetCollector");
    expect(compareHttpRules(dropped, upstream)).toEqual(["GetCollector: rule missing"]);
  });
});
