/**
 * `clarifai-grpc-es/grpc-js`: import it for its effect to put @grpc/grpc-js, which the client's grpc-js
 * transport runs on, into a bundle.
 *
 * ```ts
 * import "clarifai-grpc-es/grpc-js"; // before the first call of a client with transport: "grpc-js"
 * ```
 *
 * Without a bundler there is no need: `transport: "grpc-js"` loads this entry on the client's first
 * call; it imports @grpc/grpc-js and hands it to the client, which has the transport's code. A bundler,
 * though, cannot see that load (it is hidden from bundlers on purpose, so that a service on the default
 * connect transport does not carry @grpc/grpc-js); this import is how a bundled service asks for grpc-js. An ESM bundle that contains grpc-js also needs the `createRequire` banner
 * (see the README's "Bundling and CommonJS").
 * @packageDocumentation
 */
import * as grpcJs from "@grpc/grpc-js";
import { provideGrpcJs } from "./transports/grpc-js-module.js";

provideGrpcJs(grpcJs);
