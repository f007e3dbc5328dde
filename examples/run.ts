// What both examples' main.ts do: point a ClarifaiClient at Clarifai (the CLARIFAI_* variables) or,
// when CLARIFAI_GRPC_BASE is not set, at an embedded emulator holding one labeling task; start the
// service (on PORT, default 50052) until Ctrl-C; or with `--demo`, on a free port, call StartReview
// twice (that task, or LABELING_TASK_ID, then one that does not exist), print what came back, and stop.
import { createClient, ConnectError } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ClarifaiClient, grpcCodeName, labelingTask, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { startEmulator } from "clarifai-grpc-es/testing";
import { LabelingOrchestratorService } from "./gen/orchestrator/v1/orchestrator_pb.js";

/** A running orchestrator, on either server. */
export interface RunningOrchestrator {
  /** `host:port` it listens on. */
  readonly address: string;
  /** Stops the server: calls in flight are cut. */
  close(): Promise<void>;
}

/** The labeling task the embedded emulator starts with. */
export const demoLabelingTask = labelingTask({
  id: "labeling-1",
  name: "Annotate water",
  type: "CONCEPTS_CLASSIFICATION",
  concepts: ["water"],
  workers: { strategy: "DYNAMIC", users: ["worker-1"] },
  inputSource: { type: "DATASET", id: "ds-1" },
});

/** Runs one example: `start` builds its server around the client. */
export async function runExample(
  name: string,
  transport: ClarifaiClientOptions["transport"],
  start: (client: ClarifaiClient, port: number) => Promise<RunningOrchestrator>,
): Promise<void> {
  const demo = process.argv.includes("--demo");
  const emulator = process.env["CLARIFAI_GRPC_BASE"] ? undefined : await startEmulator();
  const client = new ClarifaiClient(
    emulator
      ? { transport, baseUrl: emulator.baseUrl, pat: "emulator-pat", userId: "emulator-user", appId: "orchestrator" }
      : { transport },
  );
  if (emulator) await client.tasks.create(demoLabelingTask);
  const service = await start(client, Number(process.env["PORT"] ?? (demo ? 0 : 50052)));
  console.log(`${name} labeling orchestrator listening on ${service.address}, calling Clarifai at ${emulator ? `${emulator.baseUrl} (embedded emulator)` : "CLARIFAI_GRPC_BASE"}`);
  const stop = async () => {
    await service.close();
    await client.close();
    await emulator?.close();
  };
  if (!demo) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop());
    return;
  }
  try {
    // Any gRPC client will do as the service's caller; this one is connect-node's.
    const caller = createClient(LabelingOrchestratorService, createGrpcTransport({ baseUrl: `http://${service.address}` }));
    for (const labelingTaskId of [process.env["LABELING_TASK_ID"] ?? demoLabelingTask.id, "no-such-task"]) {
      try {
        const { reviewTaskId } = await caller.startReview({ labelingTaskId, reviewerUserIds: ["reviewer-1"] }, { timeoutMs: 5_000 });
        console.log(`StartReview(${labelingTaskId}) → review task ${reviewTaskId}`);
      } catch (e) {
        const error = ConnectError.from(e);
        console.log(`StartReview(${labelingTaskId}) → ${grpcCodeName(error.code)}, clarifai-status-name ${error.metadata.get("clarifai-status-name")}`);
      }
    }
  } finally {
    await stop();
  }
}
