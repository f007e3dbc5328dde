// Codec bench: encode and decode one full ListTasks page (MultiTaskResponse, 128 rich tasks) with each
// codec a client uses. "protobufjs (dynamic stub)" is exactly what the official dynamic stub runs per
// response — proto-loader's serializer/deserializer, i.e. protobufjs plus its object conversion with
// the stub's options — while "protobufjs (raw)" is protobufjs' codec alone, its lower bound.
// "protobuf-es (as shipped)" is the copy inside the package's bundles, with the build's edits to its
// decoder (scripts/lean-decoder.mjs, scripts/compiled-zero.mjs): what the facade runs. "protobuf-es" is
// the stock package, what raw connect and code of your own that imports @bufbuild/protobuf run.
//
// Each codec is timed in a fresh process of its own (bench/child.ts, mode "codec"), one per codec and
// round, where no other codec runs (the stock protobuf-es and the generated schema make the page's bytes
// once, before the timing, in every such process). Timed side by side in the bench's long-lived main process,
// the two copies of protobuf-es swapped places from one full run to the next (the shipped copy read
// 4.34 ms a page against the stock copy's 3.91 in one, 3.69 against 5.30 in the run before), while
// alternating blocks in fresh processes had the shipped copy at 0.58-0.80 of the stock copy's time in
// each of six: what V8 makes of one copy depended on what else that process had compiled and kept.
import { createRequire } from "node:module";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type * as GrpcJs from "@grpc/grpc-js";
import { MultiTaskResponseSchema } from "../gen/clarifai/api/service_pb.js";
import { upstreamRoot } from "../test/support/upstream.js";
import { spread, type Spread } from "./stats.js";
import { LIST_PAGE_SIZE, listPage } from "./workloads.js";

/** The codecs compared. */
export const CODECS = ["protobuf-es (as shipped)", "protobuf-es", "google-protobuf", "protobufjs (dynamic stub)", "protobufjs (raw)"] as const;
/** One of {@link CODECS}. */
export type CodecName = (typeof CODECS)[number];

/** One codec's result: operations per second over the rounds. */
export interface CodecResult {
  codec: CodecName;
  /** Who uses it. */
  usedBy: string;
  encodeOpsPerSec: Spread;
  decodeOpsPerSec: Spread;
  /** Size of what it encodes (a check that every codec writes the same message). */
  encodedBytes: number;
}

interface Codec {
  encode(): Uint8Array;
  decode(): unknown;
  /** Tasks in a decoded page, to check the decode is real. */
  count(decoded: unknown): number;
}

/** The binary codec of a copy of protobuf-es: the package's bundled one, for "protobuf-es (as shipped)". */
export interface ProtobufCodec {
  fromBinary: typeof fromBinary;
  toBinary: typeof toBinary;
}

/** What each codec is used by. */
const USED_BY: Record<CodecName, string> = {
  "protobuf-es (as shipped)": "ours (the facade: the package's bundled copy, decoder edited)",
  "protobuf-es": "stock @bufbuild/protobuf (raw connect)",
  "google-protobuf": "official static stubs",
  "protobufjs (dynamic stub)": "official dynamic stub (proto-loader: decode + toObject)",
  "protobufjs (raw)": "protobufjs alone, message instances (lower bound of the dynamic stub)",
};

