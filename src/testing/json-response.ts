// The JSON answers of the emulator's HTTP side (REST routes and paths nothing serves): a response
// message carrying only `status`, with the HTTP status that fits it.
import { create } from "@bufbuild/protobuf";
import { BaseResponseSchema, type Status } from "../../gen/clarifai/api/status/status_pb.js";
import { responseJson } from "../rest/json.js";
import { httpStatusOf } from "./http-status.js";
import type { RequestHandler } from "./server.js";
import { EmulatorCodes, statusOf } from "./status.js";

/** A Node request handler, for HTTP/1.1 and HTTP/2 alike. @internal */
export type NodeHandler = RequestHandler;
/** Its request. @internal */
export type NodeRequest = Parameters<RequestHandler>[0];
/** Its response. @internal */
export type NodeResponse = Parameters<RequestHandler>[1];

/** Writes `body` as a JSON answer with `httpStatus`. @internal */
export function writeJson(res: NodeResponse, httpStatus: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(httpStatus, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "access-control-allow-origin": "*",
    ...extra,
  });
  res.end(body);
}

/** Answers with a response that carries only `status` (refusals before any handler ran). @internal */
export function writeStatus(res: NodeResponse, status: Status, extra?: Record<string, string>): void {
  writeJson(res, httpStatusOf(status.code), responseJson(BaseResponseSchema, create(BaseResponseSchema, { status })), extra);
}

/**
 * The JSON 404 for a path nothing serves: `{"status":{"code":11101,…}}` (CONN_DOES_NOT_EXIST, "when
 * the path is bad"), answered at once whatever the request's protocol. @internal
 */
export function writeNoRoute(res: NodeResponse, method: string, path: string, reqId = ""): void {
  writeStatus(res, statusOf(EmulatorCodes.noRoute, `no route for ${method} ${path}; see the google.api.http rules of clarifai.api.V2`, reqId));
}

