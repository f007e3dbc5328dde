// Transcoding under the google.api.http rules, both ways, on every RPC: a request message becomes the
// HTTP request upstream's rules define (path, query, body), and that HTTP request reads back as the
// same message. Both the rule's own binding (user and app in the path) and the additional binding
// without them (app-scoped keys: `POST /v2/tasks`, `PATCH /v2/collectors`) are covered.
import { create, equals, toJson, type DescMessage, type JsonObject, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TaskInputSource_TaskInputSourceType, TaskSchema } from "../../gen/clarifai/api/resources_pb.js";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { RestMappingError } from "../../src/rest/mapping-error.js";
import { encodePathSegment, parsePathTemplate } from "../../src/rest/path-template.js";
import { appendQuery } from "../../src/rest/query.js";
import { restBindings } from "../../src/rest/rules.js";
import { decodeRestRequest, encodeRestRequest, matchRestRoute, type RestRequest } from "../../src/rest/transcode.js";

type Method = (typeof V2.methods)[number];
const bindings = restBindings(V2);
const scope = { userId: "u1", appId: "a1" };

/** The request for `init` under `method`, as the REST transport would send it. */
function encode<M extends Method>(method: M, init: MessageInitShape<M["input"]>): RestRequest {
  return encodeRestRequest(method, create(method.input, init as never) as MessageShape<DescMessage>);
}

/** What the emulator reads from an HTTP request. */
function decode(httpMethod: string, pathAndQuery: string, body = "") {
  const url = new URL(pathAndQuery, "http://x");
  const match = matchRestRoute(bindings, httpMethod, url.pathname);
  if (!match || "allow" in match) throw new Error(`no route for ${httpMethod} ${url.pathname}`);
  return { method: match.binding.method, message: decodeRestRequest(match, url.searchParams, body) };
}

/** Encodes, checks the HTTP form, decodes, and checks the same RPC and message come back. */
function roundTrip<M extends Method>(method: M, init: MessageInitShape<M["input"]>) {
  const req = encode(method, init);
  const back = decode(req.method, `${req.path}${req.query ? `?${req.query}` : ""}`, req.body ?? "");
  expect(back.method).toBe(method);
  expect(equals(method.input, back.message as never, create(method.input, init as never) as never)).toBe(true);
  return { method: req.method, path: req.path, query: decodeURIComponent(req.query), body: req.body === undefined ? undefined : JSON.parse(req.body) };
}

const m = V2.method;
type Row = [Method, object, string, string, string, unknown];
/** Labels a row with its RPC's name. */
const named = (row: unknown[]) => [(row[0] as Method).name, ...(row as Row)] as [string, ...Row];

