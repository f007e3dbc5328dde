// What both gRPC transports require of a successful answer's content type. A proxy's HTML page, a
// gRPC-Web or JSON answer is refused even when its body happens to frame a valid message: decoded as
// one, it would hand the caller a message the server never sent. The connect transport checks the
// headers of every HTTP 200 answer; grpc-js looks at no content type, so its transport checks the
// answer's metadata once grpc-js has taken the call as a success (a failure keeps grpc-js' own status,
// whose metadata does not say the HTTP status it came with).
import { Code, ConnectError } from "@connectrpc/connect";

/** `application/grpc` or `application/grpc+proto`, any case, with parameters or without. */
const GRPC = /^application\/grpc(\+proto)?($|;)/i;

/**
 * The INTERNAL error for an answer whose content type `type` is not gRPC (`""` when it had none), with
 * the answer's headers as its metadata, marked as the server's answer; `undefined` when the type is gRPC.
 * @internal
 */
export function foreignContentTypeError(type: string, headers: () => Headers): ConnectError | undefined {
  if (GRPC.test(type)) return undefined;
  const metadata = headers();
  // Marked as the server's answer, as the transports mark an HTTP status without a gRPC one: the message
  // quotes the server's text, and status.ts reads the text of the client's own errors for what they
  // prove (a type reading "ECONNREFUSED" made a refused write look never sent, one reading "certificate"
  // made it a TLS failure). An answer came, so nothing here says the request went unseen.
  metadata.set("grpc-status", String(Code.Internal));
  return new ConnectError(`the server answered with content type ${JSON.stringify(type)}, not gRPC`, Code.Internal, metadata);
}
