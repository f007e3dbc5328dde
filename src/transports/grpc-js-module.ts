// Where the `clarifai-grpc-es/grpc-js` entry leaves the @grpc/grpc-js module for the grpc-js transport:
// a property of globalThis under a registered symbol. The entry is a file of its own (only it imports
// grpc-js), and the transport's code is in the main entry's file; a bundled service that imports both
// may also hold them in two copies, which must find the same module. Any copy can use any grpc-js 1.x.
import type { GrpcJsModule } from "./grpc-js.js";

const key = Symbol.for("clarifai-grpc-es.grpc-js");

/** Makes `grpcJs` the module every grpc-js transport in this process runs on (the entry calls it). @internal */
export function provideGrpcJs(grpcJs: GrpcJsModule): void {
  (globalThis as { [key]?: GrpcJsModule })[key] = grpcJs;
}

/** The module the entry provided, if it was imported. @internal */
export function providedGrpcJs(): GrpcJsModule | undefined {
  return (globalThis as { [key]?: GrpcJsModule })[key];
}
