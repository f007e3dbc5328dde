// Shared by the emulator tests: the two clients every behaviour is driven from — a connect client on
// our generated types and the official `clarifai-nodejs-grpc` dynamic stub — behind one small driver
// interface, so a scenario is written once and run with both.
import { fromBinary, fromJson, toBinary, type DescMessage, type JsonObject, type MessageShape } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { SEED_APP_ID, SEED_PAT, SEED_USER_ID, seeds, type SeedKey, type SeedRpc } from "../fixtures/seeds.js";
import { callOfficial, officialStub, upstreamRoot } from "../support/upstream.js";

/** A second user with its own key, to prove isolation. */
export const OTHER_PAT = "other-pat";
export const OTHER_USER_ID = "other-user";
/** Keys for every emulator these tests start: the docs' seed user, the default user and a stranger. */
export const USERS = { [SEED_PAT]: SEED_USER_ID, "emulator-pat": "emulator-user", [OTHER_PAT]: OTHER_USER_ID };
/** The seed app, as the docs' requests name it. */
export const SEED_SCOPE = { user_id: SEED_USER_ID, app_id: SEED_APP_ID };

/** The RPCs of V2 in scope, by their proto names. */
export type Rpc = SeedRpc | "GetTaskAnnotationCount" | "GetTaskInputCount";

/** A client that sends a request given as proto3 JSON and hands back our typed response. */
export interface Driver {
  readonly name: "connect" | "official";
  call<S extends DescMessage>(rpc: Rpc, request: JsonObject, response: S, pat?: string | null): Promise<MessageShape<S>>;
  /** Sends one of the docs' examples as that client's users write it. */
  seed<S extends DescMessage>(key: SeedKey, response: S, pat?: string): Promise<MessageShape<S>>;
  /** Official client only: sends a stub request object exactly as given (no Struct fixing). */
  raw?<S extends DescMessage>(rpc: Rpc, object: object, response: S, pat?: string): Promise<MessageShape<S>>;
  close(): void;
}

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);

/** Where a request message's schema lives: V2's method descriptors. */
function requestSchema(rpc: Rpc): DescMessage {
  const method = V2.method[lowerFirst(rpc) as keyof typeof V2.method];
  return method.input;
}

/** A connect-es client on our generated types, over connect-node's gRPC transport. */
export function connectDriver(baseUrl: string): Driver {
  const client: Client<typeof V2> = createClient(V2, createGrpcTransport({ baseUrl }));
  const call = async <S extends DescMessage>(rpc: Rpc, request: JsonObject, _response: S, pat: string | null = SEED_PAT) => {
    const message = fromJson(requestSchema(rpc), request);
    const fn = client[lowerFirst(rpc) as keyof typeof client] as (req: unknown, opts: unknown) => Promise<MessageShape<S>>;
    return fn(message, { headers: pat === null ? {} : { authorization: `Key ${pat}` } });
  };
  return {
    name: "connect",
    call,
    seed: (key, response, pat) => call(seeds[key].rpc, withScope(seeds[key].requestJson), response, pat),
    close: () => {},
  };
}

/** The official dynamic stub (grpc-js + proto-loader over upstream's protos), insecure channel. */
export function officialDriver(baseUrl: string): Driver {
  const stub = officialStub(new URL(baseUrl).host);
  const root = upstreamRoot();
  // Responses are re-encoded with upstream's own types and decoded with ours: the assertions then
  // read one typed shape, and every answer also crosses the wire contract once more.
  const typed = <S extends DescMessage>(response: S, object: unknown): MessageShape<S> => {
    const T = root.lookupType(response.typeName);
    return fromBinary(response, T.encode(T.fromObject(object)).finish()) as MessageShape<S>;
  };
  const send = async <S extends DescMessage>(rpc: Rpc, object: object, response: S, pat: string | null = SEED_PAT) =>
    typed(response, await callOfficial(stub, rpc, object, pat ?? ""));
  return {
    name: "official",
    // Non-doc requests: our JSON → bytes → upstream's message object, so nothing is lost in spelling.
    call: (rpc, request, response, pat) => {
      const schema = requestSchema(rpc);
      const T = root.lookupType(schema.typeName);
      // A plain object with only the fields that are set: decoded protobufjs messages carry defaults
      // on their prototypes, which fromObject would read back into every member of a oneof.
      const object = T.toObject(T.decode(toBinary(schema, fromJson(schema, request))), { longs: String });
      return send(rpc, object, response, pat);
    },
    // Doc requests: the seed's Node-stub object, with Struct written as protobufjs needs it (see DESIGN.md).
    seed: (key, response, pat) => send(seeds[key].rpc, structsForStub(withScope(seeds[key].nodeRequest as JsonObject)), response, pat),
    raw: (rpc, object, response, pat) => send(rpc, object, response, pat),
    close: () => stub.close(),
  };
}

/** Both drivers for `describe.each`. */
export const driverFactories = [
  ["connect", connectDriver],
  ["official", officialDriver],
] as const;

/** The collector examples rely on an app-scoped key; with a PAT the app must be named. */
export function withScope(request: JsonObject): JsonObject {
  return "user_app_id" in request ? structuredClone(request) : { ...structuredClone(request), user_app_id: SEED_SCOPE };
}

/** Rewrites `weights` / `metadata` plain objects into protobufjs' `{ fields: { k: { numberValue } } }`. */
export function structsForStub(value: JsonObject): JsonObject {
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v === null || typeof v !== "object") return v;
    if ((key === "weights" || key === "metadata") && !("fields" in v)) return toStructObject(v as JsonObject);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
  };
  return walk(value) as JsonObject;
}

function toStructObject(o: JsonObject): JsonObject {
  const value = (x: unknown): JsonObject =>
    typeof x === "number" ? { numberValue: x }
    : typeof x === "string" ? { stringValue: x }
    : typeof x === "boolean" ? { boolValue: x }
    : x === null ? { nullValue: 0 }
    : Array.isArray(x) ? { listValue: { values: x.map(value) } }
    : { structValue: toStructObject(x as JsonObject) };
  return { fields: Object.fromEntries(Object.entries(o).map(([k, x]) => [k, value(x)])) };
}
