// The facade's own CPU per call, measured inside one process where nothing else moves: the CPU section
// compares two processes on a shared machine, whose per-round noise (shown by a raw client against its
// own twin) is larger than the few percent this is about. Run in a child process of its own
// (bench/child.ts, mode "facade-own").
//
// Three parts, each the median over rounds of a mean over many calls:
//   - the call path: `ClarifaiClient` (options, metadata, retry step, status check, the resource
//     method, validation on PostTasks) over a connect `Transport` that answers at once with the answer
//     the emulator gave, minus that transport called alone. Everything the facade does on top of a
//     transport, on every transport: they all run this path (a caller's transport also passes through
//     a small adapter, src/transports/connect-transport.ts, counted here too).
//   - the bookkeeping the default transport does per attempt only because the facade asks for it: the
//     deadline (added to the transport's one deadline timer, removed when the answer comes) and the
//     follower of the client's close() signal (a kept signal, as the client's is), with `concurrency`
//     attempts in flight as in the cell, plus the grpc-timeout header's text.
//   - paired real calls: each facade against the transport under it called alone as the facade calls
//     it (bench/transport-alone.ts: the goal's measure), and against the hand-written raw client of
//     the same libraries (bench/clients), all in this process, each calling the emulator over its own
//     connection, taking turns in blocks of the cell's calls, ABBA in even rounds and BAAB in odd ones (so that a drift of the machine over a
//     round weighs on both alike, and neither client always goes first); the facade's blocks ÷ the raw
//     blocks of the same round, minus one. Whatever the machine does to a round it does to both
//     blocks, which two processes in turn cannot promise; a second raw-http2 client against the first
//     gives this measurement's own noise floor. Unlike the first two parts this counts everything.
//
// CPU is the process's (`process.cpuUsage()`). Not the main thread's from /proc/thread-self/schedstat:
// on this project's Linux VMs that figure moves only when the thread is switched out, so a running
// thread's reading lags by up to several ms (a 3 ms spin read 18 to 2,540 µs), as much as a block's
// difference; Node 20 has no per-thread CPU clock.
//
// What the loops leave out: the cost of the same steps in real calls, where they run between HTTP/2
// and protobuf-es work with cold caches: a loop that runs only the facade is a lower bound.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Package from "../src/index.js";
import { loadClient, type BenchClient, type ClientName } from "./clients/index.js";
import { callOf, runFixed } from "./load.js";
import { connectTransportAlone, isTransportAlone, type TransportAlone } from "./transport-alone.js";
import type { Cell, Target } from "./workloads.js";

/** A facade and what it is compared with in the paired part: the transport under it alone, or a raw client. */
export type Pair = readonly [facade: ClientName, under: ClientName | TransportAlone];

/** What the child is asked to measure. */
export interface FacadeOwnTask {
  target: Target;
  /**
   * The module `ClarifaiClient` comes from: the bench's build of the package's code, built with the
   * transport alone's parts (`transportParts`) so that both run one copy of the transport (see
   * bench/transport-bundle.ts), or the compiled sources in the smoke test.
   */
  entry: string;
  /** The compiled tree holding src/abort.js and src/deadline.js (the default transport's helpers). */
  buildRoot: string;
  /** The URL of the module the transport alone is built from (bench/transport-parts.ts, compiled or bundled). */
  transportParts: string;
  cells: Cell[];
  /** Rounds of the call path and bookkeeping loops; 0 runs the paired part alone. */
  rounds: number;
  /** Calls per round, per cell. */
  calls: number;
  /**
   * The paired part: the pairs to compare, its rounds, its calls per block, and each client's warm-up
   * calls before its first block, by cell (in the order of `cells`).
   */
  paired: { pairs: Pair[]; rounds: number; calls: number[]; warmup: number[] };
}

/** One pair's paired rounds on one cell. */
export interface PairedRounds {
  /** The facade, or {@link PAIRED_TWIN} for raw-http2's second client. */
  facade: ClientName | typeof PAIRED_TWIN;
  under: ClientName | TransportAlone;
  /** The facade's CPU per call ÷ the raw one's in the same round, minus one, in percent: one per round. */
  pct: number[];
  /** The raw client's CPU per call, µs, one per round. */
  underUs: number[];
}

/** µs per call of each round, per cell (in the order of `cells`). */
export interface FacadeOwnResult {
  /** The facade over the instant transport, minus the instant transport alone. */
  callPathUs: number[][];
  /** The default transport's per-attempt deadline and close() bookkeeping. */
  bookkeepingUs: number[][];
  /** Per cell: each pair's paired rounds, then raw-http2 against a second raw-http2 client (facade "raw-http2 · twin"). */
  paired: PairedRounds[][];
}

