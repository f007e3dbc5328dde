// `client.tasks`: the seven Task RPCs with the shapes a caller wants (a Task in, a Task out; one page or
// every page), validation before sending, and nothing else — transport concerns live in the client.
import { PATCH_ACTION_OVERWRITE } from "../api-constants.js";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { TaskSchema, type Task, type TaskStatusCountPerUser } from "../../gen/clarifai/api/resources_pb.js";
import { ListTasksRequestSchema, V2, type MultiTaskResponse, type SingleTaskResponse } from "../../gen/clarifai/api/service_pb.js";
import type { Caller } from "../caller.js";
import { ValidationError } from "../errors.js";
import type { CallOptions, WriteOptions } from "../options.js";
import { paginate, type PaginateOptions } from "../pagination.js";
import { normalizeTask, validateListParams } from "../validation/index.js";
import { validateTaskMessages } from "../validation/task.js";
import { listAllOf, required } from "./common.js";

/** A task as protobuf-es init shape (plain object, camelCase) or a `Task` message. */
export type TaskInput = MessageInitShape<typeof TaskSchema>;

/** Filters of `tasks.list`: ListTasksRequest's fields in camelCase (`page`, `perPage`, `workerUserIds`, `reviewUserIds`, `ids`, …). */
export type ListTasksParams = Omit<Exclude<MessageInitShape<typeof ListTasksRequestSchema>, { $typeName: string }>, "userAppId" | "$typeName">;

/** Filters of `tasks.listAll`: those of `list`, plus where to start, the page size (default 128) and a page bound (default 10 000). */
export type ListAllTasksParams = Omit<ListTasksParams, "page" | "perPage"> & Omit<PaginateOptions, "signal">;

/** Options of `tasks.get`. */
export interface GetTaskOptions extends CallOptions {
  /** Extra fields to fill in the answer (e.g. `"worker.users"`). Default: none. */
  readonly additionalFields?: readonly string[];
}

/** Filters of `tasks.annotationCount` / `tasks.inputCount`: only count these workers. Default: all. */
export interface TaskCountFilters {
  /** Count only the work of these users. Default `[]`: every user. */
  readonly userIds?: readonly string[];
  /** Count only the work of these model versions (auto-annotation). Default `[]`: every model version. */
  readonly modelVersionIds?: readonly string[];
  /** Count only the work of these workflow versions. Default `[]`: every workflow version. */
  readonly workflowVersionIds?: readonly string[];
}

const m = V2.method;

// The client reads deprecated fields as their replacements, then rewrites them (see #validate). One
// object for every call: each write validates.
const ACCEPT_DEPRECATED = Object.freeze({ deprecated: "accept" } as const);

// What the methods below return from an answer, as functions of the module: the methods are not
// `async` (an async method's frame and its await were about 380 bytes of garbage per PostTasks, and
// a busy client's CPU goes largely to collecting garbage: bench/HISTORY.md), and a closure per call
// would give part of that back. Whatever a method throws before its call still rejects its promise.
const tasksOf = (res: MultiTaskResponse): Task[] => res.tasks;
const createdTask = (res: MultiTaskResponse): Task => required(res.tasks[0], "PostTasks", "task");
const updatedTask = (res: MultiTaskResponse): Task => required(res.tasks[0], "PatchTasks", "task");
const gotTask = (res: SingleTaskResponse): Task => required(res.task, "GetTask", "task");

/** The call options of `tasks.get`'s options (which the call path checks for keys it does not know). */
function withoutAdditionalFields({ additionalFields: _, ...call }: GetTaskOptions): CallOptions {
  return call;
}

/** `client.tasks`: labeling tasks of an app. Every method's last argument is {@link CallOptions}. */
export class Tasks {
  readonly #caller: Caller;

  /** @internal */
  constructor(caller: Caller) {
    this.#caller = caller;
  }

