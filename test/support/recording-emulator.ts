// The emulator with a recorder at its door, for tests that must see what reached the server: each
// request's metadata as it arrived (`grpc-timeout`, `traceparent`, …) and when, the req_ids it
// answered with, and — for RPCs put on hold — the stream reset of a client that gave up. Held requests
// are recorded but never answered, so a test can cancel a call while it is certainly in flight,
// without sleeping. Imports are relative (not `clarifai-grpc-es/testing`) so that child processes
// running the sources through test/support/hostile/ts-register.mjs load it too.
import { EventEmitter, once } from "node:events";
import type { Http2ServerRequest } from "node:http2";
import { parseGrpcTimeout } from "../../src/deadline.js";
import { emulatorNodeHandler } from "../../src/testing/malformed.js";
import { emulatorRoutes } from "../../src/testing/routes.js";
import { listen } from "../../src/testing/server.js";
import { createEmulatorState, type EmulatorState } from "../../src/testing/state.js";
import type { EmulatorStore } from "../../src/testing/store.js";

/** One request as the emulator received it. */
export interface ReceivedRequest {
  /** The RPC, e.g. `GetTask`. */
  readonly method: string;
  /** Request metadata, lower-case names, pseudo-headers left out. */
  readonly headers: Readonly<Record<string, string>>;
  /** `Date.now()` when it arrived. */
  readonly receivedAt: number;
  /** Its `grpc-timeout` in milliseconds; `undefined` when it had none. */
  readonly timeoutMs: number | undefined;
}

/** A held request whose client gave up: its stream's close, with the HTTP/2 error code (8 = CANCEL). */
export interface AbandonedRequest {
  readonly method: string;
  readonly rstCode: number;
}

export interface RecordingEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly port: number;
  readonly state: EmulatorState;
  readonly store: EmulatorStore;
  /** Every request so far, in arrival order. */
  readonly received: readonly ReceivedRequest[];
  /** The req_ids the emulator answered with, in order (one per call that reached a handler). */
  readonly reqIds: readonly string[];
  /** From now on, requests of `method` are recorded and never answered; call the result to answer them again. */
  hold(method: string): () => void;
  /** Resolves with the next request of `method` to arrive. */
  nextRequest(method: string): Promise<ReceivedRequest>;
  /** Resolves when the client of a held request of `method` resets its stream. */
  nextAbandoned(method: string): Promise<AbandonedRequest>;
  /** Forgets what was received (not the stored data, not the holds). */
  clear(): void;
  close(): Promise<void>;
}

export async function startRecordingEmulator(): Promise<RecordingEmulator> {
  const state = createEmulatorState();
  const reqIds: string[] = [];
  const issue = state.nextReqId.bind(state);
  state.nextReqId = () => {
    const id = issue();
    reqIds.push(id);
    return id;
  };
  const answer = emulatorNodeHandler(emulatorRoutes(state));
  const received: ReceivedRequest[] = [];
  const held = new Set<string>();
  const events = new EventEmitter();
  const server = await listen(
    (req, res) => {
      const method = (req.url ?? "").split("?")[0]!.split("/").pop() ?? "";
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (!name.startsWith(":") && value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      const request: ReceivedRequest = { method, headers, receivedAt: Date.now(), timeoutMs: parseGrpcTimeout(headers["grpc-timeout"]) };
      received.push(request);
      events.emit(`request:${method}`, request);
      if (!held.has(method)) {
        answer(req, res);
        return;
      }
      // Never answered: the only way this stream ends is the client (or close()) resetting it.
      const stream = (req as Http2ServerRequest).stream;
      stream.once("close", () => events.emit(`abandoned:${method}`, { method, rstCode: stream.rstCode } satisfies AbandonedRequest));
    },
    // Held streams would otherwise keep close() waiting for its whole grace period.
    { host: "127.0.0.1", port: 0, closeGraceMs: 50 },
  );
  const next = async <T>(event: string): Promise<T> => ((await once(events, event)) as [T])[0];
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    address: `127.0.0.1:${server.port}`,
    port: server.port,
    state,
    store: state.store,
    received,
    reqIds,
    hold: (method) => {
      held.add(method);
      return () => void held.delete(method);
    },
    nextRequest: (method) => next(`request:${method}`),
    nextAbandoned: (method) => next(`abandoned:${method}`),
    clear: () => {
      received.length = 0;
      reqIds.length = 0;
    },
    close: server.close,
  };
}
