// The Collectors RPCs: PostCollectors, GetCollector, ListCollectors, PatchCollectors, DeleteCollectors.
// Like the task handlers, each runs without awaiting, so batches are atomic and concurrency is safe.
import { clone, create } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { TimestampSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { CollectorSchema, type Collector } from "../../gen/clarifai/api/resources_pb.js";
import type {
  DeleteCollectorsRequest,
  GetCollectorRequest,
  ListCollectorsRequest,
  PatchCollectorsRequest,
  PostCollectorsRequest,
} from "../../gen/clarifai/api/service_pb.js";
import { StatusCode, StatusCodeSchema } from "../../gen/clarifai/api/status/status_code_pb.js";
import { StatusSchema } from "../../gen/clarifai/api/status/status_pb.js";
import type { ValidationIssue } from "../validation/issue.js";
import type { Scope } from "./auth.js";
import { pageOf, readPaging } from "./pagination.js";
import type { EmulatorState } from "./state.js";
import { EmulatorCodes, Refusal, invalid } from "./status.js";
import { PATCH_ACTION_OVERWRITE } from "../api-constants.js";
import { validateCollectorPatches, validateCollectors } from "../validation/index.js";

/**
 * PostCollectors: all or nothing; the caller chooses ids, which must be new in the app. The server
 * sets `created_at`, an active status (unless a collector's one was sent) and the source's `caller_user_id`.
 * @internal
 */
export function postCollectors(state: EmulatorState, scope: Scope, req: PostCollectorsRequest): Collector[] {
  if (req.collectors.length === 0) throw invalid([{ path: "collectors", message: "at least one collector is required" }]);
  const issues = [...validateCollectors(req.collectors, "collectors"), ...statusIssues(req.collectors)];
  if (issues.length > 0) throw invalid(issues);
  const app = state.store.app(scope.userId, scope.appId);
  const ids = req.collectors.map((c) => c.id);
  ids.forEach((id, i) => {
    if (app.collectors.has(id) || ids.indexOf(id) !== i) {
      throw new Refusal(EmulatorCodes.collectorDuplicate, `collectors[${i}].id: a collector with id "${id}" already exists in the app`);
    }
  });
  const now = timestampFromDate(state.now());
  return req.collectors.map((sent) => {
    const collector = clone(CollectorSchema, sent);
    collector.createdAt = now;
    if (!collector.status || collector.status.code === StatusCode.ZERO) {
      collector.status = create(StatusSchema, { code: StatusCode.COLLECTOR_ACTIVE, description: "Collector is active" });
    }
    const source = collector.collectorSource?.apiPostModelOutputsCollectorSource;
    if (source) source.callerUserId = scope.userId;
    app.collectors.set(collector.id, collector);
    return clone(CollectorSchema, collector);
  });
}

/** GetCollector. @internal */
export function getCollector(state: EmulatorState, scope: Scope, req: GetCollectorRequest): Collector {
  if (!req.collectorId) throw invalid([{ path: "collectorId", message: "required" }]);
  const collector = state.store.app(scope.userId, scope.appId).collectors.get(req.collectorId);
  if (!collector) throw new Refusal(EmulatorCodes.collectorMissing, `collectorId: no collector "${req.collectorId}" in app "${scope.appId}"`);
  return clone(CollectorSchema, collector);
}

/** ListCollectors, in creation order, paged like ListTasks. @internal */
export function listCollectors(state: EmulatorState, scope: Scope, req: ListCollectorsRequest): Collector[] {
  const paging = readPaging(req.page, req.perPage);
  if ("path" in paging) throw invalid([paging]);
  const all = [...state.store.app(scope.userId, scope.appId).collectors.values()];
  return pageOf(all, paging).map((c) => clone(CollectorSchema, c));
}

/**
 * PatchCollectors with action "overwrite" on a PARTIAL collector (the docs' update sends only `id`,
 * `description` and `pre_queue_workflow_id`): each top-level field the patch sets replaces the stored
 * one whole, each field it omits is kept (see {@link overwriteSetFields}). So a patch's
 * `collector_source` is a whole new source, as `collectorPatch` promises, and a patch cannot clear a
 * field to its default (empty string, 0). A patched `status` with a collector's code (COLLECTOR_ACTIVE,
 * COLLECTOR_INACTIVE, COLLECTOR_POST_INPUT_FAILED) is applied (upstream: the status "allows you to pause
 * a collector without having to delete it"); any other code, COLLECTOR_MISSING included, is refused.
 * `created_at` and the source's `caller_user_id` are the server's. The collectors that result must
 * still be valid. All or nothing.
 * @internal
 */
export function patchCollectors(state: EmulatorState, scope: Scope, req: PatchCollectorsRequest): Collector[] {
  const issues: ValidationIssue[] = [];
  if (req.action !== PATCH_ACTION_OVERWRITE) issues.push({ path: "action", message: `must be "${PATCH_ACTION_OVERWRITE}" (got "${req.action}")` });
  if (req.collectors.length === 0) issues.push({ path: "collectors", message: "at least one collector is required" });
  // The shared rules for a partial collector (id required, given values in range); the collectors
  // that result are checked as a whole below.
  issues.push(...validateCollectorPatches(req.collectors, "collectors"));
  issues.push(...statusIssues(req.collectors));
  if (issues.length > 0) throw invalid(issues);
  const app = state.store.app(scope.userId, scope.appId);
  const next = req.collectors.map((patch, i) => {
    const old = app.collectors.get(patch.id);
    if (!old) throw new Refusal(EmulatorCodes.collectorMissing, `collectors[${i}].id: no collector "${patch.id}" in app "${scope.appId}"`);
    const collector = overwriteSetFields(old, patch);
    collector.createdAt = old.createdAt && clone(TimestampSchema, old.createdAt);
    if (!collector.status || collector.status.code === StatusCode.ZERO) collector.status = old.status && clone(StatusSchema, old.status);
    const source = collector.collectorSource?.apiPostModelOutputsCollectorSource;
    if (source) source.callerUserId = scope.userId;
    return collector;
  });
  const after = validateCollectors(next, "collectors");
  if (after.length > 0) throw invalid(after);
  for (const c of next) app.collectors.set(c.id, c);
  return next.map((c) => clone(CollectorSchema, c));
}

/**
 * `patch` over `stored`, as PatchTasks overwrites a task: the result starts as a copy of what was
 * sent, unknown fields (a newer upstream's, which this package's protos leave out) exactly as they
 * arrived. Unlike a task, a collector patch is partial, so each top-level field the patch leaves unset
 * is then taken from `stored`, and so is each unknown field whose number the patch does not carry.
 * (Protobuf's merge would instead merge nested messages field by field, keeping parts of an old
 * source, and append the patch's unknown fields to the stored ones, doubling them on every
 * read-modify-write.) Neither input is changed.
 */
function overwriteSetFields(stored: Collector, patch: Collector): Collector {
  const next = clone(CollectorSchema, patch);
  const kept = clone(CollectorSchema, stored);
  const to = reflect(CollectorSchema, next);
  const from = reflect(CollectorSchema, kept);
  for (const field of CollectorSchema.fields) {
    if (!to.isSet(field) && from.isSet(field)) to.set(field, from.get(field));
  }
  const sent = next.$unknown;
  const unknown = sent === undefined ? kept.$unknown : [...(kept.$unknown ?? []).filter((u) => !sent.some((s) => s.no === u.no)), ...sent];
  if (unknown !== undefined && unknown.length > 0) next.$unknown = unknown;
  return next;
}

// The codes a collector's status takes (COLLECTOR_ACTIVE, COLLECTOR_INACTIVE, …), read from the enum.
// Not COLLECTOR_MISSING: that is the API's answer for a collector that does not exist, not a state of one.
const COLLECTOR_CODES: readonly StatusCode[] = StatusCodeSchema.values
  .filter((v) => v.name.startsWith("COLLECTOR_") && v.number !== StatusCode.COLLECTOR_MISSING)
  .map((v) => v.number);

// A status sent with a collector (0: none) must be a collector's: the emulator keeps it as sent.
function statusIssues(collectors: readonly Collector[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  collectors.forEach((c, i) => {
    const code = c.status?.code ?? StatusCode.ZERO;
    if (code !== StatusCode.ZERO && !COLLECTOR_CODES.includes(code)) {
      issues.push({
        path: `collectors[${i}].status.code`,
        message: `a collector's status is one of ${COLLECTOR_CODES.map((v) => `${StatusCode[v]} (${v})`).join(", ")}; ${StatusCode[code] ?? "it"} (${code}) is not`,
      });
    }
  });
  return issues;
}

/**
 * DeleteCollectors by `ids`, or every collector of the app with `delete_all`. Idempotent like
 * DeleteTasks: unknown ids are named in `status.details`, not refused. Returns that note. @internal
 */
export function deleteCollectors(state: EmulatorState, scope: Scope, req: DeleteCollectorsRequest): string {
  const app = state.store.app(scope.userId, scope.appId);
  if (req.deleteAll) {
    if (req.ids.length > 0) throw invalid([{ path: "ids", message: "give either ids or deleteAll, not both" }]);
    app.collectors.clear();
    return "";
  }
  if (req.ids.length === 0) throw invalid([{ path: "ids", message: "at least one id is required (or set deleteAll)" }]);
  const missing = req.ids.filter((id) => !app.collectors.delete(id));
  return missing.length > 0 ? `not found, nothing to delete: ${[...new Set(missing)].join(", ")}` : "";
}
