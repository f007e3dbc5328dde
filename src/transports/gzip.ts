// gzip for the lean transport's messages. node:zlib is loaded at the first compressed message, not with
// the transport: by default the client neither sends nor accepts compressed messages, and loading the
// module costs a cold start about 2 ms. The callbacks are wrapped here rather than by node:util's
// promisify: an ES import of node:util reads all its exports, which loads their lazy parts (parseArgs,
// MIMEType) into the first call of every client on this transport.
import type * as Zlib from "node:zlib";

type Codec = (bytes: Uint8Array) => Promise<Buffer>;

/** `f` (zlib.gzip or zlib.gunzip) as a promise. */
function promised(f: (bytes: Uint8Array, done: (error: Error | null, result: Buffer) => void) => void): Codec {
  return (bytes) => new Promise((resolve, reject) => f(bytes, (error, result) => (error ? reject(error) : resolve(result))));
}

let codecs: Promise<{ readonly gzip: Codec; readonly gunzip: Codec }> | undefined;
const loadCodecs = () =>
  (codecs ??= import("node:zlib").then((zlib: typeof Zlib) => ({ gzip: promised(zlib.gzip), gunzip: promised(zlib.gunzip) })));

/** `bytes` gzipped. @internal */
export async function gzipBytes(bytes: Uint8Array): Promise<Buffer> {
  return (await loadCodecs()).gzip(bytes);
}

/** The gunzipped `bytes`; rejects with zlib's error when they are not gzip data. @internal */
export async function gunzipBytes(bytes: Uint8Array): Promise<Buffer> {
  return (await loadCodecs()).gunzip(bytes);
}
