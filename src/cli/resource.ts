// One factory for `tasks` and `collectors`: the same five actions (list, get, create, update, delete),
// options, output and exit codes for both; each resource file only says what differs.
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { UserAppIDSet } from "../../gen/clarifai/api/resources_pb.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PATCH_ACTION_OVERWRITE } from "../api-constants.js";
import { ClarifaiClient } from "../client.js";
import { NotFoundError, isClarifaiError } from "../errors.js";
import { toJsonString } from "../json.js";
import type { CallOptions, WriteOptions } from "../options.js";
import { UsageError, type Command, type CommandIo } from "./command.js";
import { connectionEnvHelp, missingConnectionEnv } from "./env.js";
import { parseBody, readInput } from "./input.js";
import { formatTable, type Column } from "./table.js";

/** The connection variables are missing: a usage error, but the action's usage would not help. */
class EnvError extends UsageError {}

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The facade methods a resource command calls (`client.tasks` and `client.collectors` both fit). */
export interface ResourceApi<T, P> {
  list(params: P, options?: CallOptions): Promise<T[]>;
  listAll(params: P, options?: CallOptions): AsyncIterable<T>;
  get(id: string, options?: CallOptions): Promise<T>;
  create(items: readonly T[], options?: WriteOptions): Promise<T[]>;
  update(items: readonly T[], options?: WriteOptions): Promise<T[]>;
  delete(ids: readonly string[], options?: CallOptions): Promise<void>;
}

/** What differs between `tasks` and `collectors`. */
export interface ResourceSpec<S extends DescMessage, P> {
  /** The command word, e.g. `"tasks"`. */
  readonly name: string;
  /** One item, for messages: `"task"`. */
  readonly noun: string;
  readonly summary: string;
  /** The item's schema (`TaskSchema`) and the create / update request schemas, whose field `field` holds the items. */
  readonly schema: S;
  readonly createRequest: DescMessage;
  readonly updateRequest: DescMessage;
  readonly field: string;
  /** Table columns. */
  readonly columns: readonly Column<MessageShape<S>>[];
  /** Extra `list` options, their help lines, and how they become list parameters. */
  readonly listFilters: { readonly options: Options; readonly help: string; params(values: Values): P };
  /** Notes about an item read from JSON (e.g. deprecated fields) and the item to send instead. */
  prepare?(item: MessageShape<S>, path: string): { item: MessageShape<S>; notes: string[] };
  api(client: ClarifaiClient): ResourceApi<MessageShape<S>, P>;
}

const common = `  --base-url URL   where the API is (default: env CLARIFAI_GRPC_BASE, else https://api.clarifai.com)
  --json           print proto-JSON instead of a table
  -h, --help       show this help`;
const commonOptions: Options = { "base-url": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } };

const env = "Connection: CLARIFAI_PAT, CLARIFAI_USER_ID, CLARIFAI_APP_ID. Exit codes: 0 ok, 1 API error, 2 usage error.";

function positiveInt(values: Values, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^[1-9]\d*$/.test(v)) throw new UsageError(`--${name} expects a positive integer, got "${String(v)}"`);
  return Number(v);
}

/**
 * The ids among `ids` that the API says do not exist (a `NotFoundError` from `get`). An id whose
 * lookup fails otherwise (a key without read access, say) is not counted as missing: the delete
 * itself then decides.
 */
async function missingIds<T, P>(api: ResourceApi<T, P>, ids: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    ids.map((id) =>
      api.get(id).then(
        () => true,
        (e: unknown) => !(e instanceof NotFoundError),
      ),
    ),
  );
  return ids.filter((_, i) => !found[i]);
}

