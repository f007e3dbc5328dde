// `client.collectors`: the five Collector RPCs. Updates are partial by design (the API documents a patch
// with only id, description and pre_queue_workflow_id), so they validate with the patch rules.
import { PATCH_ACTION_OVERWRITE } from "../api-constants.js";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { CollectorSchema, type Collector } from "../../gen/clarifai/api/resources_pb.js";
import { ListCollectorsRequestSchema, V2 } from "../../gen/clarifai/api/service_pb.js";
import type { Caller } from "../caller.js";
import { ValidationError } from "../errors.js";
import type { CallOptions, WriteOptions } from "../options.js";
import { paginate, type PaginateOptions } from "../pagination.js";
import type { ValidationIssue } from "../validation/issue.js";
import { validateCollectorPatches, validateCollectors, validateListParams } from "../validation/index.js";
import { listAllOf, required } from "./common.js";

/** A collector as protobuf-es init shape (plain object, camelCase) or a `Collector` message. */
export type CollectorInput = MessageInitShape<typeof CollectorSchema>;

/** Paging of `collectors.list`. */
export interface ListCollectorsParams {
  /** The page to fetch, starting at 1. Default: unset, which the API reads as the first page. */
  readonly page?: number;
  /** Collectors per page, at most 1000. Default: unset, which the API reads as 128. */
  readonly perPage?: number;
}

/** Paging of `collectors.listAll`: start page (default 1), page size (default 128), page bound (default 10 000). */
export type ListAllCollectorsParams = Omit<PaginateOptions, "signal">;

const m = V2.method;

/** `client.collectors`: data collectors of an app. Every method's last argument is {@link CallOptions}. */
export class Collectors {
  readonly #caller: Caller;

  /** @internal */
  constructor(caller: Caller) {
    this.#caller = caller;
  }

  #prepare(
    input: readonly CollectorInput[],
    method: string,
    options: WriteOptions | undefined,
    validate: (c: readonly CollectorInput[]) => ValidationIssue[],
  ): Collector[] {
    // Validated as the caller wrote them: `create` would drop unknown keys silently.
    if (options?.validate !== false) {
      const issues = validate(input);
      if (issues.length > 0) this.#caller.fail(new ValidationError(issues, method), method);
    }
    return input.map((c) => create(CollectorSchema, c));
  }

  /**
   * Creates a collector (PostCollectors) and returns it as stored. An array in gives an array out.
   * Validates first unless `{ validate: false }`.
   */
  create(collector: CollectorInput, options?: WriteOptions): Promise<Collector>;
  create(collectors: readonly CollectorInput[], options?: WriteOptions): Promise<Collector[]>;
  async create(input: CollectorInput | readonly CollectorInput[], options?: WriteOptions): Promise<Collector | Collector[]> {
    const many = Array.isArray(input);
    const collectors = this.#prepare(many ? input : [input as CollectorInput], "PostCollectors", options, (c) => validateCollectors(c));
    const res = await this.#caller.call(
      m.postCollectors,
      { userAppId: this.#caller.userAppId(options, "PostCollectors"), collectors },
      options,
    );
    return many ? res.collectors : required(res.collectors[0], "PostCollectors", "collector");
  }

  /** Gets one collector by id (GetCollector). A missing collector throws `NotFoundError`. */
  async get(id: string, options?: CallOptions): Promise<Collector> {
    const res = await this.#caller.call(m.getCollector, { userAppId: this.#caller.userAppId(options, "GetCollector"), collectorId: id }, options);
    return required(res.collector, "GetCollector", "collector");
  }

  /** One page of collectors (ListCollectors). */
  async list(params: ListCollectorsParams = {}, options?: CallOptions): Promise<Collector[]> {
    const issues = validateListParams(ListCollectorsRequestSchema, params);
    if (issues.length > 0) this.#caller.fail(new ValidationError(issues, "ListCollectors"), "ListCollectors");
    const res = await this.#caller.call(
      m.listCollectors,
      { userAppId: this.#caller.userAppId(options, "ListCollectors"), page: params.page ?? 0, perPage: params.perPage ?? 0 },
      options,
    );
    return res.collectors;
  }

  /**
   * Every collector, page by page until a short page; bounded and abortable like `tasks.listAll` (an
   * abort is a `ClarifaiError` with `grpcCode` CANCELED; `perPage` above 1000 is a `TypeError`).
   */
  listAll(params: ListAllCollectorsParams = {}, options?: CallOptions): AsyncIterable<Collector> {
    const signal = options?.signal;
    return listAllOf(
      this.#caller,
      "ListCollectors",
      signal,
      paginate((page, perPage) => this.list({ page, perPage }, options), (c) => c.id, { ...params, signal }),
    );
  }

  /**
   * Patches collectors (PatchCollectors, action `overwrite`): the fields you set replace the stored
   * ones, the fields you omit are kept (e.g. `{ id, description, preQueueWorkflowId }`). Validates the
   * patch rules first unless `{ validate: false }`.
   */
  update(collector: CollectorInput, options?: WriteOptions): Promise<Collector>;
  update(collectors: readonly CollectorInput[], options?: WriteOptions): Promise<Collector[]>;
  async update(input: CollectorInput | readonly CollectorInput[], options?: WriteOptions): Promise<Collector | Collector[]> {
    const many = Array.isArray(input);
    const collectors = this.#prepare(many ? input : [input as CollectorInput], "PatchCollectors", options, (c) => validateCollectorPatches(c));
    const res = await this.#caller.call(
      m.patchCollectors,
      { userAppId: this.#caller.userAppId(options, "PatchCollectors"), collectors, action: PATCH_ACTION_OVERWRITE },
      options,
    );
    return many ? res.collectors : required(res.collectors[0], "PatchCollectors", "collector");
  }

  /** Deletes collectors by id (DeleteCollectors). */
  async delete(ids: string | readonly string[], options?: CallOptions): Promise<void> {
    const list = typeof ids === "string" ? [ids] : [...ids];
    await this.#caller.call(m.deleteCollectors, { userAppId: this.#caller.userAppId(options, "DeleteCollectors"), ids: list }, options);
  }

  /** Deletes every collector of the app (DeleteCollectors with `delete_all`). */
  async deleteAll(options?: CallOptions): Promise<void> {
    await this.#caller.call(m.deleteCollectors, { userAppId: this.#caller.userAppId(options, "DeleteCollectors"), deleteAll: true }, options);
  }
}
