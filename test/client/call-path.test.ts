// The call path as a caller's connect interceptor sees it: the request it is handed (a unary POST to
// `<baseUrl>/<service>/<method>`) and the response it gets back (unary), on facade and raw calls; and
// the raw `v2` client's signal handling, which leaves no listener behind on the caller's signal.
import { getEventListeners } from "node:events";
import { ConnectError, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, Code, StatusCode, V2 } from "clarifai-grpc-es";

const ok = { status: { code: StatusCode.SUCCESS } };

function client(interceptors: Interceptor[] = [], tracing?: boolean) {
  const transport = createRouterTransport(({ service }) => service(V2, { getTask: (req) => ({ ...ok, task: { id: req.taskId } }) }));
  return new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl: "https://api.example.test", transport, interceptors, ...(tracing === undefined ? {} : { tracing }) });
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

it("without tracing, a raw call on a closed client fails as connect's clients do: FAILED_PRECONDITION, nothing sent", async () => {
  const c = client([], false);
  await c.close();
  const e = await c.v2.getTask({ taskId: "t" }).then(() => expect.unreachable("resolved"), (x: unknown) => x);
  expect(e).toBeInstanceOf(ConnectError);
  expect((e as ConnectError).code).toBe(Code.FailedPrecondition);
  expect((e as ConnectError).message).toMatch(/closed/);
});

it("a facade call that fails before its first attempt lists no earlier attempts", async () => {
  const c = client();
  const aborted = await c.tasks.get("t", { signal: AbortSignal.abort() }).then(() => expect.unreachable("resolved"), (x: unknown) => x as ClarifaiError);
  expect(aborted.grpcCode).toBe(Code.Canceled);
  expect(aborted.previousErrors).toEqual([]);
  await c.close();
  const closed = await c.tasks.get("t").then(() => expect.unreachable("resolved"), (x: unknown) => x as ClarifaiError);
  expect(closed.grpcCode).toBe(Code.FailedPrecondition);
  expect(closed.previousErrors).toEqual([]);
});

it("the first attempt is given the call's whole timeout, not what a clock read later leaves of it", async () => {
  const router = createRouterTransport(({ service }) => service(V2, { getTask: (req) => ({ ...ok, task: { id: req.taskId } }) }));
  const timeouts: (number | undefined)[] = [];
  const transport: typeof router = { ...router, unary: (method, signal, timeoutMs, ...rest) => (timeouts.push(timeoutMs), router.unary(method, signal, timeoutMs, ...rest)) };
  // A clock that moves a second on every read: a timeout computed from two reads would come out short.
  let t = 0;
  const c = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", transport, retry: { now: () => (t += 1000) } });
  await c.tasks.get("t", { timeoutMs: 5000 });
  expect(timeouts).toEqual([5000]);
});

it("without interceptors, calls hand the transport the client's own signal: no signal, Headers or connect call per attempt", async () => {
  const router = createRouterTransport(({ service }) => service(V2, { getTask: (req) => ({ ...ok, task: { id: req.taskId } }) }));
  const signals: AbortSignal[] = [];
  const transport: typeof router = { ...router, unary: (method, signal, ...rest) => (signals.push(signal!), router.unary(method, signal, ...rest)) };
  const c = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", transport });
  await c.tasks.get("t1");
  await c.v2.getTask({ taskId: "t2" });
  expect(signals).toHaveLength(2);
  // Through connect's interceptor chain each attempt would get a signal of its own, linked to this one.
  expect(signals[1]).toBe(signals[0]);
  await c.close();
  expect(signals[0]!.aborted).toBe(true);
});
