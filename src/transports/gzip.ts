// gzip for the lean transport's messages. node:zlib is loaded at the first compressed message, not with
// the transport: by default the client neither sends nor accepts compressed messages, and loading the
// module costs a cold start about 2 ms. The callbacks are wrapped here rather than by node:util's
// promisify: an ES import of node:util reads all its exports, which loads their lazy parts (parseArgs,
// MIMEType) into the first call of every client on this transport.
import type * as Zlib from "node:zlib";

type Codec = (bytes: Uint8Array, options: Zlib.ZlibOptions) => Promise<Buffer>;

/** `f` (zlib.gzip or zlib.gunzip) as a promise. */
function promised(f: (bytes: Uint8Array, options: Zlib.ZlibOptions, done: (error: Error | null, result: Buffer) => void) => void): Codec {
  return (bytes, options) => new Promise((resolve, reject) => f(bytes, options, (error, result) => (error ? reject(error) : resolve(result))));
}

let codecs: Promise<{ readonly gzip: Codec; readonly gunzip: Codec }> | undefined;
const loadCodecs = () =>
  (codecs ??= import("node:zlib").then((zlib: typeof Zlib) => ({ gzip: promised(zlib.gzip), gunzip: promised(zlib.gunzip) })));

const NO_OPTIONS: Zlib.ZlibOptions = Object.freeze({});

/** `bytes` gzipped. @internal */
export async function gzipBytes(bytes: Uint8Array): Promise<Buffer> {
  return (await loadCodecs()).gzip(bytes, NO_OPTIONS);
}

/**
 * The gunzipped `bytes`; rejects with zlib's error when they are not gzip data, and with a RangeError
 * of code `ERR_BUFFER_TOO_LARGE` as soon as they inflate past `limit` (zlib's `maxOutputLength`):
 * a few hundred KiB of gzip can inflate to gigabytes. `limit` is an options object made once by the
 * caller, not per call. @internal
 */
export async function gunzipBytes(bytes: Uint8Array, limit: { readonly maxOutputLength: number }): Promise<Buffer> {
  return (await loadCodecs()).gunzip(bytes, limit);
}
