// The emulator process the bench drives: started apart from the clients so that the server's CPU is
// not the clients' CPU. It prints one JSON line with its address when it listens (the parent waits for
// that line, not for a timer) and exits when its stdin closes, so it never outlives the bench.
import { startEmulator } from "../src/testing/index.js";

const emulator = await startEmulator({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ ready: true, address: emulator.address, pid: process.pid })}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await emulator.close();
  process.exit(0);
});
