// Identity against gzip: what compressed answers cost each client per call, and what the emulator did.
// Two emulators run side by side: the one as shipped (it compresses answers of 1 KB or more when the
// client advertises gzip: connect-node's defaults) and one that never compresses. Every client is
// asked for gzip answers (its default, or its option where it has one) and measured on both; clients
// with an option to ask for identity are also measured with it, against the shipped emulator. Nothing is
// assumed: each client's process records what it advertised and how its answers came (bench/wire-watch.ts),
// and the emulators are probed on the wire.
import http2 from "node:http2";
import zlib from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { GetTaskRequestSchema, ListTasksRequestSchema } from "../gen/clarifai/api/service_pb.js";
import type { ClientName } from "./clients/types.js";
import { measure, usPerCall, type ContenderWire, type RoundsOptions, type SectionSetup } from "./rounds.js";
import { ratiosPerRound, spread, type Spread } from "./stats.js";
import type { Contender, Missing } from "./workers.js";
import { cellName, type Target } from "./workloads.js";

/** The three ways a client is measured here. */
export const COMPRESSION_MODES = ["gzip", "identity (emulator)", "identity (client option)"] as const;
/** One of {@link COMPRESSION_MODES}. */
export type CompressionMode = (typeof COMPRESSION_MODES)[number];

/** What an emulator answered to one probe. */
export interface EmulatorAnswer {
  emulator: "as shipped" | "compression off";
  rpc: "GetTask" | "ListTasks";
  /** The `grpc-accept-encoding` the probe sent, or "none". */
  advertised: string;
  /** `grpc-encoding` of the answer ("identity" when absent). */
  encoding: string;
  /** The answer's message, uncompressed. */
  messageBytes: number;
  /** The answer's message as it crossed the wire. */
  wireBytes: number;
}

/** One client on one cell. */
export interface CompressionRow {
  client: ClientName;
  /** CPU per call (µs) in each mode that could run. */
  usPerCall: Partial<Record<CompressionMode, Spread>>;
  /** Per round: mode ÷ gzip, for each identity mode that ran. */
  overGzip: Partial<Record<CompressionMode, Spread>>;
  /** Why a mode did not run (e.g. the client has no option to ask for identity), by mode. */
  notRun: Partial<Record<CompressionMode, string>>;
}

/** The section's results. */
export interface CompressionRun {
  node: string;
  rounds: number;
  answers: EmulatorAnswer[];
  /** What each client process advertised and how its answers came, per mode. */
  wire: ContenderWire[];
  cells: { cell: string; calls: number; rows: CompressionRow[] }[];
  missing: Missing[];
}

/** What the probes advertise: gzip, and nothing. */
export const PROBED = ["gzip", "none"] as const;

/** Sends one gRPC call over a fresh HTTP/2 session and reads the answer's framing as it arrived. */
async function probe(target: Target, rpc: EmulatorAnswer["rpc"], advertised: string): Promise<Omit<EmulatorAnswer, "emulator">> {
  const userAppId = { userId: target.userId, appId: target.appId };
  const message =
    rpc === "GetTask"
      ? toBinary(GetTaskRequestSchema, create(GetTaskRequestSchema, { userAppId, taskId: target.taskId }))
      : toBinary(ListTasksRequestSchema, create(ListTasksRequestSchema, { userAppId, perPage: 128 }));
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  const session = http2.connect(target.baseUrl);
  try {
    const stream = session.request({
      ":method": "POST",
      ":path": `/clarifai.api.V2/${rpc}`,
      "content-type": "application/grpc",
      te: "trailers",
      authorization: `Key ${target.pat}`,
      ...(advertised === "none" ? {} : { "grpc-accept-encoding": advertised }),
    });
    const headers = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("response", resolve));
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve, reject) => {
      stream.once("end", resolve);
      stream.once("error", reject);
    });
    stream.end(frame);
    const h = await headers;
    await ended;
    const body = Buffer.concat(chunks);
    if (body.length < 5) throw new Error(`${rpc} probe got no message (HTTP ${h[":status"]}, grpc-status ${h["grpc-status"]})`);
    const length = body.readUInt32BE(1);
    const payload = body.subarray(5, 5 + length);
    const encoding = String(h["grpc-encoding"] ?? "identity");
    const compressed = (body[0]! & 1) === 1;
    const plain = !compressed ? payload : encoding === "br" ? zlib.brotliDecompressSync(payload) : zlib.gunzipSync(payload);
    return { rpc, advertised, encoding: compressed ? encoding : "identity", messageBytes: plain.length, wireBytes: length };
  } finally {
    session.close();
  }
}

/** Probes both emulators with what each kind of client advertises, on both RPCs. */
export async function probeEmulators(shipped: Target, off: Target): Promise<EmulatorAnswer[]> {
  const answers: EmulatorAnswer[] = [];
  for (const [emulator, target] of [["as shipped", shipped], ["compression off", off]] as const) {
    for (const rpc of ["GetTask", "ListTasks"] as const) {
      for (const value of PROBED) answers.push({ emulator, ...(await probe(target, rpc, value)) });
    }
  }
  const offCompressed = answers.find((a) => a.emulator === "compression off" && a.encoding !== "identity");
  if (offCompressed) throw new Error(`the no-compression emulator answered ${offCompressed.rpc} with ${offCompressed.encoding}: bench/emulator-child.ts no longer turns compression off`);
  return answers;
}

/** Runs the section: every client in every mode it supports, interleaved over rounds. */
export async function runCompression(
  setup: SectionSetup,
  shipped: Target,
  off: Target,
  clients: readonly ClientName[],
  options: RoundsOptions,
): Promise<CompressionRun> {
  const answers = await probeEmulators(shipped, off);
  const label = (client: ClientName, mode: CompressionMode) => `${client} · ${mode}`;
  const contenders: Contender[] = clients.flatMap((client) => [
    { label: label(client, "gzip"), client, config: { accept: "gzip" }, target: shipped },
    { label: label(client, "identity (emulator)"), client, config: { accept: "gzip" }, target: off },
    { label: label(client, "identity (client option)"), client, config: { accept: "identity" }, target: shipped },
  ]);
  const { samples, missing, wire } = await measure(setup, contenders, options);
  const cells = options.cells.map((cell, c) => {
    const rows: CompressionRow[] = [];
    for (const client of clients) {
      const us = (mode: CompressionMode) => samples.get(label(client, mode))?.[c]?.map(usPerCall);
      const gzip = us("gzip");
      const row: CompressionRow = { client, usPerCall: {}, overGzip: {}, notRun: {} };
      for (const mode of COMPRESSION_MODES) {
        const values = us(mode);
        const gap = missing.find((m) => m.label === label(client, mode));
        if (gap) row.notRun[mode] = gap.reason;
        if (!values) continue;
        row.usPerCall[mode] = spread(values);
        if (mode !== "gzip" && gzip) row.overGzip[mode] = spread(ratiosPerRound(values, gzip));
      }
      if (Object.keys(row.usPerCall).length) rows.push(row);
    }
    return { cell: cellName(cell), calls: options.calls(cell), rows };
  });
  return {
    node: setup.node.version,
    rounds: options.rounds,
    answers,
    wire,
    cells,
    // A mode a client could not run is a note on its row; a client with no row at all is missing (once).
    missing: missing.filter((m, i) => !cells.some((cell) => cell.rows.some((r) => r.client === m.client)) && missing.findIndex((x) => x.client === m.client) === i),
  };
}
