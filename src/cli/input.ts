// Reads the proto-JSON that `create` / `update` take: the documentation's REST bodies
// (`{"user_app_id": …, "tasks": [ … ]}`), a bare array of items, or one item.
import { fromJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { readFile } from "node:fs/promises";
import type { UserAppIDSet } from "../../gen/clarifai/api/resources_pb.js";
import { PATCH_ACTION_OVERWRITE } from "../api-constants.js";
import { messageRegistry } from "../json.js";
import { closestName } from "../validation/suggest.js";
import { UsageError } from "./command.js";

/**
 * The text of `-f FILE`, or of `stdin` when `file` is undefined or `-` (refused when stdin is a
 * terminal). Both are read as UTF-8.
 *
 * @param stdin - where piped input comes from; defaults to `process.stdin` (tests pass their own).
 */
export async function readInput(
  file: string | undefined,
  stdin: AsyncIterable<Uint8Array | string> & { readonly isTTY?: boolean } = process.stdin,
): Promise<{ text: string; source: string }> {
  if (file !== undefined && file !== "-") {
    try {
      return { text: await readFile(file, "utf8"), source: file };
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
  }
  if (stdin.isTTY) throw new UsageError("give the JSON with -f FILE, or pipe it on stdin");
  // Decoded once at the end: a chunk boundary can fall inside a multi-byte character, and decoding
  // chunk by chunk would turn both halves into U+FFFD.
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return { text: Buffer.concat(chunks).toString("utf8"), source: "stdin" };
}

/** What a body says: the items, and the app it names (a REST body's `user_app_id`), if any. */
export interface ParsedBody<T> {
  readonly items: T[];
  readonly userAppId: UserAppIDSet | undefined;
}

/**
 * Parses `text` as a request body of `request` (whose repeated field `field` holds the items), an array
 * of items, or one item. Enum names and numbers both work; unknown fields are refused, so a typo does
 * not silently drop a setting. Only `action: "overwrite"` is accepted, the one the API documents.
 */
export function parseBody<T extends DescMessage>(
  text: string,
  source: string,
  item: T,
  request: DescMessage,
  field: string,
): ParsedBody<MessageShape<T>> {
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new UsageError(`${source} is not JSON: ${(e as Error).message}`);
  }
  try {
    if (Array.isArray(json)) return { items: json.map((j) => fromJson(item, j)), userAppId: undefined };
    if (json !== null && typeof json === "object" && field in json) {
      const body = fromJson(request, json) as unknown as { userAppId?: UserAppIDSet; action?: string } & Record<string, unknown>;
      if (body.action && body.action !== PATCH_ACTION_OVERWRITE) {
        throw new Error(`action "${body.action}" is not supported; use "${PATCH_ACTION_OVERWRITE}"`);
      }
      return { items: body[field] as MessageShape<T>[], userAppId: body.userAppId };
    }
    return { items: [fromJson(item, json)], userAppId: undefined };
  } catch (e) {
    throw new UsageError(`${source}: ${withSuggestion((e as Error).message)}`);
  }
}

/**
 * protobuf-es' `key "nmae" is unknown`, with the field most likely meant: `…; did you mean "name"?`.
 * Either spelling of a field is valid JSON (`input_source`, `inputSource`), so both are candidates.
 */
function withSuggestion(message: string): string {
  const m = /^cannot decode message ([\w.]+) from JSON: key "([^"]*)" is unknown$/.exec(message);
  const desc = m ? messageRegistry().getMessage(m[1]!) : undefined;
  if (!m || !desc) return message;
  const guess = closestName(m[2]!, desc.fields.flatMap((f) => [f.name, f.jsonName]));
  return guess === undefined ? message : `${message}; did you mean "${guess}"?`;
}
