// A server's gRPC status read leniently, for both gRPC transports. connect's `findTrailerError` throws
// on a `grpc-message` that is not valid percent-encoding (`quota 100% used`) and on a
// `grpc-status-details-bin` that does not decode; thrown from a stream's `close` listener or from
// grpc-js' callback, that took the whole process down. The gRPC spec asks clients not to fail on a
// badly encoded message: the status code the server sent is what the call fails with, whatever the rest.
import { Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";

/**
 * `grpc-message` percent-decoded as the spec encodes it, each run of `%XX` sequences on its own: a run
 * that is not valid UTF-8, or a `%` not followed by two hex digits, stays as the server wrote it.
 * @internal
 */
export function decodeGrpcMessage(raw: string): string {
  if (!raw.includes("%")) return raw;
  return raw.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * The rich details (a `google.rpc.Status`'s `details`) of `grpc-status-details-bin` in `metadata`;
 * none when it is absent or does not decode: the status's code and message still stand without them.
 * @internal
 */
export function statusDetails(metadata: Headers): ConnectError["details"] {
  const bin = metadata.get("grpc-status-details-bin");
  if (bin === null) return [];
  try {
    // Only the details header, so that connect reads nothing but it (its code and message are not used).
    return findTrailerError(new Headers({ "grpc-status-details-bin": bin }))?.details ?? [];
  } catch {
    return [];
  }
}

/**
 * The failure the `grpc-status` in `metadata` (a trailer, or the header of a trailers-only answer)
 * carries, or `undefined` for none or OK: its code, `grpc-message` decoded by {@link decodeGrpcMessage},
 * and the rich details that decode. The error's metadata is `metadata`. Never throws.
 * @internal
 */
export function trailerError(metadata: Headers): ConnectError | undefined {
  const status = metadata.get("grpc-status");
  if (status === null || status === "0") return undefined;
  const code = parseInt(status, 10);
  if (!(code in Code) || code === 0) return new ConnectError(`invalid grpc-status: ${status}`, Code.Internal, metadata);
  const error = new ConnectError(decodeGrpcMessage(metadata.get("grpc-message") ?? ""), code as Code, metadata);
  error.details = statusDetails(metadata);
  return error;
}