/** Builds the `tasks` / `collectors` command from its spec. */
export function resourceCommand<S extends DescMessage, P>(spec: ResourceSpec<S, P>): Command {
  const { name, noun } = spec;
  const prog = `clarifai-grpc-es ${name}`;
  type Item = MessageShape<S>;
  interface Action {
    readonly args: string;
    readonly about: string;
    readonly options: Options;
    readonly help: string;
    run(c: Ctx): Promise<void>;
  }

  // create and update differ only in the request schema the body is read with and the method called.
  const write = (verb: "create" | "update", about: string, request: DescMessage): Action => ({
    args: "[-f FILE]",
    about,
    options: { file: { type: "string", short: "f" } },
    help: "  -f, --file FILE  the JSON (default: stdin)",
    async run(c) {
      const { items, userAppId } = await c.body(request);
      c.print(await c.api[verb](items, c.scope(userAppId)));
    },
  });

  const actions: Record<string, Action> = {
    list: {
      args: "[--all | --page N] [--per-page N]",
      about: `list ${name} (one page, or every page with --all)`,
      options: { all: { type: "boolean" }, page: { type: "string" }, "per-page": { type: "string" }, ...spec.listFilters.options },
      help: `  --all            every page\n  --page N         page number, from 1 (default 1)\n  --per-page N     page size (default ${DEFAULT_PAGE_SIZE})\n${spec.listFilters.help}`,
      async run(c) {
        const params = { ...spec.listFilters.params(c.values), page: positiveInt(c.values, "page"), perPage: positiveInt(c.values, "per-page") };
        if (params.perPage !== undefined && params.perPage > MAX_PAGE_SIZE) throw new UsageError(`--per-page is at most ${MAX_PAGE_SIZE} (the API's maximum)`);
        if (c.values.all && params.page !== undefined) throw new UsageError("--all and --page cannot be combined");
        let items: Item[] = [];
        if (c.values.all) for await (const item of c.api.listAll(params)) items.push(item);
        else items = await c.api.list(params);
        c.print(items);
      },
    },
    get: {
      args: "ID",
      about: `get one ${noun} by id`,
      options: {},
      help: "",
      async run(c) {
        const id = c.one("ID");
        c.print(await c.api.get(id));
      },
    },
    create: write("create", `create ${name} from proto-JSON (a REST body like {"${spec.field}": [...]}, an array, or one ${noun})`, spec.createRequest),
    update: write("update", `overwrite ${name} from proto-JSON (PATCH action "${PATCH_ACTION_OVERWRITE}"; ids required)`, spec.updateRequest),
    delete: {
      args: "ID...",
      about: `delete ${name} by id (ids that do not exist are named; the API does not refuse them)`,
      options: {},
      help: "",
      async run(c) {
        if (c.positionals.length === 0) throw new UsageError("give at least one ID");
        const ids = [...new Set(c.positionals)];
        // Asked first, because the answer to a delete cannot tell: the API answers SUCCESS for an id
        // it does not hold (deletes are idempotent, so that a retried delete does not fail), and the
        // exit code follows that answer.
        const missing = await missingIds(c.api, ids);
        await c.api.delete(ids);
        const deleted = ids.filter((id) => !missing.includes(id));
        if (c.values.json) {
          c.io.out(JSON.stringify({ deleted, not_found: missing }, null, 2));
          return;
        }
        if (deleted.length > 0) c.io.out(`deleted ${deleted.join(", ")}`);
        if (missing.length > 0) c.io.out(`not found, nothing to delete: ${missing.join(", ")}`);
      },
    },
  };

  const usageOf = (action: string) => {
    const a = actions[action]!;
    return [`Usage: ${prog} ${action} ${a.args} [options]`, "", `${a.about[0]!.toUpperCase()}${a.about.slice(1)}.`, "", "Options:", ...(a.help ? [a.help] : []), common, "", env].join("\n");
  };
  const usage = [
    `Usage: ${prog} <action> [options]`,
    "",
    "Actions:",
    ...Object.entries(actions).map(([k, a]) => `  ${k.padEnd(7)} ${a.about}`),
    "",
    `Run \`${prog} <action> --help\` for an action's options.`,
    env,
  ].join("\n");

  interface Ctx {
    readonly io: CommandIo;
    readonly values: Values;
    readonly positionals: string[];
    readonly api: ResourceApi<Item, P>;
    one(what: string): string;
    body(request: DescMessage): Promise<{ items: Item[]; userAppId: UserAppIDSet | undefined }>;
    scope(userAppId: UserAppIDSet | undefined): WriteOptions | undefined;
    print(result: Item | Item[]): void;
  }

  async function runAction(action: string, args: readonly string[], io: CommandIo): Promise<number> {
    const a = actions[action]!;
    const { values, positionals } = parseArgs({ args: [...args], options: { ...commonOptions, ...a.options }, allowPositionals: true, strict: true });
    if (values.help) {
      io.out(usageOf(action));
      return 0;
    }
    if (a.args !== "ID..." && positionals.length > (a.args === "ID" ? 1 : 0)) throw new UsageError(`unexpected argument "${positionals.at(-1)}"`);
    // Connect only when an action needs the API, so argument and input mistakes are reported first.
    let client: ClarifaiClient | undefined;
    const connect = (): ResourceApi<Item, P> => {
      const missing = missingConnectionEnv();
      if (missing.length > 0) throw new EnvError(connectionEnvHelp(missing));
      try {
        client ??= new ClarifaiClient(values["base-url"] !== undefined ? { baseUrl: String(values["base-url"]) } : {});
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      return spec.api(client);
    };
    const ctx: Ctx = {
      io,
      values,
      positionals,
      get api() {
        return connect();
      },
      one(what) {
        const id = positionals[0];
        if (id === undefined) throw new UsageError(`give the ${noun}'s ${what}`);
        return id;
      },
      async body(request) {
        const { text, source } = await readInput(values.file as string | undefined);
        const parsed = parseBody(text, source, spec.schema, request, spec.field);
        if (parsed.items.length === 0) throw new UsageError(`${source} holds no ${name}`);
        const items = parsed.items.map((item, i) => {
          if (!spec.prepare) return item;
          const prepared = spec.prepare(item, `${spec.field}[${i}]`);
          for (const note of prepared.notes) io.err(`note: ${note}`);
          return prepared.item;
        });
        return { items, userAppId: parsed.userAppId };
      },
      // A REST body names its app in user_app_id; it wins over the environment, as it does over REST.
      scope: (userAppId) => (userAppId ? { userAppId: { userId: userAppId.userId, appId: userAppId.appId } } : undefined),
      print(result) {
        if (values.json) {
          io.out(toJsonString(result, { prettySpaces: 2 }));
        } else if (Array.isArray(result) && result.length === 0) {
          io.out(`no ${name}`);
        } else {
          for (const line of formatTable(spec.columns, Array.isArray(result) ? result : [result])) io.out(line);
        }
      },
    };
    try {
      await a.run(ctx);
      return 0;
    } catch (e) {
      if (!isClarifaiError(e)) throw e;
      // The message starts with the status code name: `[TASK_MISSING 54003] GetTask: …`.
      io.err(`${prog} ${action}: ${e.message}`);
      return 1;
    } finally {
      await client?.close();
    }
  }

  return {
    name,
    summary: spec.summary,
    usage,
    async run(args, io) {
      const [action, ...rest] = args;
      if (action === undefined || action === "--help" || action === "-h" || action === "help") {
        (action === undefined ? io.err : io.out)(usage);
        return action === undefined ? 2 : 0;
      }
      // Own keys only: `in` would also accept Object.prototype's names (`tasks toString`).
      if (!Object.hasOwn(actions, action)) throw new UsageError(`unknown action "${action}"`);
      try {
        return await runAction(action, rest, io);
      } catch (e) {
        // Usage mistakes print the action's own usage, not the whole command's.
        if (e instanceof EnvError) {
          io.err(`${prog} ${action}: ${e.message}`);
          return 2;
        }
        if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
          io.err(`${prog} ${action}: ${(e as Error).message}\n\n${usageOf(action)}`);
          return 2;
        }
        throw e;
      }
    },
  };
}
