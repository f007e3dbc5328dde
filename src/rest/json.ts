// Proto-JSON as the Clarifai REST API writes and reads it, in one place for both sides of the wire.
import {
  fromJson,
  mergeFromJson,
  toJson,
  type DescMessage,
  type JsonReadOptions,
  type JsonValue,
  type JsonWriteOptions,
  type MessageShape,
} from "@bufbuild/protobuf";
import { RestMappingError } from "./mapping-error.js";

/**
 * Requests as the documentation writes them: proto field names (`user_app_id`), enums by name.
 * Fields with default values are left out, as everywhere in proto-JSON.
 */
export const requestWriteOptions: Partial<JsonWriteOptions> = Object.freeze({ useProtoFieldName: true });

/**
 * Requests as a server reads them: proto or JSON field names (`sample_ms` or `sampleMs`), enum names
 * or numbers (`"DYNAMIC"` or `4`). Unknown fields are refused, naming the key: the emulator knows the
 * fields a call can carry, and a misspelt one silently dropped would make a test pass that the real
 * call then fails.
 */
export const requestReadOptions: Partial<JsonReadOptions> = Object.freeze({ ignoreUnknownFields: false });

/**
 * Responses as the API writes them: proto field names, and enums as numbers, as the API's REST
 * answers carry `"status": { "code": 10000, … }` (the docs' Node examples compare `status.code` with
 * 10000).
 */
export const responseWriteOptions: Partial<JsonWriteOptions> = Object.freeze({ useProtoFieldName: true, enumAsInteger: true });

/**
 * Responses as the client reads them: the real API returns many fields this subset does not declare,
 * and enum values added upstream after it; both are skipped, never an error.
 */
export const responseReadOptions: Partial<JsonReadOptions> = Object.freeze({ ignoreUnknownFields: true });

/** Parses JSON text, or throws a {@link RestMappingError} saying it is not JSON. */
export function parseJsonText(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new RestMappingError("", `the body is not JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Decodes proto-JSON into a message of `schema` with `options`, or throws a {@link RestMappingError}
 * (protobuf-es names the field at fault in its message).
 */
export function jsonToMessage<S extends DescMessage>(schema: S, json: JsonValue, options: Partial<JsonReadOptions>): MessageShape<S> {
  try {
    return fromJson(schema, json, options);
  } catch (e) {
    throw new RestMappingError("", (e as Error).message, { cause: e });
  }
}

/** Merges proto-JSON into `target`, with the errors of {@link jsonToMessage}. */
export function mergeJson<S extends DescMessage>(schema: S, target: MessageShape<S>, json: JsonValue, options: Partial<JsonReadOptions>): void {
  try {
    mergeFromJson(schema, target, json, options);
  } catch (e) {
    if (e instanceof RestMappingError) throw e;
    throw new RestMappingError("", (e as Error).message, { cause: e });
  }
}

/** A response message as the API's JSON body. */
export function responseJson<S extends DescMessage>(schema: S, message: MessageShape<S>): string {
  return JSON.stringify(toJson(schema, message, responseWriteOptions));
}
