// The emulator's REST routes: the google.api.http bindings of V2 (`POST /v2/users/{user}/apps/{app}/tasks`,
// `PATCH /v2/collectors`, …), read from the same rule table as the REST transport and answered by the
// same emulated methods as gRPC. Proto-JSON in (snake_case or camelCase, enum names or numbers),
// proto-JSON out with `status` always present, and an HTTP status that fits it (./http-status.ts).
// Any other path gets a prompt 404 with a JSON status body.
import { create } from "@bufbuild/protobuf";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { BaseResponseSchema, type Status } from "../../gen/clarifai/api/status/status_pb.js";
import { responseJson } from "../rest/json.js";
import { RestMappingError } from "../rest/mapping-error.js";
import { restBindings } from "../rest/rules.js";
import { decodeRestRequest, matchRestRoute } from "../rest/transcode.js";
import { httpStatusOf } from "./http-status.js";
import { writeJson, writeNoRoute, writeStatus, type NodeHandler, type NodeRequest } from "./json-response.js";
import type { EmulatorMethod, EmulatorMethods } from "./routes.js";
import type { EmulatorState } from "./state.js";
import { EmulatorCodes, statusOf } from "./status.js";

/** Largest request body read (a batch of tasks is a few kB); past it the answer is 413. */
export const MAX_REST_BODY_BYTES = 16 * 1024 * 1024;

// Browsers calling the emulator from a page (the docs' fetch examples are written for one) send a
// CORS preflight first; the real API allows cross-origin calls too.
const corsHeaders = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE",
  "access-control-allow-headers": "authorization, content-type, accept",
  "access-control-max-age": "600",
};

class BodyTooLarge extends Error {}

async function readBody(req: NodeRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REST_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The REST routes of the emulated V2 over `methods` (the same functions the gRPC routes call), as a
 * Node handler for any request the gRPC routes do not serve. @internal
 */
export function restNodeHandler(state: EmulatorState, methods: EmulatorMethods): NodeHandler {
  const bindings = restBindings(V2);
  return (req, res) => {
    const httpMethod = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://emulator");
    if (httpMethod === "OPTIONS") {
      res.writeHead(204, corsHeaders);
      res.end();
      return;
    }
    const match = matchRestRoute(bindings, httpMethod, url.pathname);
    if (!match) {
      writeNoRoute(res, httpMethod, url.pathname, state.nextReqId());
      return;
    }
    if ("allow" in match) {
      const details = `${httpMethod} is not served on ${url.pathname}; allowed: ${match.allow.join(", ")}`;
      writeStatus(res, statusOf(EmulatorCodes.methodNotAllowed, details, state.nextReqId()), { allow: match.allow.join(", ") });
      return;
    }
    const { method } = match.binding;
    const run = async () => {
      let request;
      try {
        request = decodeRestRequest(match, url.searchParams, await readBody(req));
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          const status = statusOf(EmulatorCodes.badRequestFormat, `the body is larger than ${MAX_REST_BODY_BYTES} bytes`, state.nextReqId());
          // The rest of the body is not read: an HTTP/1.1 connection cannot carry another request.
          writeJson(res, 413, responseJson(BaseResponseSchema, create(BaseResponseSchema, { status })), req.httpVersionMajor >= 2 ? {} : { connection: "close" });
          return;
        }
        if (!(e instanceof RestMappingError)) throw e;
        writeStatus(res, statusOf(EmulatorCodes.badRequestFormat, e.message, state.nextReqId()));
        return;
      }
      const authorization = [req.headers["authorization"]].flat()[0] ?? null;
      const emulated = methods[method.localName as keyof EmulatorMethods] as EmulatorMethod;
      const response = emulated(request as never, authorization);
      const code = (response as { status?: Status }).status?.code ?? StatusCode.ZERO;
      writeJson(res, httpStatusOf(code), responseJson(method.output, response));
    };
    run().catch((reason) => {
      if (res.headersSent) {
        res.destroy(new Error("emulator REST response failed after its headers were sent", { cause: reason }));
        return;
      }
      // A client that went away mid-body is not worth an answer; anything else is an emulator bug. (Not
      // `req.destroyed`: an HTTP/1.1 request reads as destroyed as soon as its body has been read.)
      if (!req.complete || (req as { aborted?: boolean }).aborted) return;
      writeStatus(res, statusOf(EmulatorCodes.internal, `the emulator failed: ${reason instanceof Error ? reason.message : String(reason)}`, state.nextReqId()));
    });
  };
}
