// A ConnectError made without ConnectError's constructor, for the errors a client makes itself (on its
// way out, and when a deadline passes). The constructor builds a `Headers` for the metadata, and a
// process's first `Headers` loads Node's whole fetch implementation (undici, with web streams and
// worker_threads: 17 ms of CPU in a profile of close()). close() made such errors (the reason it gives
// the calls in flight, the error each of those calls then ends with, and connect-node's default reason
// for aborting the connection), so every process that closed a client paid for fetch, whether or not a
// call was in flight, and a short-lived one (a CLI, a job) paid it in its exit time; and a service's
// first DEADLINE_EXCEEDED stalled its event loop for as long, just when it was short of time.
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";

/**
 * A `ConnectError` of `code` saying `rawMessage`, whose metadata is made when first read. It is what
 * `new ConnectError(rawMessage, code, undefined, undefined, cause)` makes: a native Error (its stack,
 * `util.types.isNativeError`) with ConnectError's prototype (`instanceof ConnectError`, its methods),
 * connect's message (`[canceled] …`) and fields, `cause` included (default `undefined`); only the
 * `Headers` of its (empty) metadata waits for a reader (so `util.inspect` shows `metadata` as a getter
 * until it is read).
 * @internal
 */
export function lazyConnectError(rawMessage: string, code: Code, cause?: unknown): ConnectError {
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
      get: () => {
        unread.delete(error);
        return (metadata ??= new Headers());
      },
      set: (value: Headers) => {
        unread.delete(error);
        metadata = value;
      },
      enumerable: true,
      configurable: true,
    },
    details: field([]),
    cause: field(cause),
  });
  unread.add(error);
  Error.captureStackTrace(error, lazyConnectError);
  return error;
}

// The lazy errors whose metadata nobody has read or replaced yet: still empty, and not yet a `Headers`.
const unread = new WeakSet<ConnectError>();

/**
 * `error.metadata.has(name)`, without making the empty metadata of a {@link lazyConnectError} that
 * nobody has read (it has no `name`).
 * @internal
 */
export function metadataHas(error: ConnectError, name: string): boolean {
  return !unread.has(error) && error.metadata.has(name);
}

/** Whether `error` is a {@link lazyConnectError} whose (empty) metadata nobody has read or replaced yet. @internal */
export function hasUnreadMetadata(error: object): boolean {
  return unread.has(error as ConnectError);
}
