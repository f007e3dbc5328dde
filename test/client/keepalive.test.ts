// The default transport's keepalive on a real connection: connect-node's session manager, as the
// transport sets it up (src/transports/keepalive.ts), checks a connection left idle for longer than the
// PING interval (30 s) with a PING before the next call goes out on it; the transport tells it of an
// answer's bytes as they come, at most once a second, so a connection busy with a slow answer counts as
// alive. A call that ends while that check is under way sends nothing on the connection, and a client
// closed during it opens no new one (connect-node reconnects when the check fails).
// The clock both read is Date.now(), faked here (only Date: every timer stays real) so that 30 s pass
// at once; the tests wait on the server's events and on the calls, never on time.
import { Code, ConnectError } from "@connectrpc/connect";
import { ClarifaiClient } from "clarifai-grpc-es";
import { once } from "node:events";
import { constants, type ServerHttp2Session, type ServerHttp2Stream } from "node:http2";
import net, { type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { guardEachTest } from "../support/hostile/process-guard.js";
import { grpcFrame, okGetTaskPayload, respondOk } from "../support/hostile/grpc-wire.js";
import { goawayFrame, h2Frame, nextConnection, rstStreamFrame, startFrameServer, startH2Server, type HostileServer } from "../support/hostile/servers.js";

const CALL_HEADER = "x-call";
const T0 = Date.UTC(2026, 0, 1);
const track = guardEachTest();

/** The server's one session (a client keeps one connection), what it saw in order, and its slow calls. */
interface Observed {
  readonly server: Awaited<ReturnType<typeof startH2Server>>;
  /** "ping" for each PING from the client, "call <name>" for each request. */
  readonly log: string[];
  /** Request bytes received, by call name. */
  readonly bytes: Map<string, number>;
  /** Resolves with the stream of the next call named "slow", its headers already sent. */
  nextSlow(): Promise<ServerHttp2Stream>;
  /** Resolves once the client has acknowledged a PING of the server's: it has read all sent before. */
  caughtUp(): Promise<void>;
}

/**
 * A server that answers each call at once, except a call named "slow", whose headers it sends and
 * whose message the test sends when it wants, and a call named "aborted", which it never answers.
 */
async function observed(): Promise<Observed> {
  const log: string[] = [];
  const bytes = new Map<string, number>();
  const slow: ((stream: ServerHttp2Stream) => void)[] = [];
  let session: ServerHttp2Session | undefined;
  const server = track(
    await startH2Server((stream, headers) => {
      const name = String(headers[CALL_HEADER]);
      log.push(`call ${name}`);
      bytes.set(name, 0);
      stream.on("data", (chunk: Buffer) => bytes.set(name, bytes.get(name)! + chunk.length));
      stream.once("end", () => {
        if (name === "slow") {
          stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
          stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
          slow.shift()!(stream);
        } else if (name !== "aborted") {
          respondOk(stream, okGetTaskPayload(name));
        }
      });
    }),
  );
  server.events.on("session", (s: ServerHttp2Session) => {
    session = s;
    s.on("ping", () => log.push("ping"));
  });
  return {
    server,
    log,
    bytes,
    nextSlow: () => new Promise((resolve) => slow.push(resolve)),
    caughtUp: () => new Promise((resolve, reject) => session!.ping((error) => (error ? reject(error) : resolve()))),
  };
}

function clientFor(server: HostileServer): ClarifaiClient {
  return track(new ClarifaiClient({ pat: "keepalive-pat-0123", userId: "u", appId: "a", baseUrl: server.baseUrl, transport: "connect", retry: false }));
}

/** A GetTask call named `name` (the server answers with a task of that id). */
const call = (client: ClarifaiClient, name: string, signal?: AbortSignal) => client.v2.getTask({ taskId: name }, { headers: { [CALL_HEADER]: name }, signal });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the connect transport's keepalive", () => {
  it("a connection idle for more than 30 s is checked with a PING before the next call; one idle for 30 s is not", async () => {
    const { server, log } = await observed();
    const client = clientFor(server);
    await call(client, "first");
    vi.setSystemTime(T0 + 30_000);
    await call(client, "second");
    expect(log).toEqual(["call first", "call second"]);
    vi.setSystemTime(T0 + 30_000 + 30_001);
    expect((await call(client, "third")).task?.id).toBe("third");
    expect(log).toEqual(["call first", "call second", "ping", "call third"]);
  });

  it.each([
    { after: 500, next: 30_200, checked: true, what: "bytes within the first second of the call do not count (the answer's headers just did)" },
    { after: 1000, next: 30_500, checked: false, what: "bytes a second after the call began count" },
    { after: 25_000, next: 45_000, checked: false, what: "a slow answer's bytes keep the connection counted alive" },
  ])("an answer's message $after ms after its headers, the next call $next ms after them: $what", async ({ after, next, checked }) => {
    const { server, log, nextSlow, caughtUp } = await observed();
    const client = clientFor(server);
    const arrived = nextSlow();
    const slow = call(client, "slow");
    const stream = await arrived;
    // The answer's headers have reached the client at T0, the time it last knew the connection alive.
    await caughtUp();
    vi.setSystemTime(T0 + after);
    stream.end(grpcFrame(okGetTaskPayload("slow")));
    expect((await slow).task?.id).toBe("slow");
    vi.setSystemTime(T0 + next);
    await call(client, "next");
    expect(log).toEqual(checked ? ["call slow", "ping", "call next"] : ["call slow", "call next"]);
  });

  it("a call aborted while the connection is being checked sends nothing on it, and the next call goes out", async () => {
    const { server, log, bytes } = await observed();
    const client = clientFor(server);
    await call(client, "first");
    vi.setSystemTime(T0 + 31_000);
    const controller = new AbortController();
    // The client waits for the PING's answer before it opens the call's stream: abort it right then.
    const [session] = [...server.sessions] as [ServerHttp2Session];
    session.once("ping", () => controller.abort(new Error("not needed any more")));
    const error = await call(client, "aborted", controller.signal).then(
      () => expect.unreachable("the aborted call succeeded"),
      (e: unknown) => e as ConnectError,
    );
    expect(error.code).toBe(Code.Canceled);
    // Opened after it on the same connection: once it is answered, anything of the aborted call has arrived.
    expect((await call(client, "after")).task?.id).toBe("after");
    expect(log).toContain("ping");
    // The aborted call's stream, if it was opened at all, carried no request.
    expect(bytes.get("aborted") ?? 0).toBe(0);
  });

  it("a call aborted while the connection is checked, whose connection then fails: its cancelled stream leaves no uncaught error", async () => {
    let connection: Socket | undefined;
    let onPing = () => {};
    const server = track(
      await startFrameServer((frame, socket) => {
        connection = socket;
        // The first call is refused: the connection is up, and idle.
        if (frame.type === 1) socket.write(rstStreamFrame(frame.streamId, constants.NGHTTP2_REFUSED_STREAM));
        if (frame.type === 6 && (frame.flags & 1) === 0) {
          onPing();
          // The PING's answer, and with it a GOAWAY(PROTOCOL_ERROR): the connection fails just as the
          // aborted call's stream is opened and cancelled.
          socket.write(Buffer.concat([h2Frame(6, 1, 0, frame.payload), goawayFrame(0, constants.NGHTTP2_PROTOCOL_ERROR)]));
          return "answered";
        }
      }),
    );
    const client = clientFor(server);
    expect(((await call(client, "first").catch((e: unknown) => e)) as ConnectError).code).toBe(Code.Unavailable);
    vi.setSystemTime(T0 + 31_000);
    const controller = new AbortController();
    onPing = () => controller.abort(new Error("not needed any more"));
    const error = (await call(client, "aborted", controller.signal).catch((e: unknown) => e)) as ConnectError;
    expect(error.code).toBe(Code.Canceled);
    // The client drops the failed connection; any error it left behind has been raised by then (the
    // guard fails the test on an uncaught one).
    if (!connection!.closed) await once(connection!, "close");
  });

  it("close() while a call waits on the check opens no connection after it, and makes no Headers: the call fails, nothing goes out", async () => {
    const { server, log } = await observed();
    const client = clientFor(server);
    await call(client, "first");
    vi.setSystemTime(T0 + 31_000);
    const [session] = [...server.sessions] as [ServerHttp2Session];
    let closing: Promise<void> | undefined;
    // From close() on, every `Headers` made is counted. The failed check makes connect-node try a new
    // connection, which close() makes fail with a ConnectError of its own, made without a `Headers`
    // (lazy-connect-error.ts): a process's first `Headers` loads Node's fetch. Any other failure there
    // (a TypeError of http2.connect's, say) would become a ConnectError made by its constructor, with one.
    let headersMade = 0;
    const RealHeaders = globalThis.Headers;
    session.once("ping", () => {
      vi.stubGlobal(
        "Headers",
        class extends RealHeaders {
          constructor(init?: ConstructorParameters<typeof Headers>[0]) {
            super(init);
            headersMade++;
          }
        },
      );
      closing = client.close();
    });
    const error = (await call(client, "held").catch((e: unknown) => e)) as ConnectError;
    expect(error.code).toBe(Code.Canceled);
    await closing;
    // The connection the check was on ends; then a probe connects. The server accepts connections in
    // the order they came, so one the client opened after close() would be accepted before the probe.
    // (Its 'error', the client's CANCEL, would reject events.once: wait for 'close' alone.)
    if (!session.closed) await new Promise((resolve) => session.once("close", resolve));
    const accepted: (number | undefined)[] = [];
    server.events.on("connection", (socket: Socket) => accepted.push(socket.remotePort));
    const probe = net.connect(server.port, "127.0.0.1");
    await once(probe, "connect");
    while (!accepted.includes(probe.localPort)) await nextConnection(server);
    probe.destroy();
    expect(server.connections).toBe(2); // the first, and the probe
    expect(log).toEqual(["call first", "ping"]);
    expect(headersMade).toBe(0);
  });
});
