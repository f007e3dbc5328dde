// A fake clarifai.api.V2 server for client tests, built only from the UPSTREAM protos of the official
// package (its proto-loader and grpc-js): no project code on the server side, so what it sees is what
// the wire carried. Each test installs handlers per RPC; every request is recorded with its metadata.
import type * as GrpcJs from "@grpc/grpc-js";
import { oracleGrpc, upstreamPackageDefinition } from "../support/upstream.js";

/** One request as the server received it (snake_case fields, enums as numbers). */
export interface Received {
  readonly method: string;
  readonly request: any;
  readonly metadata: Record<string, string>;
}

/** What a handler returns: a response object, a gRPC error, or `"hang"` (never answer). */
export type Reply =
  | object
  | { grpcError: { code: number; details: string } }
  | { response: object; trailers: Record<string, string>; headers?: Record<string, string> }
  | "hang";
export type Handler = (request: any, received: Received, n: number) => Reply | Promise<Reply>;

export interface UpstreamServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: Received[];
  /** Calls of one RPC so far. */
  count(method: string): number;
  /** Sets the handler of an RPC (replacing the previous one). */
  on(method: string, handler: Handler): void;
  /** Drops handlers and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const ok = (extra: object = {}) => ({ status: { code: 10000, description: "Ok", req_id: "req-ok" }, ...extra });
export { ok };

export async function startUpstreamServer(): Promise<UpstreamServer> {
  const grpc = oracleGrpc();
  const pkg = upstreamPackageDefinition() as unknown as { clarifai: { api: { V2: { service: GrpcJs.ServiceDefinition } } } };
  const service = pkg.clarifai.api.V2.service;
  const server = new grpc.Server();
  const received: Received[] = [];
  const handlers = new Map<string, Handler>();
  const hanging = new Set<GrpcJs.ServerUnaryCall<unknown, unknown>>();
  const implementation: GrpcJs.UntypedServiceImplementation = {};
  for (const name of Object.keys(service)) {
    const method = (service[name] as { originalName?: string }).originalName ?? name;
    implementation[name] = async (call: GrpcJs.ServerUnaryCall<any, any>, callback: GrpcJs.sendUnaryData<any>) => {
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap())) metadata[k] = String(v);
      const rec: Received = { method: name, request: call.request, metadata };
      received.push(rec);
      const handler = handlers.get(name) ?? handlers.get(method);
      if (!handler) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `no handler for ${name}` });
        return;
      }
      const reply = await handler(call.request, rec, received.filter((r) => r.method === name).length);
      if (reply === "hang") {
        hanging.add(call);
        return;
      }
      if ("grpcError" in reply) {
        callback(reply.grpcError as GrpcJs.ServiceError);
        return;
      }
      if ("trailers" in reply && "response" in reply) {
        const r = reply as { response: object; trailers: Record<string, string>; headers?: Record<string, string> };
        if (r.headers) {
          const md = new grpc.Metadata();
          for (const [k, v] of Object.entries(r.headers)) md.set(k, v);
          call.sendMetadata(md);
        }
        const trailers = new grpc.Metadata();
        for (const [k, v] of Object.entries(r.trailers)) trailers.set(k, v);
        callback(null, r.response, trailers);
        return;
      }
      callback(null, reply);
    };
  }
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    count: (method) => received.filter((r) => r.method === method).length,
    on: (method, handler) => handlers.set(method, handler),
    reset: () => {
      handlers.clear();
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
