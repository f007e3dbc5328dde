// Child process of test/tracing/optional-api.test.ts, run with watch-otel.mjs: imports the package,
// builds clients (tracing off, then on, for each transport named in argv[2]) and calls the emulator
// with nothing registered with OpenTelemetry; then registers an SDK (or, when the API is blocked, marks
// the API's global as a copy of the API that this process cannot resolve would) and calls again with
// clients built before. Prints one JSON line: what was loaded of @opentelemetry after each step, what
// the calls returned and what trace context the emulator received before and after registration.
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

const transports = JSON.parse(process.argv[2]!) as ("connect" | "grpc-js")[];
const clients = transports.map((transport) => ({ transport, client: new ClarifaiClient({ ...options, transport }) }));
const calls = async () => {
  const made: { transport: string; listed: number; missing: string }[] = [];
  for (const { transport, client } of clients) {
    const listed = (await client.collectors.list()).length;
    const missing = await client.tasks.get("no-such-task").then(
      () => "found",
      (e: { codeName: string }) => e.codeName,
    );
    made.push({ transport, listed, missing });
  }
  return made;
};
const traceparents = () => {
  const sent = emulator.received.map((r) => r.headers["traceparent"] ?? null);
  emulator.clear();
  return sent;
};

traceparents();
const callsUnregistered = await calls();
const afterClients = globalThis.otelLoads();
const traceparentsUnregistered = traceparents();

if (process.env["OTEL_API"] === "blocked") {
  // What any copy of @opentelemetry/api 1.x leaves on registering (its `registerGlobal`).
  (globalThis as Record<symbol, unknown>)[Symbol.for("opentelemetry.js.api.1")] = { version: "1.9.0" };
} else {
  const { registerTestOtel } = await import("../../support/otel-sdk.js");
  registerTestOtel();
}
const callsRegistered = await calls();
const afterRegistration = globalThis.otelLoads();
const traceparentsRegistered = traceparents();
await Promise.all(clients.map(({ client }) => client.close()));
await emulator.close();

console.log(
  JSON.stringify({
    afterImport,
    afterUntracedClient,
    afterClients,
    afterRegistration,
    calls: [...callsUnregistered, ...callsRegistered],
    traceparentsUnregistered,
    traceparentsRegistered,
  }),
);
