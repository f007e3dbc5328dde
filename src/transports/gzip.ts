// gzip for the lean transport's messages. node:zlib is loaded at the first compressed message, not with
// the transport: by default the client neither sends nor accepts compressed messages, and loading the
// module costs a cold start about 2 ms.
import { promisify } from "node:util";

type Codec = (bytes: Uint8Array) => Promise<Buffer>;

let codecs: Promise<{ readonly gzip: Codec; readonly gunzip: Codec }> | undefined;
const loadCodecs = () => (codecs ??= import("node:zlib").then((zlib) => ({ gzip: promisify(zlib.gzip), gunzip: promisify(zlib.gunzip) })));

/** `bytes` gzipped. @internal */
export async function gzipBytes(bytes: Uint8Array): Promise<Buffer> {
  return (await loadCodecs()).gzip(bytes);
}

/** The gunzipped `bytes`; rejects with zlib's error when they are not gzip data. @internal */
export async function gunzipBytes(bytes: Uint8Array): Promise<Buffer> {
  return (await loadCodecs()).gunzip(bytes);
}