  #validate(tasks: readonly TaskInput[], method: string, options: WriteOptions | undefined): Task[] {
    const messages = tasks.map((t) => create(TaskSchema, t));
    if (options?.validate !== false) {
      // The caller's own objects are validated as written, not only as `create` made them (it drops
      // unknown keys, so a snake_case `input_source` would silently vanish), and before any rewriting:
      // a deprecated field that contradicts its replacement (worker.users naming a user that
      // worker.workers lacks, a different approvalThreshold) is refused rather than merged, and each
      // issue's path names a field the caller wrote. Deprecated fields alone, or repeating their
      // replacement as a task read from the API does, are accepted: they are rewritten below. The
      // rules read the messages made above, which are the ones sent: an init object is not made twice.
      const issues = validateTaskMessages(tasks, messages, "tasks", ACCEPT_DEPRECATED);
      if (issues.length > 0) this.#caller.fail(new ValidationError(issues, method), method);
    }
    // Deprecated fields (the docs' update example sends worker.users) are rewritten to the current ones,
    // so the client never sends them, whether or not it validates.
    for (let i = 0; i < messages.length; i++) messages[i] = normalizeTask(messages[i]!);
    return messages;
  }

  /**
   * Creates one task (PostTasks) and returns it as stored (with its id, timestamps, status). An array
   * in gives an array out. The task is validated as you wrote it unless `{ validate: false }`: a
   * `ValidationError` lists every issue and nothing is sent (deprecated upstream fields are accepted,
   * and may repeat their replacement, as the API's answers do, but one that contradicts it is an
   * issue). Deprecated fields are then rewritten to the current ones ({@link normalizeTask}) before
   * sending.
   */
  create(task: TaskInput, options?: WriteOptions): Promise<Task>;
  create(tasks: readonly TaskInput[], options?: WriteOptions): Promise<Task[]>;
  create(input: TaskInput | readonly TaskInput[], options?: WriteOptions): Promise<Task | Task[]> {
    const many = Array.isArray(input);
    let answer: Promise<MultiTaskResponse>;
    try {
      const tasks = this.#validate(many ? input : [input as TaskInput], "PostTasks", options);
      answer = this.#caller.call(m.postTasks, { userAppId: this.#caller.userAppId(options, "PostTasks"), tasks }, options);
    } catch (e) {
      return Promise.reject(e);
    }
    return answer.then<Task | Task[]>(many ? tasksOf : createdTask);
  }

  /** Gets one task by id (GetTask). A missing task throws `NotFoundError`. */
  get(id: string, options?: GetTaskOptions): Promise<Task> {
    let answer: Promise<SingleTaskResponse>;
    try {
      // Most calls give no additional fields: their options pass on as they are, without a copy.
      const call = options !== undefined && "additionalFields" in options ? withoutAdditionalFields(options) : options;
      const fields = options?.additionalFields;
      answer = this.#caller.call(m.getTask, { userAppId: this.#caller.userAppId(call, "GetTask"), taskId: id, additionalFields: fields && [...fields] }, call);
    } catch (e) {
      return Promise.reject(e);
    }
    return answer.then(gotTask);
  }

  /** One page of tasks (ListTasks). `page` starts at 1; the API's default `perPage` is 128. */
  list(params: ListTasksParams = {}, options?: CallOptions): Promise<Task[]> {
    let answer: Promise<MultiTaskResponse>;
    try {
      const issues = validateListParams(ListTasksRequestSchema, params);
      if (issues.length > 0) this.#caller.fail(new ValidationError(issues, "ListTasks"), "ListTasks");
      answer = this.#caller.call(m.listTasks, { ...params, userAppId: this.#caller.userAppId(options, "ListTasks") }, options);
    } catch (e) {
      return Promise.reject(e);
    }
    return answer.then(tasksOf);
  }

  /**
   * Every task matching `params`, page by page (fetched lazily) until a short page. `options.signal`
   * stops the walk with a `ClarifaiError` whose `grpcCode` is CANCELED, whether it aborts during a
   * page request, between pages or while you handle an item. A server that ignores `page`, or more
   * than `maxPages` pages, throws instead of looping; `perPage` above 1000 (the API's maximum) throws
   * a `TypeError` before anything is sent.
   */
  listAll(params: ListAllTasksParams = {}, options?: CallOptions): AsyncIterable<Task> {
    const { page, perPage, maxPages, ...filters } = params;
    const signal = options?.signal;
    return listAllOf(
      this.#caller,
      "ListTasks",
      signal,
      paginate((p, n) => this.list({ ...filters, page: p, perPage: n }, options), (t) => t.id, { page, perPage, maxPages, signal }),
    );
  }

  /**
   * Replaces tasks (PatchTasks, action `overwrite`): send the whole task, as the API documents.
   * Validated as written, then deprecated fields rewritten, as in {@link Tasks.create}. An array
   * in gives an array out.
   */
  update(task: TaskInput, options?: WriteOptions): Promise<Task>;
  update(tasks: readonly TaskInput[], options?: WriteOptions): Promise<Task[]>;
  update(input: TaskInput | readonly TaskInput[], options?: WriteOptions): Promise<Task | Task[]> {
    const many = Array.isArray(input);
    let answer: Promise<MultiTaskResponse>;
    try {
      const tasks = this.#validate(many ? input : [input as TaskInput], "PatchTasks", options);
      answer = this.#caller.call(m.patchTasks, { userAppId: this.#caller.userAppId(options, "PatchTasks"), tasks, action: PATCH_ACTION_OVERWRITE }, options);
    } catch (e) {
      return Promise.reject(e);
    }
    return answer.then<Task | Task[]>(many ? tasksOf : updatedTask);
  }

  /** Deletes tasks by id (DeleteTasks). */
  async delete(ids: string | readonly string[], options?: CallOptions): Promise<void> {
    const list = typeof ids === "string" ? [ids] : [...ids];
    await this.#caller.call(m.deleteTasks, { userAppId: this.#caller.userAppId(options, "DeleteTasks"), ids: list }, options);
  }

  /** Annotation counts per worker and state of a task (GetTaskAnnotationCount). */
  async annotationCount(taskId: string, filters: TaskCountFilters = {}, options?: CallOptions): Promise<TaskStatusCountPerUser[]> {
    const res = await this.#caller.call(m.getTaskAnnotationCount, this.#countRequest("GetTaskAnnotationCount", taskId, filters, options), options);
    return res.counts;
  }

  /** Input counts per worker and state of a task (GetTaskInputCount). */
  async inputCount(taskId: string, filters: TaskCountFilters = {}, options?: CallOptions): Promise<TaskStatusCountPerUser[]> {
    const res = await this.#caller.call(m.getTaskInputCount, this.#countRequest("GetTaskInputCount", taskId, filters, options), options);
    return res.counts;
  }

  #countRequest(method: string, taskId: string, filters: TaskCountFilters, options: CallOptions | undefined) {
    return {
      userAppId: this.#caller.userAppId(options, method),
      taskId,
      userIds: [...(filters.userIds ?? [])],
      modelVersionIds: [...(filters.modelVersionIds ?? [])],
      workflowVersionIds: [...(filters.workflowVersionIds ?? [])],
    };
  }
}
