// The transports every tracing test runs on, with what the span should say of each. A new transport
// joins the tests by adding a row here.
import type { ClarifaiClientOptions } from "clarifai-grpc-es";

/** A built-in transport, by the name `ClarifaiClientOptions.transport` takes. */
export type TransportName = Extract<ClarifaiClientOptions["transport"], string>;

export interface TracedTransport {
  readonly name: TransportName;
  /** The span's `rpc.system`. */
  readonly rpcSystem: string;
}

export const TRANSPORTS: readonly TracedTransport[] = [
  { name: "connect", rpcSystem: "grpc" },
  { name: "grpc-js", rpcSystem: "grpc" },
];
