// Malformed request bytes → gRPC INVALID_ARGUMENT. connect-es answers a protobuf parse failure with
// INTERNAL (as grpc-go does), but for the emulator a client's bad bytes are the client's fault, and the
// issue's contract is INVALID_ARGUMENT. The parse happens inside connect before any handler or
// interceptor runs, so the request body is screened first: if a message does not decode, the handler
// receives an empty message plus a context flag and throws INVALID_ARGUMENT itself — connect then
// encodes that error correctly for gRPC, gRPC-web and Connect alike.
import { fromBinary, type DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError, createConnectRouter, createContextKey, createContextValues, type ConnectRouter, type ContextValues } from "@connectrpc/connect";
import { createAsyncIterable, readAllBytes } from "@connectrpc/connect/protocol";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
  type connectNodeAdapter,
} from "@connectrpc/connect-node";
import { writeNoRoute, type NodeHandler } from "./json-response.js";

/** Set on a call whose request bytes did not decode; holds the reason. @internal */
export const malformedRequest = createContextKey<string | undefined>(undefined, { description: "malformed request bytes" });

/** Throws INVALID_ARGUMENT when the call's request bytes were malformed. @internal */
export function assertWellFormed(values: ContextValues): void {
  const reason = values.get(malformedRequest);
  if (reason !== undefined) throw new ConnectError(reason, Code.InvalidArgument);
}

// Enveloped binary protocols (gRPC, gRPC-web) and Connect's unary binary encoding.
const enveloped = /^application\/grpc(-web)?(\+proto)?(;|$)/i;
const connectBinary = /^application\/proto(;|$)/i;

/**
 * Finds the first message in `body` that does not decode. Returns undefined when all decode, and
 * also when it cannot tell (compressed or truncated frames): connect's own checks answer those.
 */
function findMalformed(schema: DescMessage, body: Uint8Array, isEnveloped: boolean): string | undefined {
  const tryParse = (bytes: Uint8Array) => {
    try {
      fromBinary(schema, bytes);
      return undefined;
    } catch (e) {
      return `malformed ${schema.typeName}: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  if (!isEnveloped) return tryParse(body);
  let offset = 0;
  while (offset + 5 <= body.length) {
    const flags = body[offset]!;
    const length = new DataView(body.buffer, body.byteOffset + offset + 1, 4).getUint32(0);
    if (flags !== 0 || offset + 5 + length > body.length) return undefined;
    const reason = tryParse(body.subarray(offset + 5, offset + 5 + length));
    if (reason) return reason;
    offset += 5 + length;
  }
  return undefined;
}

/**
 * A Node request handler for `routes`, like connect-node's `connectNodeAdapter` (same compression
 * defaults), with the malformed-bytes screen in front of every method. A path no route serves goes to
 * `otherwise`, by default a prompt 404 with a JSON status body (gRPC clients read a 404 as
 * UNIMPLEMENTED). @internal
 */
export function emulatorNodeHandler(
  routes: (router: ConnectRouter) => void,
  otherwise: NodeHandler = (req, res) => writeNoRoute(res, req.method!, new URL(req.url!, "http://emulator").pathname),
): ReturnType<typeof connectNodeAdapter> {
  const router = createConnectRouter({ acceptCompression: [compressionGzip, compressionBrotli] });
  routes(router);
  const handlers = new Map(router.handlers.map((h) => [h.requestPath, h]));
  // Node's types allow a request without method or url, but a request listener never gets one: an
  // HTTP/1.1 request line has both, nghttp2 refuses an HTTP/2 request without :method or :path, and
  // CONNECT (which has no :path) goes to the server's "connect" event instead.
  return (req, res) => {
    const handler = handlers.get(req.url!.split("?", 2)[0]!);
    if (!handler) {
      otherwise(req, res);
      return;
    }
    const contentType = String(req.headers["content-type"] ?? "");
    const isEnveloped = enveloped.test(contentType);
    const run = async () => {
      const values = createContextValues();
      let uReq = universalRequestFromNodeRequest(req, res, undefined, values);
      if (isEnveloped || connectBinary.test(contentType)) {
        // Unary requests are read whole by connect anyway; reading them here first costs nothing.
        const body = await readAllBytes(uReq.body as AsyncIterable<Uint8Array>, 0xffffffff);
        const reason = findMalformed(handler.method.input, body, isEnveloped);
        if (reason !== undefined) values.set(malformedRequest, reason);
        const replacement = reason === undefined ? body : isEnveloped ? new Uint8Array(5) : new Uint8Array(0);
        uReq = { ...uReq, body: createAsyncIterable([replacement]) };
      }
      await universalResponseToNodeResponse(await handler(uReq), res);
    };
    run().catch((reason) => {
      if (res.headersSent) {
        // Too late for a status: without a reset the stream stays open and the client waits for its
        // deadline. Destroying with an error resets an HTTP/2 stream with INTERNAL_ERROR (and closes
        // an HTTP/1.1 connection); for a client that already went away it changes nothing.
        res.destroy(new Error("emulator response failed after its headers were sent", { cause: reason }));
        return;
      }
      // A client that goes away mid-call is not an emulator failure.
      if (ConnectError.from(reason).code !== Code.Aborted) {
        res.writeHead(500);
        res.end();
      }
    });
  };
}
