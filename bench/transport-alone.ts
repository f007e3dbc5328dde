// The transport under a facade, called as the facade calls it and without the facade: what the facade
// section compares each facade with for the issue's own measure (the facade's CPU over the raw transport
// under it). The hand-written raw clients (bench/clients) are lower still: they leave out what the
// transport itself does beyond the minimum (its headers, deadline, abort and result object), which is
// the transport's cost, not the facade's.
//
// Built from our sources, compiled, or built with the facade as the package is (bench/transport-bundle.ts;
// the package exports no transport): the client's options resolved as `new ClarifaiClient` resolves
// them, the transport chosen as the client chooses it (lazily loaded, as the client's is), and every
// attempt given what the call path gives it — the PAT's `authorization` header, the client's deadline,
// the client's close() signal (kept listening, as the client's is) — with the request message built
// per call.
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { BenchClient } from "./clients/types.js";
import { checkStatus, unaryWorkloads } from "./clients/unary.js";
import type { Target } from "./workloads.js";

/** The default transport and the grpc-js one, each called alone. */
export const TRANSPORTS_ALONE = ["connect transport", "grpc-js transport"] as const;
/** One of {@link TRANSPORTS_ALONE}. */
export type TransportAlone = (typeof TRANSPORTS_ALONE)[number];

/** Whether `name` names a transport called alone (not a client of bench/clients). */
export function isTransportAlone(name: string): name is TransportAlone {
  return (TRANSPORTS_ALONE as readonly string[]).includes(name);
}

/**
 * Connects `which` transport to the target, built from the parts module at `parts` (the URL of
 * bench/transport-parts.ts, compiled or bundled: see bench/transport-bundle.ts).
 */
export async function connectTransportAlone(which: TransportAlone, target: Target, parts: string): Promise<BenchClient> {
  const { resolveClientOptions, selectTransport, keepListening, create } = (await import(parts)) as typeof import("./transport-parts.js");
  const { pat, ...options } = resolveClientOptions({
    pat: target.pat,
    userId: target.userId,
    appId: target.appId,
    baseUrl: target.baseUrl,
    transport: which === "connect transport" ? "connect" : "grpc-js",
  });
  const transport = selectTransport(options);
  const closing = new AbortController();
  keepListening(closing.signal);
  const headers = { authorization: `Key ${pat}` };
  return unaryWorkloads(
    target,
    async (method, init) => {
      const unary = method as DescMethodUnary<typeof method.input, typeof method.output>;
      const { message } = await transport.unary({ method: unary, message: create(unary.input, init), headers, timeoutMs: options.timeoutMs, signal: closing.signal });
      checkStatus(message);
      return message;
    },
    () => void transport.close(),
  );
}
