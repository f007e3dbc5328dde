// The one error of the REST mapping: a request that cannot be written as, or read from, HTTP under its
// google.api.http rule. It names the field, so the caller (a ClarifaiError on the client, a
// CONN_BAD_REQUEST_FORMAT status in the emulator) can say what to fix.

/** A request that does not fit its RPC's HTTP rule, naming the field at fault. @internal */
export class RestMappingError extends Error {
  constructor(
    /** The field path at fault (`task_id`, `user_app_id.app_id`, a query parameter's name), or `""`. */
    readonly fieldPath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RestMappingError";
  }
}
