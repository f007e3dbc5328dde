// What a resource namespace (`client.tasks`, `client.collectors`) needs from the client: one checked
// call, the call's app scope, and the one way failures outside a call become ClarifaiErrors. The
// resources depend on this interface, not on the client, so the client can own them without a circle.
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { UserAppIDSet } from "../gen/clarifai/api/resources_pb.js";
import type { CallOptions } from "./options.js";

/** @internal */
export interface Caller {
  /**
   * Sends one unary request with the client's auth, scoping, deadline, tracing and retries, checks both
   * status layers and returns the response message, or throws a `ClarifaiError`.
   */
  call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    options: CallOptions | undefined,
  ): Promise<MessageShape<O>>;
  /** The `user_app_id` of a call (the call's own, else the client's), or throws before sending. */
  userAppId(options: CallOptions | undefined, method: string): UserAppIDSet;
  /**
   * Converts a failure outside a call (validation before sending, an abort between pages) the one
   * standard way; `signal`, when aborted, makes it the caller's abort.
   */
  fail(reason: unknown, method: string, signal?: AbortSignal): never;
}
