// The emulator process the bench drives: started apart from the clients so that the server's CPU is
// not the clients' CPU. It prints one JSON line with its address when it listens (the parent waits for
// that line, not for a timer) and exits when its stdin closes, so it never outlives the bench.
//
// `--no-compression` starts an emulator that answers every call uncompressed, whatever the client
// advertises: the "identity" side of the compression section, for the clients that have no option to
// stop advertising gzip (grpc-js has none). The emulator negotiates with connect-node's gzip and brotli
// objects and matches encodings by name, per request; renaming them to names no client sends turns
// compression off without touching the emulator. The bench checks the effect on the wire (it probes
// both emulators and reports what each answered), so a change that defeats this cannot go unnoticed.
import { parseArgs } from "node:util";
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";
import { startEmulator } from "../src/testing/index.js";
import { EMULATOR_USER, WRITE_APP } from "./server.js";

const { values } = parseArgs({ options: { "no-compression": { type: "boolean", default: false } } });
if (values["no-compression"]) {
  for (const c of [compressionGzip, compressionBrotli]) (c as { name: string }).name = `${c.name}-disabled-by-bench`;
}

const emulator = await startEmulator({ port: 0, host: "127.0.0.1" });
// PostTasks, the bench's write, stores every task it is sent: 24,000 of them took this process's RSS to
// 350 MB (157 MB with the emptying below), and a full run writes about twenty times as many, all of it
// heap the emulator's collector walks on the two cores the measured client shares. The write app is
// emptied every 200 ms: nothing reads it.
setInterval(() => emulator.store.app(EMULATOR_USER, WRITE_APP).tasks.clear(), 200).unref();
process.stdout.write(`${JSON.stringify({ ready: true, address: emulator.address, pid: process.pid })}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await emulator.close();
  process.exit(0);
});
