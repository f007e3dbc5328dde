// The labeling orchestrator on a connect-node server (gRPC, gRPC-web and Connect on one HTTP/2 port).
// Its one RPC, StartReview, calls Clarifai twice from inside the handler (GetTask, then PostTasks),
// passing on the incoming call's deadline, cancellation and trace context with
// `fromConnectContext(ctx)`, and throws a Clarifai failure as its own error through
// `error.toConnectError()`.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { fromConnectContext, isClarifaiError, type ClarifaiClient } from "clarifai-grpc-es";
import { LabelingOrchestratorService } from "../gen/orchestrator/v1/orchestrator_pb.js";
import { reviewTaskOf } from "../review-task.js";
import type { RunningOrchestrator } from "../run.js";

/** The orchestrator's routes, calling Clarifai through `client`. */
export function orchestratorRoutes(client: ClarifaiClient): (router: ConnectRouter) => void {
  return (router) =>
    router.service(LabelingOrchestratorService, {
      async startReview(request, ctx) {
        // The caller's deadline, cancellation and trace context, for every call made on its behalf.
        const incoming = fromConnectContext(ctx);
        try {
          const labeling = await client.tasks.get(request.labelingTaskId, incoming);
          const review = await client.tasks.create(reviewTaskOf(labeling, request.reviewerUserIds), incoming);
          return { reviewTaskId: review.id };
        } catch (e) {
          // TASK_MISSING → NOT_FOUND, with `clarifai-status-name` (and code, req_id) in the trailers.
          throw isClarifaiError(e) ? e.toConnectError() : e;
        }
      },
    });
}

/** Starts the orchestrator on a cleartext HTTP/2 server on `host:port` (default 127.0.0.1, a free port). */
export async function startConnectOrchestrator(options: { client: ClarifaiClient; host?: string; port?: number }): Promise<RunningOrchestrator> {
  const server = http2.createServer(connectNodeAdapter({ routes: orchestratorRoutes(options.client) }));
  // `server.close()` waits for every session to end; a caller's idle connection would hold it open.
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
}
