// A plain HTTP/2 server for tests of real handlers (connect-node adapters), closed with the sessions
// its clients keep open (an idle client session would hold server.close() forever).
import type http2 from "node:http2";
import type { AddressInfo } from "node:net";

const sessions = new WeakMap<http2.Http2Server, Set<http2.ServerHttp2Session>>();

/** Starts `server` on a free port of 127.0.0.1, tracking its sessions for {@link closeH2}. */
export async function listenH2(server: http2.Http2Server): Promise<number> {
  const set = new Set<http2.ServerHttp2Session>();
  sessions.set(server, set);
  server.on("session", (s) => {
    set.add(s);
    s.on("close", () => set.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes a server started by {@link listenH2}, destroying its open sessions. */
export async function closeH2(server: http2.Http2Server): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));
  for (const session of sessions.get(server) ?? []) session.destroy();
  await closed;
}
