// What the resource namespaces send and how they name their failures: each method's RPC name on the
// errors it raises before sending (no app scope, bad list params, invalid input) and on a SUCCESS answer
// that lacks the message it must carry; the ids, filters and validate switch it sends; and paginate's
// refusal of page sizes and bounds that are not positive integers. Every failure before sending is a
// rejection, never a synchronous throw (the tests would fail on one: `failure` takes a promise).
import { createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, paginate, StatusCode, V2, ValidationError } from "clarifai-grpc-es";

const ok = { status: { code: StatusCode.SUCCESS } };

/** A client over a router that records each request and answers SUCCESS with nothing in it. */
function recording(scope: { appId?: string } = { appId: "a" }) {
  const seen: { method: string; req: Record<string, unknown> }[] = [];
  const note = (method: string) => (req: object) => (seen.push({ method, req: req as Record<string, unknown> }), ok);
  const transport = createRouterTransport(({ service }) =>
    service(V2, {
      postTasks: note("PostTasks"),
      getTask: note("GetTask"),
      listTasks: note("ListTasks"),
      patchTasks: note("PatchTasks"),
      deleteTasks: note("DeleteTasks"),
      getTaskAnnotationCount: note("GetTaskAnnotationCount"),
      getTaskInputCount: note("GetTaskInputCount"),
      postCollectors: note("PostCollectors"),
      getCollector: note("GetCollector"),
      listCollectors: note("ListCollectors"),
      patchCollectors: note("PatchCollectors"),
      deleteCollectors: note("DeleteCollectors"),
    }),
  );
  return { seen, client: new ClarifaiClient({ pat: "pat-123456", userId: "u", ...scope, transport }) };
}

const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("resolved"), (e: unknown) => e as ClarifaiError);

describe("a SUCCESS answer without the message the method returns", () => {
  const cases: [string, string, (c: ClarifaiClient) => Promise<unknown>][] = [
    ["PostTasks", "task", (c) => c.tasks.create({ id: "t" }, { validate: false })],
    ["GetTask", "task", (c) => c.tasks.get("t")],
    ["PatchTasks", "task", (c) => c.tasks.update({ id: "t" }, { validate: false })],
    ["PostCollectors", "collector", (c) => c.collectors.create({ id: "c" }, { validate: false })],
    ["GetCollector", "collector", (c) => c.collectors.get("c")],
    ["PatchCollectors", "collector", (c) => c.collectors.update({ id: "c" }, { validate: false })],
  ];
  it.each(cases)("%s is a ClarifaiError naming the RPC and the missing %s", async (method, what, run) => {
    const e = await failure(run(recording().client));
    expect(e).toBeInstanceOf(ClarifaiError);
    expect(e.method).toBe(method);
    expect(e.message).toContain(`the response carried no ${what}`);
  });
});

describe("a call without an app scope fails before sending, naming its RPC", () => {
  const cases: [string, (c: ClarifaiClient) => Promise<unknown>][] = [
    ["PostTasks", (c) => c.tasks.create({ id: "t" }, { validate: false })],
    ["GetTask", (c) => c.tasks.get("t")],
    ["ListTasks", (c) => c.tasks.list()],
    ["PatchTasks", (c) => c.tasks.update({ id: "t" }, { validate: false })],
    ["DeleteTasks", (c) => c.tasks.delete("t")],
    ["GetTaskAnnotationCount", (c) => c.tasks.annotationCount("t")],
    ["GetTaskInputCount", (c) => c.tasks.inputCount("t")],
    ["PostCollectors", (c) => c.collectors.create({ id: "c" }, { validate: false })],
    ["GetCollector", (c) => c.collectors.get("c")],
    ["ListCollectors", (c) => c.collectors.list()],
    ["PatchCollectors", (c) => c.collectors.update({ id: "c" }, { validate: false })],
    ["DeleteCollectors", (c) => c.collectors.delete("c")],
    ["DeleteCollectors", (c) => c.collectors.deleteAll()],
  ];
  it.each(cases)("%s", async (method, run) => {
    const { client, seen } = recording({ appId: "" });
    const e = await failure(run(client));
    expect(e).toBeInstanceOf(ClarifaiError);
    expect(e.method).toBe(method);
    expect(e.message).toMatch(/no user_app_id/);
    expect(seen).toEqual([]);
  });
});