/** The label of the second raw-http2 client of the paired part (its noise floor). */
export const PAIRED_TWIN = "raw-http2 · twin" as const;

/**
 * The paired part on every cell: for each pair (and raw-http2 against its twin) `rounds` rounds of two
 * blocks each way (ABBA, BAAB in odd rounds), every block `calls[c]` calls at the cell's concurrency
 * after its own warm-up, once both clients have made `warmup[c]` calls.
 */
async function measurePaired(task: FacadeOwnTask): Promise<PairedRounds[][]> {
  const { pairs, rounds, calls, warmup } = task.paired;
  const twins: Pair[] = pairs.some(([, under]) => under === "raw-http2") ? [["raw-http2", "raw-http2"]] : [];
  const connected = new Map<string, BenchClient>();
  // First: the parts provide @grpc/grpc-js to every grpc-js transport in the process, as the package's
  // `clarifai-grpc-es/grpc-js` entry does for a bundled service. The facade's build has no such entry
  // beside it, and its grpc-js facade may make its first call before the transport alone is connected.
  await import(task.transportParts);
  const client = async (label: string, name: ClientName | TransportAlone) => {
    if (!connected.has(label)) {
      const connecting = isTransportAlone(name) ? connectTransportAlone(name, task.target, task.transportParts) : (await loadClient(name, { facadeEntry: task.entry })).connect(task.target);
      connected.set(label, await connecting);
    }
    return connected.get(label)!;
  };
  try {
    const result: PairedRounds[][] = [];
    for (const [c, cell] of task.cells.entries()) {
      const perCell: PairedRounds[] = [];
      for (const [i, [facade, under]] of [...pairs, ...twins].entries()) {
        const twin = i >= pairs.length;
        const a = callOf(await client(twin ? PAIRED_TWIN : facade, facade), cell.workload);
        const b = callOf(await client(under, under), cell.workload);
        const n = calls[c]!;
        // Warm-up: both clients' code and connections settle before anything counts. Long, because V8
        // goes on compiling for thousands of calls (with --trace-opt, raw-http2 at c=1 after 500 calls:
        // 45, 41, 23, 18 and 14 optimisations and deopts in the next five blocks of 500, a few a block
        // after that), each TurboFan job 0.3-6 ms: in a block of 50 ms of CPU, one of them is 10%.
        for (const fn of [a, b]) await runFixed(fn, { calls: warmup[c]!, concurrency: cell.concurrency });
        const measured: PairedRounds = { facade: twin ? PAIRED_TWIN : facade, under, pct: [], underUs: [] };
        for (let r = 0; r < rounds; r++) {
          // ABBA, then BAAB: which client goes first alternates, so that neither always takes the block
          // right after the other's (ad hoc runs of the same pair in both orders differed by 10-20%).
          const [first, second] = r % 2 === 0 ? [a, b] : [b, a];
          const f1 = await perCall(first, n, cell.concurrency);
          const s1 = await perCall(second, n, cell.concurrency);
          const s2 = await perCall(second, n, cell.concurrency);
          const f2 = await perCall(first, n, cell.concurrency);
          const [aUs, bUs] = r % 2 === 0 ? [f1 + f2, s1 + s2] : [s1 + s2, f1 + f2];
          measured.pct.push((aUs / bUs - 1) * 100);
          measured.underUs.push(bUs / 2);
        }
        perCell.push(measured);
      }
      result.push(perCell);
    }
    return result;
  } finally {
    for (const c of connected.values()) await c.close();
  }
}

