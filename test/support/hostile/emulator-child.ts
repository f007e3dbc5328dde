// The emulator as its own process, so tests can kill it (SIGKILL: no GOAWAY, no goodbye) and restart it
// on the same port, and the soak can measure the client's memory without the server's. Started by
// `spawnEmulator()` (child-emulator.ts); talks to its parent over the IPC channel.
import { startEmulator } from "../../../src/testing/index.js";
import type { ChildReply, ChildRequest, ChildStartOptions } from "./child-emulator.js";

const options = JSON.parse(process.argv[2] ?? "{}") as ChildStartOptions;
const emulator = await startEmulator({
  port: options.port ?? 0,
  host: "127.0.0.1",
  ...(options.users ? { users: options.users } : {}),
  ...(options.tls ? { tls: options.tls } : {}),
});

const send = (reply: ChildReply) => process.send?.(reply);
process.on("message", (message: ChildRequest) => {
  if (message.type === "countTasks") {
    send({ type: "count", id: message.id, count: emulator.store.countTasks(message.userId, message.appId) });
  }
});
// The parent going away (test run aborted) must not leave an orphan server behind.
process.on("disconnect", () => void emulator.close().finally(() => process.exit(0)));
send({ type: "ready", port: emulator.port, baseUrl: emulator.baseUrl });
