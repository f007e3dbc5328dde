// The call path as a caller's connect interceptor sees it: the request it is handed (a unary POST to
// `<baseUrl>/<service>/<method>`) and the response it gets back (unary), on facade and raw calls; and
// the raw `v2` client's signal handling, which leaves no listener behind on the caller's signal.
import { getEventListeners } from "node:events";
import { createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { expect, it } from "vitest";
import { ClarifaiClient, StatusCode, V2 } from "clarifai-grpc-es";

const ok = { status: { code: StatusCode.SUCCESS } };

function client(interceptors: Interceptor[] = []) {
  const transport = createRouterTransport(({ service }) => service(V2, { getTask: (req) => ({ ...ok, task: { id: req.taskId } }) }));
  return new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl: "https://api.example.test", transport, interceptors });
}

it("an interceptor sees a unary POST to the method's URL, and a unary response, on facade and raw calls", async () => {
  const seen: { url: string; requestMethod: string; stream: boolean; responseStream: boolean }[] = [];
  const record: Interceptor = (next) => async (req) => {
    const res = await next(req);
    seen.push({ url: req.url, requestMethod: req.requestMethod, stream: req.stream, responseStream: res.stream });
    return res;
  };
  const c = client([record]);
  expect((await c.tasks.get("t1")).id).toBe("t1");
  expect((await c.v2.getTask({ taskId: "t2" })).task?.id).toBe("t2");
  const expected = { url: "https://api.example.test/clarifai.api.V2/GetTask", requestMethod: "POST", stream: false, responseStream: false };
  expect(seen).toEqual([expected, expected]);
});

it("a raw call with the caller's signal leaves no listener on it once it has answered", async () => {
  const c = client();
  const controller = new AbortController();
  for (let i = 0; i < 3; i++) await c.v2.getTask({ taskId: `t${i}` }, { signal: controller.signal });
  expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
});
