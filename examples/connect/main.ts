// `node .build/examples/connect/main.js [--demo]`: the connect-node orchestrator (see examples/README.md).
import { runExample } from "../run.js";
import { startConnectOrchestrator } from "./orchestrator.js";

await runExample("connect-node", "connect", (client, port) => startConnectOrchestrator({ client, port }));
