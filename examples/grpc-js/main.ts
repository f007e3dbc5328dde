// `node .build/examples/grpc-js/main.js [--demo]`: the grpc-js orchestrator (see examples/README.md).
import { runExample } from "../run.js";
import { startGrpcJsOrchestrator } from "./orchestrator.js";

// The service already runs grpc-js, so the client goes over grpc-js too.
await runExample("grpc-js", "grpc-js", (client, port) => startGrpcJsOrchestrator({ client, port }));
