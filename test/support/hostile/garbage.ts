// Property-based bad answers to a unary call. One HTTP/2 server serves every case: the test registers a
// generated `ResponseSpec` under an id and sends the id in a request header, so thousands of cases run
// over one listener (and mostly one connection) instead of one server each.
import fc from "fast-check";
import http2 from "node:http2";
import { grpcFrame, okGetTaskPayload } from "./grpc-wire.js";
import { startH2Server, type H2HostileServer } from "./servers.js";

/** One DATA write of the response body. */
export type BodyChunk =
  | { readonly kind: "raw"; readonly bytes: Uint8Array }
  | {
      readonly kind: "frame";
      /** The compressed-flag byte (0 is the only honest value without `grpc-encoding`). */
      readonly flag: number;
      /** `true`: a SUCCESS GetTask answer; `false`: random bytes. */
      readonly valid: boolean;
      readonly random: Uint8Array;
      /** Added to the real length in the prefix (0 = honest; `null` = 0xFFFFFFFF). */
      readonly lengthDelta: number | null;
      /** Cut the payload to this many bytes after the prefix was written (`null` = whole). */
      readonly truncateTo: number | null;
    };

/** How the server answers one call. */
export interface ResponseSpec {
  /** HTTP `:status` of the response headers. */
  readonly httpStatus: number;
  /** `content-type` of the response headers (`null`: none). */
  readonly contentType: string | null;
  /** Put `grpc-status` in the headers and end the stream there (a "trailers-only" answer). */
  readonly trailersOnly: { readonly grpcStatus: string } | null;
  readonly body: readonly BodyChunk[];
  /** Trailers after the body (`null`: end the stream without trailers). */
  readonly trailers: { readonly grpcStatus: string | null; readonly grpcMessage: string | null } | null;
  /** End normally, or reset the stream with this HTTP/2 error code after the body instead of trailers. */
  readonly ending: "end" | { readonly rstCode: number };
}

/** The one answer that must succeed: headers, a single honest SUCCESS message, `grpc-status: 0`. */
export const validSpec: ResponseSpec = {
  httpStatus: 200,
  contentType: "application/grpc+proto",
  trailersOnly: null,
  body: [{ kind: "frame", flag: 0, valid: true, random: new Uint8Array(), lengthDelta: 0, truncateTo: null }],
  trailers: { grpcStatus: "0", grpcMessage: null },
  ending: "end",
};

/** `true` when `spec` is a correct successful answer (the client must resolve). */
export function mustSucceed(spec: ResponseSpec): boolean {
  const only = spec.body[0];
  return (
    spec.httpStatus === 200 &&
    spec.contentType !== null &&
    /^application\/grpc(\+proto)?$/.test(spec.contentType) &&
    spec.trailersOnly === null &&
    spec.body.length === 1 &&
    only !== undefined &&
    only.kind === "frame" &&
    only.valid &&
    only.flag === 0 &&
    only.lengthDelta === 0 &&
    only.truncateTo === null &&
    spec.trailers !== null &&
    spec.trailers.grpcStatus === "0" &&
    spec.ending === "end"
  );
}

/**
 * `true` when no reading of the protocol allows success: a non-200 status, a content type that is not
 * gRPC, a non-OK or missing `grpc-status`, a reset before the trailers, or a message that is cut short
 * at the end of the stream.
 */
export function mustFail(spec: ResponseSpec): boolean {
  if (spec.httpStatus !== 200) return true;
  if (!/^application\/grpc(\+proto)?($|;)/i.test(spec.contentType ?? "")) return true;
  if (spec.trailersOnly) return true; // trailers-only carries no message, and a unary call needs one
  if (spec.ending !== "end") return true;
  if (spec.trailers === null || spec.trailers.grpcStatus !== "0") return true;
  if (spec.body.length === 0) return true;
  return false;
}

const TASK_ID = "fuzz-task";

/** The bytes of one body chunk. */
export function renderChunk(chunk: BodyChunk): Buffer {
  if (chunk.kind === "raw") return Buffer.from(chunk.bytes);
  const payload = chunk.valid ? okGetTaskPayload(TASK_ID) : chunk.random;
  const declaredLength = chunk.lengthDelta === null ? 0xffffffff : Math.max(0, payload.length + chunk.lengthDelta);
  const whole = grpcFrame(payload, { flag: chunk.flag, declaredLength });
  return chunk.truncateTo === null ? whole : whole.subarray(0, 5 + Math.min(chunk.truncateTo, payload.length));
}

