// gzip for the lean transport's messages. node:zlib is loaded at the first compressed message, not with
// the transport: by default the client neither sends nor accepts compressed messages, and loading the
// module costs a cold start about 2 ms.
import type * as Zlib from "node:zlib";

let zlib: Promise<typeof Zlib> | undefined;
const loadZlib = (): Promise<typeof Zlib> => (zlib ??= import("node:zlib"));

/** `bytes` gzipped. @internal */
export async function gzipBytes(bytes: Uint8Array): Promise<Buffer> {
  const { gzip } = await loadZlib();
  return new Promise((resolve, reject) => gzip(bytes, (e, zipped) => (e ? reject(e) : resolve(zipped))));
}

/** The gunzipped `bytes`; rejects with zlib's error when they are not gzip data. @internal */
export async function gunzipBytes(bytes: Uint8Array): Promise<Buffer> {
  const { gunzip } = await loadZlib();
  return new Promise((resolve, reject) => gunzip(bytes, (e, plain) => (e ? reject(e) : resolve(plain))));
}
