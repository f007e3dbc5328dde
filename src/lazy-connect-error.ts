// A ConnectError made without ConnectError's constructor, for the errors a client makes on its way out.
// The constructor builds a `Headers` for the metadata, and a process's first `Headers` loads Node's whole
// fetch implementation (undici, with web streams and worker_threads: 17 ms of CPU in a profile of
// close()). close() made such errors (the reason it gives the calls in flight, the error each of those
// calls then ends with, and connect-node's default reason for aborting the connection), so every process
// that closed a client paid for fetch, whether or not a call was in flight, and a short-lived one (a CLI,
// a job) paid it in its exit time.
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";

/**
 * A `ConnectError` of `code` saying `rawMessage`, whose metadata is made when first read. It is what
 * `new ConnectError(rawMessage, code)` makes: a native Error (its stack, `util.types.isNativeError`)
 * with ConnectError's prototype (`instanceof ConnectError`, its methods), connect's message
 * (`[canceled] …`) and fields; only the `Headers` of its (empty) metadata waits for a reader (so
 * `util.inspect` shows `metadata` as a getter until it is read).
 * @internal
 */
export function lazyConnectError(rawMessage: string, code: Code): ConnectError {
  const message = rawMessage.length > 0 ? `[${codeToString(code)}] ${rawMessage}` : `[${codeToString(code)}]`;
  const error = Reflect.construct(Error, [message], ConnectError) as ConnectError;
  let metadata: Headers | undefined;
  const field = (value: unknown): PropertyDescriptor => ({ value, writable: true, enumerable: true, configurable: true });
  // The fields, in the order and with the attributes the constructor gives them.
  Object.defineProperties(error, {
    name: field("ConnectError"),
    rawMessage: field(rawMessage),
    code: field(code),
    metadata: {
      get: () => (metadata ??= new Headers()),
      set: (value: Headers) => (metadata = value),
      enumerable: true,
      configurable: true,
    },
    details: field([]),
    cause: field(undefined),
  });
  Error.captureStackTrace(error, lazyConnectError);
  return error;
}
