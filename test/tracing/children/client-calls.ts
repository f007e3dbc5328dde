// Child process of test/tracing/optional-api.test.ts, run with watch-otel.mjs: imports the package,
// builds clients (tracing off, then on, for each transport named in argv[2]) and calls the emulator,
// printing one JSON line: what was loaded of @opentelemetry after each step, what the calls returned
// and what trace context the emulator received.
import { ClarifaiClient } from "../../../src/index.js";
import { startRecordingEmulator } from "../../support/recording-emulator.js";

declare global {
  // Installed by watch-otel.mjs.
  var otelLoads: () => { requested: string[]; cached: string[] };
}

const afterImport = globalThis.otelLoads();
const emulator = await startRecordingEmulator();
const options = { pat: "emulator-pat", userId: "emulator-user", appId: "child", baseUrl: emulator.baseUrl };

const untraced = new ClarifaiClient({ ...options, tracing: false });
await untraced.collectors.list();
await untraced.close();
const afterUntracedClient = globalThis.otelLoads();

const calls: { transport: string; listed: number; missing: string }[] = [];
for (const transport of JSON.parse(process.argv[2]!) as ("connect" | "grpc-js")[]) {
  const client = new ClarifaiClient({ ...options, transport });
  const listed = (await client.collectors.list()).length;
  const missing = await client.tasks.get("no-such-task").then(
    () => "found",
    (e: { codeName: string }) => e.codeName,
  );
  calls.push({ transport, listed, missing });
  await client.close();
}
const afterClients = globalThis.otelLoads();
await emulator.close();

console.log(
  JSON.stringify({
    afterImport,
    afterUntracedClient,
    afterClients,
    calls,
    traceparents: emulator.received.map((r) => r.headers["traceparent"] ?? null),
  }),
);
