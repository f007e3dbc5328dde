// An HTTP/1.1 server on a free loopback port for the REST transport's tests: each request is read to its
// end, then handed to the test's handler.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A started {@link startHttp1Server}. */
export interface Http1Server {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** Ends open connections (a held request's too) and stops listening. */
  close(): Promise<void>;
}

/** Starts a server that calls `answer` once each request's body has arrived. */
export async function startHttp1Server(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Http1Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.once("end", () => answer(req, res));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
