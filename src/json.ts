// Messages as JSON for logs and scripts. `JSON.stringify(task)` throws on the bigint seconds of every
// timestamp ("Do not know how to serialize a BigInt") and would print enums as bare numbers; the
// proto3 JSON mapping writes what the REST API and its documentation write instead.

import {
  createRegistry,
  isMessage,
  toJson as messageToJson,
  type JsonObject,
  type JsonValue,
  type JsonWriteOptions,
  type JsonWriteStringOptions,
  type Message,
  type Registry,
} from "@bufbuild/protobuf";
import { file_google_protobuf_struct, file_google_protobuf_timestamp } from "@bufbuild/protobuf/wkt";
import { file_clarifai_api_resources } from "../gen/clarifai/api/resources_pb.js";
import { file_clarifai_api_service } from "../gen/clarifai/api/service_pb.js";
import { file_clarifai_api_status_status } from "../gen/clarifai/api/status/status_pb.js";
import { file_clarifai_api_status_status_code } from "../gen/clarifai/api/status/status_code_pb.js";
import { isClarifaiError, type ClarifaiError } from "./errors.js";

/** What {@link toJson} takes: any message of this package (a `Task`, a `Collector`, a `Status`, a response…) or a `ClarifaiError`. */
export type Loggable = Message | ClarifaiError;

/**
 * How {@link toJson} writes: protobuf-es' `JsonWriteOptions`, with the REST API's field names by
 * default (`useProtoFieldName: true`). Pass `{ useProtoFieldName: false }` for protobuf-es' camelCase
 * JSON names, `{ enumAsInteger: true }` for numbers, `{ alwaysEmitImplicit: true }` for zero values.
 */
export type ToJsonOptions = Partial<JsonWriteOptions>;

/** {@link ToJsonOptions} plus `prettySpaces` (indentation; default 0, one line). */
export type ToJsonStringOptions = Partial<JsonWriteStringOptions>;

let registry: Registry | undefined;

/**
 * Every message this package sends or receives, found by the `$typeName` each message carries. Built
 * on first use, so that importing the package costs nothing for callers who never log. @internal
 */
export function messageRegistry(): Registry {
  return (registry ??= createRegistry(
    file_clarifai_api_service,
    file_clarifai_api_resources,
    file_clarifai_api_status_status,
    file_clarifai_api_status_status_code,
    file_google_protobuf_timestamp,
    file_google_protobuf_struct,
  ));
}

/**
 * A message (or an array of them, or a `ClarifaiError`) as a JSON value, ready for `JSON.stringify`
 * and structured loggers: the proto3 JSON that the Clarifai REST API and its documentation write —
 * snake_case field names (`input_source`, `created_at`), enum values by name (`"DYNAMIC"`,
 * `"TASK_IN_PROGRESS"`), timestamps as RFC 3339 strings, 64-bit integers as strings, fields at their
 * zero value left out. `fromJson(TaskSchema, toJson(task))` gives the task back.
 *
 * Unlike `toJson(schema, message)` of `@bufbuild/protobuf`, it needs no schema: the message's
 * `$typeName` names it. A `ClarifaiError` gives its `toJSON()` (code, name, description, req_id, …;
 * never the PAT).
 *
 * @param options - see {@link ToJsonOptions}. Default: `{ useProtoFieldName: true }`.
 * @throws TypeError for anything else (a plain object, `undefined`, a message of another package).
 * @example logger.info({ task: toJson(task) }, "task created");
 */
export function toJson(value: Loggable | readonly Loggable[], options?: ToJsonOptions): JsonValue {
  if (Array.isArray(value)) return value.map((v: Loggable) => one(v, options));
  return one(value as Loggable, options);
}

/**
 * {@link toJson} as a string: `console.log(toJsonString(task))`, `toJsonString(tasks, { prettySpaces: 2 })`.
 *
 * @param options - see {@link ToJsonOptions}, and `prettySpaces` (default 0: one line).
 */
export function toJsonString(value: Loggable | readonly Loggable[], options?: ToJsonStringOptions): string {
  const { prettySpaces = 0, ...write } = options ?? {};
  return JSON.stringify(toJson(value, write), null, prettySpaces);
}

function one(value: Loggable, options: ToJsonOptions | undefined): JsonValue {
  if (isClarifaiError(value)) {
    // toJSON() leaves absent fields undefined, which a JSON value has no word for.
    return Object.fromEntries(Object.entries(value.toJSON()).filter(([, v]) => v !== undefined)) as JsonObject;
  }
  if (isMessage(value)) {
    const registry = messageRegistry();
    const schema = registry.getMessage(value.$typeName);
    if (schema !== undefined) return messageToJson(schema, value, { useProtoFieldName: true, registry, ...options });
    throw new TypeError(`toJson: ${value.$typeName} is not a message of clarifai-grpc-es; use toJson(schema, message) of @bufbuild/protobuf`);
  }
  throw new TypeError(
    `toJson takes a message of clarifai-grpc-es (a Task, a Collector, a response …), an array of them or a ClarifaiError; got ${describeValue(value)}`,
  );
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object") return "a plain object (build messages with create(Schema, init) or fromJson(Schema, json))";
  return `a ${typeof v}`;
}