describe("input refused before sending", () => {
  it("bad list params are a ValidationError naming ListTasks / ListCollectors, and nothing is sent", async () => {
    const { client, seen } = recording();
    const tasks = await failure(client.tasks.list({ perPage: -1 }));
    expect(tasks).toBeInstanceOf(ValidationError);
    expect(tasks.method).toBe("ListTasks");
    const collectors = await failure(client.collectors.list({ perPage: -1 }));
    expect(collectors).toBeInstanceOf(ValidationError);
    expect(collectors.method).toBe("ListCollectors");
    expect(seen).toEqual([]);
  });

  it("an invalid collector or task is refused, naming its RPC, unless validate is false, which sends it as written", async () => {
    const { client, seen } = recording();
    const bad = { id: "" };
    const runs: [string, () => Promise<unknown>][] = [
      ["PostCollectors", () => client.collectors.create(bad)],
      ["PatchCollectors", () => client.collectors.update(bad)],
      ["PostTasks", () => client.tasks.create({ id: "t", sampleMs: -1 })],
      ["PatchTasks", () => client.tasks.update({ id: "t", sampleMs: -1 })],
    ];
    for (const [method, run] of runs) {
      const e = await failure(run());
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.method).toBe(method);
    }
    expect(seen).toEqual([]);
    await client.collectors.create([bad], { validate: false });
    await client.collectors.update([bad], { validate: false });
    expect(seen.map((s) => s.method)).toEqual(["PostCollectors", "PatchCollectors"]);
  });
});

describe("what is sent", () => {
  it("delete sends every id of an array, and one id given alone", async () => {
    const { client, seen } = recording();
    await client.collectors.delete(["c1", "c2"]);
    await client.collectors.delete("c3");
    await client.tasks.delete(["t1", "t2"]);
    expect(seen.map((s) => s.req["ids"])).toEqual([["c1", "c2"], ["c3"], ["t1", "t2"]]);
  });

  it("count filters are sent as given, and empty when not given", async () => {
    const { client, seen } = recording();
    await client.tasks.annotationCount("t", { userIds: ["u1"], modelVersionIds: ["mv1"], workflowVersionIds: ["wv1"] });
    await client.tasks.inputCount("t");
    const filters = seen.map(({ req }) => [req["userIds"], req["modelVersionIds"], req["workflowVersionIds"]]);
    expect(filters).toEqual([
      [["u1"], ["mv1"], ["wv1"]],
      [[], [], []],
    ]);
  });

  it("collectors.listAll tells pages apart by collector id: distinct full pages are walked, not taken for repeats", async () => {
    let page = 0;
    const transport = createRouterTransport(({ service }) =>
      service(V2, {
        listCollectors: (req) => (page++, { ...ok, collectors: req.page < 3 ? [{ id: `c${req.page}` }] : [] }),
      }),
    );
    const client = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", transport });
    const ids: string[] = [];
    for await (const c of client.collectors.listAll({ perPage: 1 })) ids.push(c.id);
    expect(ids).toEqual(["c1", "c2"]);
    expect(page).toBe(3);
  });
});

describe("paginate's own arguments", () => {
  it.each([0, -1, 1.5])("perPage %s is a TypeError before any fetch", async (perPage) => {
    let fetched = 0;
    const it = paginate(async () => (fetched++, []), String, { perPage });
    await expect(it.next()).rejects.toThrow(new TypeError(`perPage must be a positive integer, got ${perPage}`));
    expect(fetched).toBe(0);
  });

  it.each([0, -1, 1.5])("maxPages %s is a TypeError before any fetch", async (maxPages) => {
    let fetched = 0;
    const it = paginate(async () => (fetched++, []), String, { maxPages });
    await expect(it.next()).rejects.toThrow(new TypeError(`maxPages must be a positive integer, got ${maxPages}`));
    expect(fetched).toBe(0);
  });

  it("maxPages 1 fetches one page", async () => {
    const out: number[] = [];
    for await (const x of paginate(async () => [7], String, { perPage: 2, maxPages: 1 })) out.push(x);
    expect(out).toEqual([7]);
  });

  it("a short page ends the walk unchecked, even when its keys join like the full page before it", async () => {
    const pages: number[] = [];
    const out: string[] = [];
    for await (const x of paginate(async (p) => (pages.push(p), p === 1 ? ["a", "b"] : ["a\u0000b"]), String, { perPage: 2 })) out.push(x);
    expect(pages).toEqual([1, 2]);
    expect(out).toEqual(["a", "b", "a\u0000b"]);
  });

  it("keys are joined with a separator: pages whose keys concatenate alike are not repeats", async () => {
    const pages = [["ab", "c"], ["a", "bc"], []];
    const out: string[] = [];
    for await (const x of paginate(async (p) => pages[p - 1]!, String, { perPage: 2 })) out.push(x);
    expect(out).toEqual(["ab", "c", "a", "bc"]);
  });
});