describe("every RPC, with user and app in the path", () => {
  it.each([
    [m.postTasks, { userAppId: scope, tasks: [{ name: "t", sampleMs: 1000 }] }, "POST", "/v2/users/u1/apps/a1/tasks", "", { tasks: [{ name: "t", sample_ms: 1000 }] }],
    [m.getTask, { userAppId: scope, taskId: "t1", additionalFields: ["all"] }, "GET", "/v2/users/u1/apps/a1/tasks/t1", "additional_fields=all", undefined],
    [
      m.listTasks,
      { userAppId: scope, page: 2, perPage: 10, workerUserIds: ["w1", "w2"], inputSourceType: TaskInputSource_TaskInputSourceType.DATASET, includingLabelOrderTasks: true },
      "GET",
      "/v2/users/u1/apps/a1/tasks",
      "page=2&per_page=10&worker_user_ids=w1&worker_user_ids=w2&including_label_order_tasks=true&input_source_type=DATASET",
      undefined,
    ],
    [m.patchTasks, { userAppId: scope, action: "overwrite", tasks: [{ id: "t1" }] }, "PATCH", "/v2/users/u1/apps/a1/tasks", "", { tasks: [{ id: "t1" }], action: "overwrite" }],
    [m.deleteTasks, { userAppId: scope, ids: ["t1", "t2"] }, "DELETE", "/v2/users/u1/apps/a1/tasks", "", { ids: ["t1", "t2"] }],
    [m.getTaskAnnotationCount, { userAppId: scope, taskId: "t1", userIds: ["w1"] }, "GET", "/v2/users/u1/apps/a1/tasks/t1/annotations/count", "user_ids=w1", undefined],
    [m.getTaskInputCount, { userAppId: scope, taskId: "t1", modelVersionIds: ["mv"] }, "GET", "/v2/users/u1/apps/a1/tasks/t1/inputs/count", "model_version_ids=mv", undefined],
    [m.postCollectors, { userAppId: scope, collectors: [{ id: "c1" }] }, "POST", "/v2/users/u1/apps/a1/collectors", "", { collectors: [{ id: "c1" }] }],
    [m.getCollector, { userAppId: scope, collectorId: "c1" }, "GET", "/v2/users/u1/apps/a1/collectors/c1", "", undefined],
    [m.listCollectors, { userAppId: scope, perPage: 5 }, "GET", "/v2/users/u1/apps/a1/collectors", "per_page=5", undefined],
    [m.patchCollectors, { userAppId: scope, action: "overwrite", collectors: [{ id: "c1", description: "d" }] }, "PATCH", "/v2/users/u1/apps/a1/collectors", "", { collectors: [{ id: "c1", description: "d" }], action: "overwrite" }],
    [m.deleteCollectors, { userAppId: scope, deleteAll: true }, "DELETE", "/v2/users/u1/apps/a1/collectors", "", { delete_all: true }],
  ].map(named))("%s", (_name, method, init, verb, path, query, body) => {
    expect(roundTrip(method, init as never)).toEqual({ method: verb, path, query, body });
  });
});

describe("every RPC without user and app: the additional binding", () => {
  it.each([
    [m.postTasks, { tasks: [{ name: "t" }] }, "POST", "/v2/tasks", "", { tasks: [{ name: "t" }] }],
    [m.getTask, { taskId: "t1" }, "GET", "/v2/tasks/t1", "", undefined],
    [m.listTasks, { reviewUserIds: ["r1"] }, "GET", "/v2/tasks", "review_user_ids=r1", undefined],
    [m.patchTasks, { action: "overwrite", tasks: [{ id: "t1" }] }, "PATCH", "/v2/tasks", "", { action: "overwrite", tasks: [{ id: "t1" }] }],
    [m.deleteTasks, { ids: ["t1"] }, "DELETE", "/v2/tasks", "", { ids: ["t1"] }],
    [m.getTaskAnnotationCount, { taskId: "t1" }, "GET", "/v2/tasks/t1/annotations/count", "", undefined],
    [m.getTaskInputCount, { taskId: "t1", workflowVersionIds: ["wv"] }, "GET", "/v2/tasks/t1/inputs/count", "workflow_version_ids=wv", undefined],
    [m.postCollectors, { collectors: [{ id: "c1" }] }, "POST", "/v2/collectors", "", { collectors: [{ id: "c1" }] }],
    [m.getCollector, { collectorId: "c1" }, "GET", "/v2/collectors/c1", "", undefined],
    [m.listCollectors, {}, "GET", "/v2/collectors", "", undefined],
    [m.patchCollectors, { action: "overwrite", collectors: [{ id: "c1" }] }, "PATCH", "/v2/collectors", "", { action: "overwrite", collectors: [{ id: "c1" }] }],
    [m.deleteCollectors, { ids: ["c1"] }, "DELETE", "/v2/collectors", "", { ids: ["c1"] }],
  ].map(named))("%s", (_name, method, init, verb, path, query, body) => {
    expect(roundTrip(method, init as never)).toEqual({ method: verb, path, query, body });
  });

  it("a half-given user_app_id takes the short route and keeps the half in the query or body", () => {
    expect(roundTrip(m.listTasks, { userAppId: { userId: "me" } })).toMatchObject({ path: "/v2/tasks", query: "user_app_id.user_id=me" });
    expect(roundTrip(m.postTasks, { userAppId: { appId: "a1" }, tasks: [{}] })).toMatchObject({ path: "/v2/tasks", body: { user_app_id: { app_id: "a1" }, tasks: [{}] } });
  });
});

