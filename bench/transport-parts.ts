// What bench/transport-alone.ts builds the transport under a facade from, in one module, loaded either
// from the compiled sources (.build/bench, when the facade under test is loaded from them as well) or
// from the facade section's build of the package's code, where it is an entry beside the facade's and
// shares the facade's copy of the transport (bench/transport-bundle.ts): either way the transport alone
// runs the code of the transport inside the facade.
import * as grpcJs from "@grpc/grpc-js";
import { provideGrpcJs } from "../src/transports/grpc-js-module.js";

// grpc-js provided here, as the `clarifai-grpc-es/grpc-js` entry provides it for a bundled service: in
// a bundle, the loader's own way (`grpc-js.js` beside the package's entry) leads nowhere, and esbuild
// drops a bare `import "../src/grpc-js.js"` (package.json lists only dist/'s copy as having side effects).
provideGrpcJs(grpcJs);

// fromBinary and toBinary too: the codec section times the copy of protobuf-es the package ships (with
// the build's edits) from the bundle of these parts.
export { create, fromBinary, toBinary } from "@bufbuild/protobuf";
export { keepListening } from "../src/abort.js";
export { resolveClientOptions } from "../src/options.js";
export { selectTransport } from "../src/transports/select.js";
