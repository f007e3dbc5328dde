// The labeling orchestrator on a grpc-js server. Its one RPC, StartReview, calls Clarifai twice from
// inside the handler (GetTask, then PostTasks), passing on the incoming call's deadline, cancellation
// and trace context with `fromGrpcJsCall(call)`, and answers a Clarifai failure with its own gRPC
// status through `error.toGrpcStatus()`.
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { fromGrpcJsCall, isClarifaiError, type ClarifaiClient } from "clarifai-grpc-es";
import {
  LabelingOrchestratorService,
  StartReviewResponseSchema,
  type StartReviewRequest,
  type StartReviewResponse,
} from "../gen/orchestrator/v1/orchestrator_pb.js";
import { reviewTaskOf } from "../review-task.js";
import type { RunningOrchestrator } from "../run.js";
import { grpcJsServiceDefinition } from "./service-definition.js";

/** StartReview on grpc-js, calling Clarifai through `client`. */
export function startReviewHandler(client: ClarifaiClient): grpc.handleUnaryCall<StartReviewRequest, StartReviewResponse> {
  return async (call, callback) => {
    // The caller's deadline, cancellation and trace context, for every call made on its behalf.
    const incoming = fromGrpcJsCall(call);
    try {
      const labeling = await client.tasks.get(call.request.labelingTaskId, incoming);
      const review = await client.tasks.create(reviewTaskOf(labeling, call.request.reviewerUserIds), incoming);
      callback(null, create(StartReviewResponseSchema, { reviewTaskId: review.id }));
    } catch (e) {
      // TASK_MISSING → NOT_FOUND, with `clarifai-status-name` (and code, req_id) in the trailers.
      callback(isClarifaiError(e) ? e.toGrpcStatus(grpc.Metadata) : { code: grpc.status.INTERNAL, details: "StartReview failed" });
    }
  };
}

/** Starts the orchestrator on a grpc-js server, cleartext, on `host:port` (default 127.0.0.1, a free port). */
export async function startGrpcJsOrchestrator(options: { client: ClarifaiClient; host?: string; port?: number }): Promise<RunningOrchestrator> {
  const server = new grpc.Server();
  server.addService(grpcJsServiceDefinition(LabelingOrchestratorService), { startReview: startReviewHandler(options.client) });
  const host = options.host ?? "127.0.0.1";
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `${host}:${port}`,
    close: async () => server.forceShutdown(),
  };
}