describe("paths", () => {
  it("percent-encodes every variable character outside [-_.~0-9a-zA-Z], and reads it back", () => {
    expect(encodePathSegment("a b/c?d#e!'()*~._-")).toBe("a%20b%2Fc%3Fd%23e%21%27%28%29%2A~._-");
    expect(roundTrip(m.getTask, { userAppId: { userId: "user one", appId: "ä/pp" }, taskId: "t?1" }).path).toBe("/v2/users/user%20one/apps/%C3%A4%2Fpp/tasks/t%3F1");
  });

  it("round-trips any ids, any repeated filters (property)", () => {
    const text = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.option(fc.record({ userId: text, appId: text }), { nil: undefined }), text, fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), (userAppId, taskId, userIds) => {
        roundTrip(m.getTaskAnnotationCount, { userAppId, taskId, userIds });
      }),
      { numRuns: 300, seed: 20260301 },
    );
  });

  it("refuses a request whose path cannot be filled, naming the field, before anything is sent", () => {
    const error = (() => {
      try {
        encode(m.getTask, { userAppId: scope });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RestMappingError);
    expect((error as RestMappingError).fieldPath).toBe("task_id");
    expect((error as Error).message).toBe("GetTask: task_id must be set: it is part of the path /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/tasks/{task_id}");
  });

  it("answers a known path under another verb with the verbs it allows, an unknown path with nothing", () => {
    expect(matchRestRoute(bindings, "PUT", "/v2/tasks")).toEqual({ allow: ["DELETE", "GET", "PATCH", "POST"] });
    expect(matchRestRoute(bindings, "POST", "/v2/tasks/t1")).toEqual({ allow: ["GET"] });
    expect(matchRestRoute(bindings, "GET", "/v2/inputs")).toBeUndefined();
    expect(matchRestRoute(bindings, "GET", "/v2/tasks/")).toBeUndefined();
    expect(matchRestRoute(bindings, "GET", "/v2/tasks/%E0%A4%A")).toBeUndefined();
  });

  it("prefers the template with more literal segments when two match", () => {
    const a = parsePathTemplate("/v2/{id}/count");
    const b = parsePathTemplate("/v2/tasks/count");
    const fake = [a, b].map((template, index) => ({ ...bindings[0]!, template, pathFields: new Map(), index }));
    const match = matchRestRoute(fake, "GET", "/v2/tasks/count");
    expect(match && "binding" in match && match.binding.template.source).toBe("/v2/tasks/count");
  });

  it.each(["v2/tasks", "/v2//tasks", "/v2/**", "/v2/{a=b/*}", "/v2/{a", "/v2/{1a}", "/v2/x*"])("refuses the template %s", (t) => {
    expect(() => parsePathTemplate(t)).toThrow(/path template/);
  });

  it("reads a custom verb and a wildcard", () => {
    const t = parsePathTemplate("/v1/*/{name}:cancel");
    expect(t.verb).toBe("cancel");
    expect(t.segments.map((s) => s.kind)).toEqual(["literal", "wildcard", "variable"]);
  });
});

