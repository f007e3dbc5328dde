// When a service sets up OpenTelemetry relative to building the client: the client takes no tracing
// step until something is registered with the API, and a client built before the service registers
// its SDK traces every call made after it, on every transport.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClarifaiClient } from "clarifai-grpc-es";
import { parseTraceparent, registerTestOtel } from "../support/otel-sdk.js";
import { startRecordingEmulator, type RecordingEmulator } from "../support/recording-emulator.js";
import { TRANSPORTS } from "./transports.js";

let emulator: RecordingEmulator;

beforeAll(async () => {
  emulator = await startRecordingEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

describe.each(TRANSPORTS)("OpenTelemetry registered after the client was built, $name transport", ({ name: transport }) => {
  it("traces the calls made after registration, and none before or after it is undone", async () => {
    emulator.clear();
    const client = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: `late-${transport}`, baseUrl: emulator.baseUrl, transport });
    try {
      await client.tasks.list();
      const otel = registerTestOtel();
      try {
        const ended = otel.nextEnded("clarifai.api.V2/ListTasks");
        await client.tasks.list();
        const span = await ended;
        expect(otel.spans().map((s) => s.name)).toEqual(["clarifai.api.V2/ListTasks"]);

        const [before, during] = emulator.received.map((r) => r.headers["traceparent"]);
        expect(before).toBeUndefined();
        expect(parseTraceparent(during)).toEqual({ traceId: span.spanContext().traceId, parentId: span.spanContext().spanId, flags: "01" });
      } finally {
        await otel.disable();
      }
      await client.tasks.list();
      expect(emulator.received.map((r) => r.headers["traceparent"] !== undefined)).toEqual([false, true, false]);
    } finally {
      await client.close();
    }
  });
});
