// grpc-js with protobuf-es codecs on our generated types, no facade: the transport under facade-grpc-js,
// so the difference between the two is the facade's own cost. Written as grpc-js documents a client
// without generated stubs: `makeUnaryRequest` with a serializer and a deserializer per method, and one
// Metadata carrying the key.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import type { Target } from "../workloads.js";
import { BenchUnsupported, GRPC_JS_ACCEPTS_GZIP, type BenchClient, type ClientConfig } from "./types.js";
import { checkStatus, unaryWorkloads, type UnaryCall } from "./unary.js";

/** Connects a raw grpc-js client to the target. */
export async function connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
  if (config.accept === "identity") throw new BenchUnsupported(GRPC_JS_ACCEPTS_GZIP);
  const client = new grpc.Client(target.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Key ${target.pat}`);
  const call: UnaryCall = (method, init) =>
    new Promise((resolve, reject) => {
      const request = create(method.input, init);
      client.makeUnaryRequest(
        `/${V2.typeName}/${method.name}`,
        (message: typeof request) => Buffer.from(toBinary(method.input, message)),
        (bytes: Buffer) => fromBinary(method.output, bytes),
        request,
        metadata,
        (error, response) => {
          if (error) return reject(error);
          try {
            checkStatus(response);
            resolve(response!);
          } catch (failure) {
            reject(failure);
          }
        },
      );
    });
  return unaryWorkloads(target, call, () => client.close());
}