describe("reading requests as the API documents them", () => {
  it("takes snake_case or camelCase names, enum names or numbers", () => {
    const snake = decode("POST", "/v2/users/u1/apps/a1/tasks", '{"tasks":[{"sample_ms":1000,"worker":{"strategy":"DYNAMIC"}}]}').message;
    const camel = decode("POST", "/v2/users/u1/apps/a1/tasks", '{"tasks":[{"sampleMs":1000,"worker":{"strategy":4}}]}').message;
    expect(equals(V2.method.postTasks.input, snake as never, camel as never)).toBe(true);
    expect(snake).toMatchObject({ userAppId: scope, tasks: [{ sampleMs: 1000, worker: { strategy: 4 } }] });
    const listByName = decode("GET", "/v2/tasks?input_source_type=DATASET&inputSourceIds=d1&perPage=3").message;
    const listByNumber = decode("GET", "/v2/tasks?input_source_type=3&input_source_ids=d1&per_page=3").message;
    expect(listByName).toEqual(listByNumber);
    expect(listByName).toMatchObject({ inputSourceType: 3, inputSourceIds: ["d1"], perPage: 3 });
  });

  it("lets the path win over the body for the same field", () => {
    const { message } = decode("POST", "/v2/users/u1/apps/a1/tasks", '{"user_app_id":{"user_id":"other","app_id":"x"},"tasks":[]}');
    expect(message).toMatchObject({ userAppId: { userId: "u1", appId: "a1" } });
  });

  it("reads an empty body as an empty request", () => {
    expect(decode("DELETE", "/v2/tasks").message).toEqual(create(V2.method.deleteTasks.input));
  });

  it.each([
    ["POST", "/v2/tasks", "{not json", "", /the body is not JSON/],
    ["POST", "/v2/tasks", '{"tasks":[{"nmae":"x"}]}', "", /nmae/],
    ["POST", "/v2/tasks", '{"tasks":[{"type":"NOT_A_TYPE"}]}', "", /NOT_A_TYPE/],
    ["POST", "/v2/tasks", "[1]", "", /PostTasksRequest/],
    ["DELETE", "/v2/tasks?ids=t1", "", "ids", /takes every field in the JSON body/],
    ["GET", "/v2/tasks?worker_user_id=w1", "", "worker_user_id", /has no field worker_user_id/],
    ["GET", "/v2/tasks?page=1&page=2", "", "page", /more than once/],
    ["GET", "/v2/tasks?page=two", "", "", /page/],
    ["GET", "/v2/tasks?including_label_order_tasks=maybe", "", "including_label_order_tasks", /true or false/],
    ["GET", "/v2/tasks?user_app_id=me", "", "user_app_id", /give its fields/],
    ["GET", "/v2/tasks?page.x=1", "", "page.x", /not a message/],
  ])("refuses %s %s %s, naming what is wrong", (verb, url, body, fieldPath, message) => {
    let error: unknown;
    try {
      decode(verb, url, body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RestMappingError);
    expect((error as RestMappingError).fieldPath).toBe(fieldPath);
    expect((error as Error).message).toMatch(message);
  });
});

describe("the rule table", () => {
  it("is read from the descriptors: two bindings per RPC, the short one without user and app", () => {
    expect(bindings).toHaveLength(V2.methods.length * 2);
    for (const method of V2.methods) {
      const own = bindings.filter((b) => b.method === method);
      expect(own.map((b) => b.index)).toEqual([0, 1]);
      expect([...own[0]!.pathFields.keys()].slice(0, 2)).toEqual(["user_app_id.user_id", "user_app_id.app_id"]);
      expect(own[1]!.template.source).toBe(own[0]!.template.source.replace("/users/{user_app_id.user_id}/apps/{user_app_id.app_id}", ""));
    }
  });

  it("refuses to write a field no query parameter can carry: a list of messages, a Struct", () => {
    const write = (schema: DescMessage, init: object) => appendQuery(new URLSearchParams(), schema, toJson(schema, create(schema, init as never), { useProtoFieldName: true }) as JsonObject);
    expect(() => write(V2.method.postTasks.input, { tasks: [{ id: "t" }] })).toThrow(/tasks is a list of messages/);
    expect(() => write(TaskSchema, { worker: { strategyInfo: { case: "partitionedStrategyInfo", value: { weights: { w: 1 } } } } })).toThrow(/worker.partitioned_strategy_info.weights is a google.protobuf.Struct/);
    const params = new URLSearchParams();
    appendQuery(params, TaskSchema, toJson(TaskSchema, create(TaskSchema, { createdAt: { seconds: 0n } }), { useProtoFieldName: true }) as JsonObject);
    expect(params.toString()).toBe("created_at=1970-01-01T00%3A00%3A00Z");
  });
});