/** Writes `spec` as the answer to `stream`. */
export function answer(stream: http2.ServerHttp2Stream, spec: ResponseSpec): void {
  if (stream.destroyed) return;
  const headers: http2.OutgoingHttpHeaders = { ":status": spec.httpStatus };
  if (spec.contentType !== null) headers["content-type"] = spec.contentType;
  if (spec.trailersOnly) {
    headers["grpc-status"] = spec.trailersOnly.grpcStatus;
    stream.respond(headers, { endStream: true });
    return;
  }
  const trailers = spec.trailers;
  const wantTrailers = spec.ending === "end" && trailers !== null;
  stream.respond(headers, { waitForTrailers: wantTrailers });
  if (wantTrailers) {
    stream.once("wantTrailers", () => {
      const t: http2.OutgoingHttpHeaders = {};
      if (trailers.grpcStatus !== null) t["grpc-status"] = trailers.grpcStatus;
      if (trailers.grpcMessage !== null) t["grpc-message"] = trailers.grpcMessage;
      stream.sendTrailers(t);
    });
  }
  for (const chunk of spec.body) stream.write(renderChunk(chunk));
  if (spec.ending === "end") stream.end();
  else stream.close(spec.ending.rstCode);
}

// Header values must be visible ASCII; the arbitraries keep to that (Node refuses others on the server).
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,40}$/).map((s) => s.trim());

const chunkArb: fc.Arbitrary<BodyChunk> = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "raw" as const, bytes })) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("frame" as const),
      flag: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 255 }) }),
      valid: fc.boolean(),
      random: fc.uint8Array({ maxLength: 96 }),
      lengthDelta: fc.oneof(
        { weight: 5, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: -8, max: 8 }) },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      truncateTo: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 40 }) }),
    }),
  },
);

/** Every way of answering a unary call that the fuzz test tries. */
export const responseSpecArb: fc.Arbitrary<ResponseSpec> = fc.record({
  httpStatus: fc.oneof({ weight: 6, arbitrary: fc.constant(200) }, { weight: 1, arbitrary: fc.constantFrom(204, 400, 401, 404, 429, 500, 502, 503, 504) }),
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("application/grpc", "application/grpc+proto") },
    { weight: 1, arbitrary: fc.constantFrom(null, "text/html", "application/json", "application/grpc+json", "application/grpc-web") },
    { weight: 1, arbitrary: headerText },
  ),
  trailersOnly: fc.option(
    fc.record({ grpcStatus: fc.oneof(fc.integer({ min: 0, max: 20 }).map(String), headerText) }),
    { freq: 8 },
  ),
  body: fc.array(chunkArb, { maxLength: 3 }),
  trailers: fc.option(
    fc.record({
      grpcStatus: fc.oneof(
        { weight: 4, arbitrary: fc.constant("0") },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: 20 }).map(String) },
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: headerText },
      ),
      grpcMessage: fc.option(headerText, { freq: 2 }),
    }),
    { freq: 8 },
  ),
  ending: fc.oneof({ weight: 6, arbitrary: fc.constant("end" as const) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 13 }).map((rstCode) => ({ rstCode })) }),
});

/** The header that carries a case id to the fuzz server. */
export const CASE_HEADER = "x-fuzz-case";

/** A server that answers each call with the spec registered under its `x-fuzz-case` header. */
export interface FuzzServer extends H2HostileServer {
  /** Registers `spec` and returns the id to send in `x-fuzz-case`. */
  register(spec: ResponseSpec): string;
  /** How many requests asked for this case id (retries show up as more than one). */
  hits(id: string): number;
}

/** Starts the one server every garbage case goes through. Unknown case ids get RST_STREAM(PROTOCOL_ERROR). */
export async function startFuzzServer(): Promise<FuzzServer> {
  const specs = new Map<string, ResponseSpec>();
  const hitCount = new Map<string, number>();
  let next = 0;
  const server = await startH2Server((stream, headers) => {
    const id = String(headers[CASE_HEADER] ?? "");
    hitCount.set(id, (hitCount.get(id) ?? 0) + 1);
    const spec = specs.get(id);
    // Answer as soon as the request is complete, so the whole exchange is deterministic per case.
    stream.resume();
    stream.once("end", () => {
      if (spec) answer(stream, spec);
      else stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
    });
  });
  return Object.assign(server, {
    register(spec: ResponseSpec) {
      const id = String(++next);
      specs.set(id, spec);
      return id;
    },
    hits(id: string) {
      return hitCount.get(id) ?? 0;
    },
  });
}
