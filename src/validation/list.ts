// The paging of list calls, checked before sending: a page number or size the encoder cannot write
// (`perPage: -1` is not a uint32) or the API does not serve (more than 1000 per page) is the caller's
// mistake, named by field, not an INTERNAL failure of the call.

import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../api-constants.js";
import type { ValidationIssue } from "./issue.js";
import { checkShape, childPath } from "./shape.js";

/**
 * Checks the parameters of a list call (`client.tasks.list(params)`, `client.collectors.list(params)`)
 * against the request they fill (`ListTasksRequestSchema`, `ListCollectorsRequestSchema`) and returns
 * every issue (empty when valid): keys that are not fields of the request (with the field most likely
 * meant, e.g. `per_page` → `perPage`), values of the wrong type, and the documented paging:
 *
 * - `page` counts from 1 (leave it out for the first page); 0 would be read as "not set", page 1.
 * - `perPage` is from 1 to 1000 (leave it out for the API's default, 128).
 *
 * Paths are the request's field names: `perPage`, `workerUserIds[0]`.
 *
 * @param path - the name of the parameters in the paths. Default `""`: the field names alone.
 * @example validateListParams(ListTasksRequestSchema, { perPage: -1 })
 * // [{ path: "perPage", message: "perPage must be from 1 to 1000 (the API's maximum; leave it out for the default, 128); it is -1" }]
 */
export function validateListParams<S extends DescMessage>(
  schema: S,
  params: MessageInitShape<S> | Readonly<Record<string, unknown>>,
  path = "",
): ValidationIssue[] {
  let issues = checkShape(schema, params, path);
  const { page, perPage } = params as { page?: unknown; perPage?: unknown };
  // Outside the documented range, that range says more than the uint32 one: it replaces it.
  const refuse = (field: string, message: string) => {
    const p = childPath(path, field);
    issues = [...issues.filter((i) => i.path !== p), { path: p, message }];
  };
  if (typeof page === "number" && page < 1) {
    refuse("page", `page counts from 1 (leave it out for the first page); it is ${page}`);
  }
  if (typeof perPage === "number" && (perPage < 1 || perPage > MAX_PAGE_SIZE)) {
    refuse("perPage", `perPage must be from 1 to ${MAX_PAGE_SIZE} (the API's maximum; leave it out for the default, ${DEFAULT_PAGE_SIZE}); it is ${perPage}`);
  }
  return issues;
}
