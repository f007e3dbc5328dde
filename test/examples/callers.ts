// The examples' callers in the tests: each service is called by its own stack's client (a grpc-js
// client for the grpc-js service, connect-node's for the connect one), behind one small interface so
// that every test runs against both services unchanged.
import { create } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { LabelingOrchestratorService, StartReviewRequestSchema, type StartReviewResponse } from "../../examples/gen/orchestrator/v1/orchestrator_pb.js";
import { grpcJsServiceDefinition } from "../../examples/grpc-js/service-definition.js";

/** What a caller sends with StartReview. */
export interface CallerOptions {
  /** The call's deadline, epoch milliseconds. Default: none. */
  readonly deadline?: number;
  /** Cancels the call. */
  readonly signal?: AbortSignal;
  /** Request metadata, e.g. a `traceparent`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** How StartReview failed, as the service's caller sees it. */
export class CallFailed extends Error {
  constructor(
    /** The gRPC status code. */
    readonly code: number,
    readonly details: string,
    /** Response headers and trailers. */
    readonly metadata: Readonly<Record<string, string>>,
  ) {
    super(`StartReview failed with gRPC status ${code}: ${details}`);
  }
}

export interface OrchestratorCaller {
  /** Resolves with the response, or rejects with a {@link CallFailed}. */
  startReview(request: { labelingTaskId: string; reviewerUserIds: string[] }, options?: CallerOptions): Promise<StartReviewResponse>;
  close(): void;
}

/** A grpc-js client of the orchestrator at `address`. */
export function grpcJsCaller(address: string): OrchestratorCaller {
  const Client = grpc.makeGenericClientConstructor(grpcJsServiceDefinition(LabelingOrchestratorService), "LabelingOrchestratorService");
  // A generic client's methods are added at run time, by their local names.
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    startReview(request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: StartReviewResponse) => void): grpc.ClientUnaryCall;
  };
  return {
    startReview: (request, options = {}) =>
      new Promise((resolve, reject) => {
        const metadata = new grpc.Metadata();
        for (const [name, value] of Object.entries(options.headers ?? {})) metadata.set(name, value);
        const call = client.startReview(create(StartReviewRequestSchema, request), metadata, { deadline: options.deadline ?? Infinity }, (error, response) => {
          if (!error) return resolve(response);
          const md: Record<string, string> = {};
          for (const [name, value] of Object.entries(error.metadata.getMap())) md[name] = String(value);
          reject(new CallFailed(error.code, error.details, md));
        });
        options.signal?.addEventListener("abort", () => call.cancel(), { once: true });
      }),
    close: () => client.close(),
  };
}

/** A connect-node (gRPC protocol) client of the orchestrator at `address`. */
export function connectCaller(address: string): OrchestratorCaller {
  const client = createClient(LabelingOrchestratorService, createGrpcTransport({ baseUrl: `http://${address}` }));
  return {
    async startReview(request, options = {}) {
      try {
        return await client.startReview(request, {
          ...(options.deadline !== undefined ? { timeoutMs: options.deadline - Date.now() } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.headers ? { headers: options.headers } : {}),
        });
      } catch (e) {
        const error = ConnectError.from(e);
        const md: Record<string, string> = {};
        error.metadata.forEach((value, name) => void (md[name] = value));
        throw new CallFailed(error.code, error.rawMessage, md);
      }
    },
    close: () => {},
  };
}
