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

/** A W3C `traceparent` split into its parts; `undefined` when absent or malformed. */
export function parseTraceparent(value: string | undefined): { traceId: string; parentId: string; flags: string } | undefined {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value ?? "");
  return m ? { traceId: m[1]!, parentId: m[2]!, flags: m[3]! } : undefined;
}