/** The codec `name` over the page `bytes`, its library loaded now (`shipped`: the package's copy of protobuf-es). */
function codecOf(name: CodecName, bytes: Uint8Array, shipped: ProtobufCodec | undefined): Codec {
  const require = createRequire(import.meta.url);
  switch (name) {
    case "protobuf-es (as shipped)": {
      if (!shipped) throw new Error("the shipped codec needs the package's copy of protobuf-es");
      const message = shipped.fromBinary(MultiTaskResponseSchema, bytes);
      return {
        encode: () => shipped.toBinary(MultiTaskResponseSchema, message),
        decode: () => shipped.fromBinary(MultiTaskResponseSchema, bytes),
        count: (m) => (m as typeof message).tasks.length,
      };
    }
    case "protobuf-es": {
      const message = fromBinary(MultiTaskResponseSchema, bytes);
      return {
        encode: () => toBinary(MultiTaskResponseSchema, message),
        decode: () => fromBinary(MultiTaskResponseSchema, bytes),
        count: (m) => (m as typeof message).tasks.length,
      };
    }
    case "google-protobuf": {
      const gpb = require("clarifai-nodejs-grpc/proto/clarifai/api/service_pb") as Record<
        string,
        { deserializeBinary(b: Uint8Array): { serializeBinary(): Uint8Array; getTasksList(): unknown[] } }
      >;
      const GpbResponse = gpb.MultiTaskResponse!;
      const message = GpbResponse.deserializeBinary(bytes);
      return {
        encode: () => message.serializeBinary(),
        decode: () => GpbResponse.deserializeBinary(bytes),
        count: (m) => (m as typeof message).getTasksList().length,
      };
    }
    case "protobufjs (dynamic stub)": {
      // The dynamic stub's own (de)serializers, taken from the class ClarifaiStub.grpc() builds.
      const { ClarifaiStub } = require("clarifai-nodejs-grpc") as { ClarifaiStub: { grpc(): GrpcJs.Client } };
      const probe = ClarifaiStub.grpc();
      const listTasks = (probe.constructor as unknown as { service: Record<string, GrpcJs.MethodDefinition<object, any>> }).service.ListTasks!;
      probe.close();
      const buffer = Buffer.from(bytes);
      const loaderObject = listTasks.responseDeserialize(buffer);
      return {
        encode: () => listTasks.responseSerialize(loaderObject),
        decode: () => listTasks.responseDeserialize(buffer),
        count: (m) => (m as { tasks: unknown[] }).tasks.length,
      };
    }
    case "protobufjs (raw)": {
      const type = upstreamRoot().lookupType("clarifai.api.MultiTaskResponse");
      const message = type.decode(bytes);
      return {
        encode: () => type.encode(message).finish(),
        decode: () => type.decode(bytes),
        count: (m) => (m as { tasks: unknown[] }).tasks.length,
      };
    }
  }
}

/** Repeats `op` for about `durationMs`; operations per second. */
function opsPerSec(op: () => unknown, durationMs: number): number {
  let ops = 0;
  const start = performance.now();
  let now = start;
  // Check the clock every few operations: reading it costs more than a small op.
  while (now - start < durationMs) {
    for (let i = 0; i < 4; i++) op();
    ops += 4;
    now = performance.now();
  }
  return (ops / (now - start)) * 1000;
}

/** One round of one codec: what {@link timeCodec} returns. */
export interface CodecRound {
  encodeOpsPerSec: number;
  decodeOpsPerSec: number;
  encodedBytes: number;
}

/**
 * Times codec `name` in this process: checks that it decodes the whole page, warms it up for `warmupMs`
 * per operation, then times encode and decode for `durationMs` each. Run by bench/child.ts (mode
 * "codec"), in a process where no other codec runs: the stock protobuf-es is loaded there too, to make
 * the page's bytes once before the timing; `shipped` only for "protobuf-es (as shipped)".
 */
export function timeCodec(name: CodecName, options: { durationMs: number; warmupMs: number; pageSize?: number; shipped?: ProtobufCodec }): CodecRound {
  const pageSize = options.pageSize ?? LIST_PAGE_SIZE;
  const codec = codecOf(name, toBinary(MultiTaskResponseSchema, listPage(pageSize)), options.shipped);
  if (codec.count(codec.decode()) !== pageSize) throw new Error(`${name} decoded a wrong page`);
  opsPerSec(codec.encode, options.warmupMs);
  opsPerSec(codec.decode, options.warmupMs);
  return { encodeOpsPerSec: opsPerSec(codec.encode, options.durationMs), decodeOpsPerSec: opsPerSec(codec.decode, options.durationMs), encodedBytes: codec.encode().length };
}

/**
 * Runs the codec bench: `rounds` rounds, each timing every codec (in an order rotated per round) in a
 * fresh process of its own through `timeIn` (bench/run.ts gives one that spawns bench/child.ts).
 */
export async function runCodecBench(rounds: number, timeIn: (codec: CodecName) => Promise<CodecRound>): Promise<CodecResult[]> {
  const measured = new Map<CodecName, CodecRound[]>(CODECS.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < CODECS.length; k++) {
      const codec = CODECS[(k + round) % CODECS.length]!;
      measured.get(codec)!.push(await timeIn(codec));
    }
  }
  return CODECS.map((codec) => {
    const all = measured.get(codec)!;
    const sizes = new Set(all.map((r) => r.encodedBytes));
    if (sizes.size !== 1) throw new Error(`${codec} encoded the page at different sizes: ${[...sizes].join(", ")}`);
    return {
      codec,
      usedBy: USED_BY[codec],
      encodeOpsPerSec: spread(all.map((r) => r.encodeOpsPerSec)),
      decodeOpsPerSec: spread(all.map((r) => r.decodeOpsPerSec)),
      encodedBytes: all[0]!.encodedBytes,
    };
  });
}