type Client = InstanceType<typeof Package.ClarifaiClient>;

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Mean CPU µs per call of `calls` calls of `fn`, `concurrency` at a time, after a quarter as many
 * unmeasured calls of `fn`: young garbage of the loop before (the facade's, say) is collected in the
 * warm-up, not counted in this one. No forced `gc()`: the calls after one cost more until V8's heap
 * settles again (see bench/worker.ts), which a long-running service never sees.
 */
async function perCall(fn: () => Promise<unknown>, calls: number, concurrency: number): Promise<number> {
  await runFixed(fn, { calls: Math.ceil(calls / 4), concurrency });
  const start = cpuUs();
  await runFixed(fn, { calls, concurrency });
  return (cpuUs() - start) / calls;
}

/** Measures both parts on every cell of `task` (the loops only when `task.rounds` > 0). */
export async function measureFacadeOwn(task: FacadeOwnTask): Promise<FacadeOwnResult> {
  const loops = task.rounds > 0 ? await measureLoops(task) : { callPathUs: [], bookkeepingUs: [] };
  return { ...loops, paired: await measurePaired(task) };
}

/** The call path and bookkeeping loops on every cell of `task`. */
async function measureLoops(task: FacadeOwnTask): Promise<Omit<FacadeOwnResult, "paired">> {
  const lib = (await import(task.entry)) as typeof Package;
  const { fromBinary } = await import("@bufbuild/protobuf");
  const { target } = task;
  const account = { pat: target.pat, userId: target.userId, appId: target.appId, baseUrl: target.baseUrl };
  const post = fromBinary(lib.PostTasksRequestSchema, Buffer.from(target.postRequestB64, "base64")).tasks[0]!;
  const writeOptions = { userAppId: { userId: target.userId, appId: target.postAppId } };
  const workloads = {
    GetTask: (c: Client) => c.tasks.get(target.taskId),
    PostTasks: (c: Client) => c.tasks.create(post, writeOptions),
    ListTasks: (c: Client) => c.tasks.list({ perPage: 128 }),
  };

  // The emulator's real answers, taken once through the default transport.
  const answers = new Map<string, unknown>();
  const recorder = new lib.ClarifaiClient({
    ...account,
    interceptors: [
      (next) => async (req) => {
        const res = await next(req);
        if (!res.stream) answers.set(req.method.name, res.message);
        return res;
      },
    ],
  });
  for (const run of Object.values(workloads)) await run(recorder);
  await recorder.close();

  // Answers at once, with the same response objects every time (nothing decoded: that is transport work).
  const header = new Headers();
  const trailer = new Headers();
  type InstantTransport = Extract<NonNullable<ConstructorParameters<typeof lib.ClarifaiClient>[0]>["transport"], object>;
  const instant = {
    async unary(method: { parent: unknown; name: string }) {
      return { stream: false, service: method.parent, method, header, trailer, message: answers.get(method.name) };
    },
    async stream() {
      throw new Error("unary only");
    },
  } as unknown as InstantTransport & { unary(method: { parent: unknown; name: string }): Promise<unknown> };
  const client = new lib.ClarifaiClient({ ...account, transport: instant });
  const methods = { GetTask: lib.V2.method.getTask, PostTasks: lib.V2.method.postTasks, ListTasks: lib.V2.method.listTasks };

  const load = async <M>(file: string) => (await import(pathToFileURL(path.join(task.buildRoot, "src", file)).href)) as M;
  const { keepListening, onAbort } = await load<typeof import("../src/abort.js")>("abort.js");
  const { encodeGrpcTimeout } = await load<typeof import("../src/deadline.js")>("deadline.js");
  const { Deadlines } = await load<typeof import("../src/transports/deadlines.js")>("transports/deadlines.js");
  const closing = new AbortController().signal;
  keepListening(closing);
  const deadlines = new Deadlines();
  // As src/transports/node-http2.ts does per attempt: add the deadline, follow close(), write the
  // grpc-timeout text; undo the first two when the answer comes (here: `concurrency` attempts later).
  function bookkeeping(attempts: number, concurrency: number): number {
    const inFlight: (() => void)[] = [];
    const fail = () => {
      throw new Error("a deadline fired during the measurement");
    };
    const start = cpuUs();
    let text = "";
    for (let i = 0; i < attempts; i++) {
      if (inFlight.length === concurrency) inFlight.shift()!();
      text = encodeGrpcTimeout(30_000 - (i % 7));
      const stopDeadline = deadlines.add(30_000, fail);
      const stopAbort = onAbort(closing, fail);
      inFlight.push(() => {
        stopDeadline();
        stopAbort();
      });
    }
    for (const done of inFlight) done();
    const us = (cpuUs() - start) / attempts;
    if (!text) throw new Error("no grpc-timeout text");
    return us;
  }

  const result: Omit<FacadeOwnResult, "paired"> = { callPathUs: [], bookkeepingUs: [] };
  for (const cell of task.cells) {
    const facade = () => workloads[cell.workload](client);
    const alone = () => instant.unary(methods[cell.workload]);
    // Warm-up: JIT and inline caches settle before anything counts.
    await perCall(facade, task.calls, cell.concurrency);
    await perCall(alone, task.calls, cell.concurrency);
    bookkeeping(task.calls, cell.concurrency);
    const callPath: number[] = [];
    const book: number[] = [];
    for (let r = 0; r < task.rounds; r++) {
      const withFacade = await perCall(facade, task.calls, cell.concurrency);
      callPath.push(withFacade - (await perCall(alone, task.calls, cell.concurrency)));
      book.push(bookkeeping(task.calls, cell.concurrency));
    }
    result.callPathUs.push(callPath);
    result.bookkeepingUs.push(book);
  }
  await client.close();
  return result;
}
