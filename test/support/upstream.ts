// The upstream oracle: the official `clarifai-nodejs-grpc` package (devDependency, 11.11.0), loaded the
// ways its own users load it. Tests and benchmarks compare our subset against it and use it as a peer.
import { createRequire } from "node:module";
import path from "node:path";
import type * as GrpcJs from "@grpc/grpc-js";

const require = createRequire(import.meta.url);
/** The official package's main module (src/index.js). */
const oracleMain = require.resolve("clarifai-nodejs-grpc");
/** The official package's root directory. */
export const oracleDir = path.resolve(path.dirname(oracleMain), "..");
/** Upstream's `.proto` root (its files import `proto/clarifai/...`). */
export const oracleProtoDir = path.join(oracleDir, "proto");
// Resolve dependencies from inside the oracle, so we get its own protobufjs (6.x) and proto-loader (0.5.x).
const oracleRequire = createRequire(oracleMain);

/** The subset of protobufjs' API the tests use (the oracle's copy ships no types we can import). */
export interface PbjsType {
  fullName: string;
  name: string;
  fieldsArray: PbjsField[];
  oneofsArray: { name: string; fieldsArray: PbjsField[] }[];
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  fromObject(object: unknown): unknown;
  toObject(message: unknown, options?: Record<string, unknown>): Record<string, unknown>;
  verify(message: unknown): string | null;
}
export interface PbjsField {
  name: string;
  id: number;
  type: string;
  repeated: boolean;
  map: boolean;
  keyType?: string;
  partOf: { name: string } | null;
  resolvedType: { fullName: string } | null;
  resolve(): PbjsField;
}
export interface PbjsEnum {
  fullName: string;
  values: Record<string, number>;
}
export interface PbjsService {
  methods: Record<string, { requestType: string; responseType: string; resolvedRequestType: PbjsType | null; resolvedResponseType: PbjsType | null; resolve(): void }>;
}
export interface PbjsRoot {
  lookup(name: string): PbjsType | PbjsEnum | PbjsService | null;
  lookupType(name: string): PbjsType;
  lookupEnum(name: string): PbjsEnum;
  lookupService(name: string): PbjsService;
}

/** The same files the official package's own `src/index.js` loads. */
export const upstreamProtoFiles = [
  "clarifai/api/status/status_code.proto",
  "clarifai/api/status/status.proto",
  "clarifai/api/resources.proto",
  "clarifai/api/service_processed.proto",
  "clarifai/api/utils/matrix.proto",
].map((f) => path.join(oracleProtoDir, f));

let cachedRoot: PbjsRoot | undefined;

/**
 * Upstream's definitions parsed by the oracle's own protobufjs: `google/protobuf/*` come from
 * protobufjs' bundled copies, `google/api/*` (HTTP annotations, not shipped) are treated as empty.
 */
export function upstreamRoot(): PbjsRoot {
  if (cachedRoot) return cachedRoot;
  const pb = oracleRequire("protobufjs") as {
    Root: new () => PbjsRoot & { resolvePath: (origin: string, target: string) => string | null; loadSync(files: string[], opts: object): PbjsRoot };
    util: { path: { resolve(origin: string, target: string): string } };
  };
  const root = new pb.Root();
  root.resolvePath = (origin, target) => {
    if (target.startsWith("google/api/")) return null;
    if (target.startsWith("google/protobuf/")) return target;
    if (target.startsWith("proto/")) return path.join(oracleDir, target);
    return pb.util.path.resolve(origin, target);
  };
  root.loadSync(upstreamProtoFiles, { keepCase: true });
  cachedRoot = root;
  return root;
}

/** The official package's grpc-js (the one its ClarifaiStub uses). */
export function oracleGrpc(): typeof GrpcJs {
  return (require(oracleMain) as { grpc: typeof GrpcJs }).grpc;
}

/** A package definition loaded exactly as the official `ClarifaiStub` loads it. */
export function upstreamPackageDefinition(): GrpcJs.GrpcObject {
  const protoLoader = oracleRequire("@grpc/proto-loader") as {
    loadSync(files: string[], options: object): Parameters<typeof GrpcJs.loadPackageDefinition>[0];
  };
  const definition = protoLoader.loadSync(upstreamProtoFiles, {
    keepCase: true,
    longs: String,
    enums: Number,
    defaults: true,
    oneofs: true,
  });
  return oracleGrpc().loadPackageDefinition(definition);
}

/** A unary method of the official dynamic stub, callback style. */
export type StubMethod = (
  request: object,
  metadata: GrpcJs.Metadata,
  options: GrpcJs.CallOptions,
  callback: (error: GrpcJs.ServiceError | null, response: any) => void,
) => GrpcJs.ClientUnaryCall;

/** The official dynamic stub (what `ClarifaiStub.grpc()` returns), pointed at `address` without TLS. */
export function officialStub(address: string): GrpcJs.Client & Record<string, StubMethod> {
  const grpc = oracleGrpc();
  const pkg = upstreamPackageDefinition() as unknown as {
    clarifai: { api: { V2: new (address: string, creds: GrpcJs.ChannelCredentials) => GrpcJs.Client & Record<string, StubMethod> } };
  };
  return new pkg.clarifai.api.V2(address, grpc.credentials.createInsecure());
}

/** Calls one method of the official stub with `authorization: Key <pat>`, as its docs do. */
export function callOfficial<T = any>(
  stub: Record<string, StubMethod>,
  method: string,
  request: object,
  pat: string,
  deadlineMs = 10_000,
): Promise<T> {
  const grpc = oracleGrpc();
  const metadata = new grpc.Metadata();
  if (pat) metadata.set("authorization", `Key ${pat}`);
  const fn = stub[method];
  if (!fn) throw new Error(`official stub has no method ${method}`);
  return new Promise((resolve, reject) => {
    fn.call(stub, request, metadata, { deadline: Date.now() + deadlineMs }, (error, response) => {
      if (error) reject(error);
      else resolve(response as T);
    });
  });
}
