// Node's own failures (sockets, TLS, HTTP/2 streams) as ConnectErrors with the gRPC code that means the
// same, keeping the Node error as `cause` so that `src/status.ts` can still read its `code`.
import { Code, ConnectError } from "@connectrpc/connect";
import { constants } from "node:http2";
import { notSentError } from "../status.js";

const unreachable = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

const resetNames: Record<number, string> = Object.fromEntries(
  Object.entries(constants)
    .filter(([k]) => k.startsWith("NGHTTP2_") && !k.startsWith("NGHTTP2_SESSION") && !k.startsWith("NGHTTP2_FLAG") && !k.startsWith("NGHTTP2_ERR"))
    .map(([k, v]) => [v as number, k.slice("NGHTTP2_".length)]),
);

/** The failure of a stream the server (or the connection) reset with `code`. @internal */
export function fromHttp2Reset(code: number, cause?: unknown): ConnectError {
  const text = `the HTTP/2 stream was reset with ${resetNames[code] ?? "code"} (0x${code.toString(16)})`;
  switch (code) {
    case constants.NGHTTP2_REFUSED_STREAM:
      // The server refused the stream before processing it (RFC 9113 §8.7): nothing was done. Node's
      // HTTP/2 stack (nghttp2) also closes a stream this way when a GOAWAY's last-stream-id is below it
      // (§6.8), or arrived before its HEADERS left: so neither transport needs a 'goaway' listener of its
      // own for those (test/fault/hostile-servers.test.ts).
      return notSentError(text, Code.Unavailable, cause);
    case constants.NGHTTP2_CANCEL:
      return new ConnectError(text, Code.Canceled, undefined, undefined, cause);
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return new ConnectError(text, Code.ResourceExhausted, undefined, undefined, cause);
    case constants.NGHTTP2_INADEQUATE_SECURITY:
    case constants.NGHTTP2_HTTP_1_1_REQUIRED:
      return new ConnectError(text, Code.PermissionDenied, undefined, undefined, cause);
    default:
      return new ConnectError(text, Code.Internal, undefined, undefined, cause);
  }
}

/**
 * A Node failure as a ConnectError: an unreachable host is UNAVAILABLE, a stream error the code of its
 * reset (`rstCode`), anything else INTERNAL (the funnel in `src/status.ts` still sees a lost connection
 * in the cause chain). A ConnectError passes as it is. @internal
 */
export function fromNodeError(error: unknown, rstCode?: number): ConnectError {
  if (error instanceof ConnectError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ERR_HTTP2_STREAM_ERROR" && rstCode !== undefined && rstCode !== constants.NGHTTP2_NO_ERROR) return fromHttp2Reset(rstCode, error);
  const message = error instanceof Error ? error.message : String(error);
  const grpc = typeof code === "string" && unreachable.has(code) ? Code.Unavailable : Code.Internal;
  return new ConnectError(message, grpc, undefined, undefined, error);
}
