// listAll over an in-memory transport: an abort between pages or while the consumer handles an item is
// a ClarifaiError (CANCELED, the reason as cause), as CallOptions.signal promises; a perPage the API
// would clamp is refused before anything is sent.
import { createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, Code, paginate, StatusCode, V2 } from "clarifai-grpc-es";

/** A client whose ListTasks/ListCollectors always answer a full page (so only an abort or a bound ends a walk). */
function fullPages() {
  const calls: string[] = [];
  const transport = createRouterTransport(({ service }) =>
    service(V2, {
      listTasks: (req) => (calls.push("ListTasks"), { status: { code: StatusCode.SUCCESS }, tasks: Array.from({ length: req.perPage }, (_, i) => ({ id: `t${req.page}-${i}` })) }),
      listCollectors: (req) => (calls.push("ListCollectors"), { status: { code: StatusCode.SUCCESS }, collectors: Array.from({ length: req.perPage }, (_, i) => ({ id: `c${req.page}-${i}` })) }),
    }),
  );
  return { calls, client: new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", transport }) };
}

describe.each(["tasks", "collectors"] as const)("%s.listAll", (resource) => {
  const method = resource === "tasks" ? "ListTasks" : "ListCollectors";
  const walk = (client: ClarifaiClient, params: { perPage?: number }, signal?: AbortSignal) =>
    (resource === "tasks" ? client.tasks.listAll(params, { signal }) : client.collectors.listAll(params, { signal })) as AsyncIterable<{ id: string }>;

  it("a server that ignores page (the same full page every time) ends the walk with a ClarifaiError, not a loop", async () => {
    const transport = createRouterTransport(({ service }) =>
      service(V2, {
        listTasks: (req) => ({ status: { code: StatusCode.SUCCESS }, tasks: Array.from({ length: req.perPage }, (_, i) => ({ id: `t${i}` })) }),
        listCollectors: (req) => ({ status: { code: StatusCode.SUCCESS }, collectors: Array.from({ length: req.perPage }, (_, i) => ({ id: `c${i}` })) }),
      }),
    );
    const client = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", transport });
    const e = await (async () => {
      for await (const _ of walk(client, { perPage: 2 }));
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClarifaiError);
    expect((e as ClarifaiError).method).toBe(method);
    expect((e as ClarifaiError).message).toMatch(/repeated page 1/);
  });

  it("an abort while the consumer handles an item is a ClarifaiError CANCELED with the reason as cause", async () => {
    const { client, calls } = fullPages();
    const controller = new AbortController();
    const reason = new Error("enough");
    let seen = 0;
    const e = await (async () => {
      for await (const _ of walk(client, { perPage: 2 }, controller.signal)) if (++seen === 1) controller.abort(reason);
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClarifaiError);
    expect((e as ClarifaiError).grpcCode).toBe(Code.Canceled);
    expect((e as ClarifaiError).method).toBe(method);
    expect((e as ClarifaiError).cause).toBe(reason);
    expect(seen).toBe(1);
    expect(calls).toEqual([method]);
  });

  it("an abort before the next page is a ClarifaiError CANCELED, and that page is not fetched", async () => {
    const { client, calls } = fullPages();
    const controller = new AbortController();
    const it = walk(client, { perPage: 1 }, controller.signal)[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    controller.abort();
    const e = await it.next().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClarifaiError);
    expect((e as ClarifaiError).grpcCode).toBe(Code.Canceled);
    expect(calls).toEqual([method]);
  });

  it("refuses perPage above the API's maximum (1000) before sending, naming perPage", async () => {
    const { client, calls } = fullPages();
    const e = await (async () => {
      for await (const _ of walk(client, { perPage: 1001 }));
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(String((e as Error).message)).toMatch(/perPage must be at most 1000/);
    expect(calls).toEqual([]);
    // The maximum itself is fine.
    const first = await walk(client, { perPage: 1000 })[Symbol.asyncIterator]().next();
    expect(first.done).toBe(false);
  });
});

it("paginate refuses perPage > 1000 without fetching", async () => {
  let fetched = 0;
  const it = paginate(async () => (fetched++, []), String, { perPage: 5000 });
  await expect(it.next()).rejects.toThrow(/perPage/);
  expect(fetched).toBe(0);
});
