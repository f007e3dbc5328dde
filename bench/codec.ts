// Codec bench: encode and decode one full ListTasks page (MultiTaskResponse, 128 rich tasks) with each
// codec a client uses. "protobufjs (dynamic stub)" is exactly what the official dynamic stub runs per
// response — proto-loader's serializer/deserializer, i.e. protobufjs plus its object conversion with
// the stub's options — while "protobufjs (raw)" is protobufjs' codec alone, its lower bound.
// "protobuf-es (as shipped)" is the copy inside the package's bundles, with the build's edits to its
// decoder (scripts/lean-decoder.mjs, scripts/compiled-zero.mjs): what the facade runs. "protobuf-es" is
// the stock package, what raw connect and code of your own that imports @bufbuild/protobuf run.
import { createRequire } from "node:module";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type * as GrpcJs from "@grpc/grpc-js";
import { MultiTaskResponseSchema } from "../gen/clarifai/api/service_pb.js";
import { upstreamRoot } from "../test/support/upstream.js";
import { spread, type Spread } from "./stats.js";
import { listPage } from "./workloads.js";

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
  name: CodecName;
  usedBy: string;
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

function codecs(bytes: Uint8Array, shipped: ProtobufCodec): Codec[] {
  const require = createRequire(import.meta.url);
  const esMessage = fromBinary(MultiTaskResponseSchema, bytes);

  const gpb = require("clarifai-nodejs-grpc/proto/clarifai/api/service_pb") as Record<
    string,
    { deserializeBinary(b: Uint8Array): { serializeBinary(): Uint8Array; getTasksList(): unknown[] } }
  >;
  const GpbResponse = gpb.MultiTaskResponse!;
  const gpbMessage = GpbResponse.deserializeBinary(bytes);

  // The dynamic stub's own (de)serializers, taken from the class ClarifaiStub.grpc() builds.
  const { ClarifaiStub } = require("clarifai-nodejs-grpc") as { ClarifaiStub: { grpc(): GrpcJs.Client } };
  const probe = ClarifaiStub.grpc();
  const listTasks = (probe.constructor as unknown as { service: Record<string, GrpcJs.MethodDefinition<object, any>> }).service
    .ListTasks!;
  probe.close();
  const buffer = Buffer.from(bytes);
  const loaderObject = listTasks.responseDeserialize(buffer);

  const pbjsType = upstreamRoot().lookupType("clarifai.api.MultiTaskResponse");
  const pbjsMessage = pbjsType.decode(bytes);

  const shippedMessage = shipped.fromBinary(MultiTaskResponseSchema, bytes);

  return [
    {
      name: "protobuf-es (as shipped)",
      usedBy: "ours (the facade: the package's bundled copy, decoder edited)",
      encode: () => shipped.toBinary(MultiTaskResponseSchema, shippedMessage),
      decode: () => shipped.fromBinary(MultiTaskResponseSchema, bytes),
      count: (m) => (m as typeof shippedMessage).tasks.length,
    },
    {
      name: "protobuf-es",
      usedBy: "stock @bufbuild/protobuf (raw connect)",
      encode: () => toBinary(MultiTaskResponseSchema, esMessage),
      decode: () => fromBinary(MultiTaskResponseSchema, bytes),
      count: (m) => (m as typeof esMessage).tasks.length,
    },
    {
      name: "google-protobuf",
      usedBy: "official static stubs",
      encode: () => gpbMessage.serializeBinary(),
      decode: () => GpbResponse.deserializeBinary(bytes),
      count: (m) => (m as typeof gpbMessage).getTasksList().length,
    },
    {
      name: "protobufjs (dynamic stub)",
      usedBy: "official dynamic stub (proto-loader: decode + toObject)",
      encode: () => listTasks.responseSerialize(loaderObject),
      decode: () => listTasks.responseDeserialize(buffer),
      count: (m) => (m as { tasks: unknown[] }).tasks.length,
    },
    {
      name: "protobufjs (raw)",
      usedBy: "protobufjs alone, message instances (lower bound of the dynamic stub)",
      encode: () => pbjsType.encode(pbjsMessage).finish(),
      decode: () => pbjsType.decode(bytes),
      count: (m) => (m as { tasks: unknown[] }).tasks.length,
    },
  ];
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

/**
 * Runs the codec bench: a warm-up per codec, then `rounds` rounds, each timing every codec (in an order
 * rotated per round) for `durationMs` per operation. `shipped` is the package's bundled protobuf-es.
 */
export function runCodecBench(options: { rounds: number; durationMs: number; warmupMs: number; pageSize?: number; shipped: ProtobufCodec }): CodecResult[] {
  const bytes = toBinary(MultiTaskResponseSchema, listPage(options.pageSize));
  const list = codecs(bytes, options.shipped);
  for (const codec of list) {
    const decoded = codec.decode();
    if (codec.count(decoded) !== (options.pageSize ?? 128)) throw new Error(`${codec.name} decoded a wrong page`);
    opsPerSec(codec.encode, options.warmupMs);
    opsPerSec(codec.decode, options.warmupMs);
  }
  const encode = new Map<CodecName, number[]>(list.map((c) => [c.name, []]));
  const decode = new Map<CodecName, number[]>(list.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < list.length; k++) {
      const codec = list[(k + round) % list.length]!;
      encode.get(codec.name)!.push(opsPerSec(codec.encode, options.durationMs));
      decode.get(codec.name)!.push(opsPerSec(codec.decode, options.durationMs));
    }
  }
  return list.map((codec) => ({
    codec: codec.name,
    usedBy: codec.usedBy,
    encodeOpsPerSec: spread(encode.get(codec.name)!),
    decodeOpsPerSec: spread(decode.get(codec.name)!),
    encodedBytes: codec.encode().length,
  }));
}
