// Every curl and JavaScript fetch example of the two documentation pages, extracted from the pages at
// test time, run against the emulator with only the host changed and the placeholders filled: curl
// examples with the system `curl`, fetch examples in Node (the page's `<script>` in a fresh context
// whose `fetch` is Node's own). They run in page order with shared state, as a reader would run them
// (create before get, update and delete), and each must get the documented result: a SUCCESS status
// and the change the example describes.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import vm from "node:vm";
import { toJson, type JsonObject } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode, TaskSchema, V2 } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { restBindings } from "../../src/rest/rules.js";
import { matchRestRoute } from "../../src/rest/transcode.js";
import {
  COLLECTOR_DESCRIPTION,
  COLLECTOR_ID,
  CONCEPT_ID,
  CONSENSUS_WORKER_IDS,
  DATASET_ID,
  MODEL_ID,
  MODEL_VERSION_ID,
  NEW_COLLECTOR_DESCRIPTION,
  NEW_PRE_QUEUE_WORKFLOW_ID,
  POST_INPUTS_KEY_ID,
  POST_QUEUE_WORKFLOW_ID,
  PRE_QUEUE_WORKFLOW_ID,
  REVIEWER_USER_ID,
  SEED_APP_ID,
  SEED_PAT,
  SEED_USER_ID,
  SOURCE_MODEL_APP_ID,
  SOURCE_MODEL_ID,
  SOURCE_MODEL_USER_ID,
  SOURCE_MODEL_VERSION_ID,
  WORKER_USER_ID,
} from "../fixtures/seeds.js";
import { root } from "../support/build.js";
import { extractExamples, fillCurlWord, fillScriptSettings, leftoverPlaceholders, readPage, seedsDir, withHost, type DocExample } from "./docs-examples.js";

/** The app-scoped API key the collector examples authenticate with (`YOUR_API_KEY`). */
const APP_KEY = "seed-app-key-0123456789";

/** curl placeholders, by their exact spelling on the pages. */
const curlValues: Record<string, string> = {
  YOUR_USER_ID_HERE: SEED_USER_ID,
  YOUR_APP_ID_HERE: SEED_APP_ID,
  YOUR_PAT_HERE: SEED_PAT,
  YOUR_API_KEY: APP_KEY,
  CONCEPT_ID_HERE: CONCEPT_ID,
  WORKER_USER_ID_HERE: WORKER_USER_ID,
  REVIEWER_USER_ID_HERE: REVIEWER_USER_ID,
  REVIEW_USER_ID_HERE: REVIEWER_USER_ID,
  DATASET_ID_HERE: DATASET_ID,
  USER_ID_1_HERE: CONSENSUS_WORKER_IDS[0],
  USER_ID_2_HERE: CONSENSUS_WORKER_IDS[1],
  USER_ID_3_HERE: CONSENSUS_WORKER_IDS[2],
  USER_ID_4_HERE: REVIEWER_USER_ID,
  MODEL_ID_HERE: MODEL_ID,
  MODEL_VERSION_ID_HERE: MODEL_VERSION_ID,
  "{YOUR_COLLECTOR_ID}": COLLECTOR_ID,
  "{YOUR_COLLECTOR_DESCRIPTION}": COLLECTOR_DESCRIPTION,
  "{YOUR_PRE_QUEUE_WORKFLOW_ID}": PRE_QUEUE_WORKFLOW_ID,
  "{YOUR_POST_QUEUE_WORKFLOW_ID}": POST_QUEUE_WORKFLOW_ID,
  "{YOUR_MODEL_USER_ID}": SOURCE_MODEL_USER_ID,
  "{YOUR_MODEL_APP_ID}": SOURCE_MODEL_APP_ID,
  "{YOUR_MODEL_ID}": SOURCE_MODEL_ID,
  "{YOUR_MODEL_VERSION_ID}": SOURCE_MODEL_VERSION_ID,
  // In `post_inputs_key_id` the docs mean the id of a key allowed to post inputs, not the caller's key.
  "{YOUR_API_KEY}": POST_INPUTS_KEY_ID,
  "{A_NEW_DESCRIPTION}": NEW_COLLECTOR_DESCRIPTION,
  "{A_NEW_WORKFLOW_ID}": NEW_PRE_QUEUE_WORKFLOW_ID,
};

/** The settings at the top of the fetch scripts, by constant name. */
const scriptValues: Record<string, string> = {
  USER_ID: SEED_USER_ID,
  PAT: SEED_PAT,
  APP_ID: SEED_APP_ID,
  CONCEPT_ID,
  WORKER_USER_ID,
  REVIEWER_USER_ID,
  REVIEW_USER_ID: REVIEWER_USER_ID,
  DATASET_ID,
  USER_ID_1: CONSENSUS_WORKER_IDS[0],
  USER_ID_2: CONSENSUS_WORKER_IDS[1],
  USER_ID_3: CONSENSUS_WORKER_IDS[2],
  USER_ID_4: REVIEWER_USER_ID,
  MODEL_ID,
  MODEL_VERSION_ID,
};

const dir = seedsDir(root);
const pages = (["collectors", "tasks"] as const).map((page) => ({ page, examples: extractExamples(readPage(dir, page)) }));
const bindings = restBindings(V2);

let emulator: Emulator;
/** Ids of the tasks the create examples made, in page order. */
const created: string[] = [];
/** The tasks made so far that no delete example has removed yet: what the `TASK_ID` placeholders name. */
const alive = () => created.filter((id) => emulator.store.tasks(SEED_USER_ID, SEED_APP_ID).some((t) => t.id === id));

/** `TASK_ID` (and `TASK_ID_1`, `TASK_ID_2`) for the next example: the oldest tasks still there. */
function taskIds(): Record<string, string> {
  const [first = "", second = ""] = alive();
  return { TASK_ID_HERE: first, TASK_ID: first, TASK_ID_1: first, TASK_ID_2: second };
}

/** What an example sent and got. */
interface Exchange {
  readonly method: string;
  readonly url: URL;
  readonly body: any;
  readonly output: string;
}

async function runCurl(argv: readonly string[]): Promise<Exchange> {
  const values = { ...curlValues, ...taskIds() };
  const args = argv.slice(1).map((w) => fillCurlWord(withHost(w, emulator.baseUrl), values));
  expect(leftoverPlaceholders(args.join(" ")), "unfilled placeholders").toEqual([]);
  const url = new URL(args.find((a) => a.startsWith(emulator.baseUrl))!);
  const method = args[args.indexOf("-X") + 1]!;
  const dataAt = args.findIndex((a) => a === "-d" || a === "--data-raw" || a === "--data");
  const { stdout } = await promisify(execFile)("curl", args, { timeout: 15_000 });
  return { method, url, body: dataAt < 0 ? undefined : JSON.parse(args[dataAt + 1]!), output: stdout };
}

async function runScript(code: string, name: string): Promise<Exchange> {
  const { code: filled, unknown } = fillScriptSettings(withHost(code, emulator.baseUrl), { ...scriptValues, ...taskIds() });
  expect(unknown, "settings without a value").toEqual([]);
  let sent: { method: string; url: URL; body: any } | undefined;
  // The script ends in console.log either way: the response text, or "error" and the failure.
  const output = await new Promise<string>((resolve) => {
    const context = vm.createContext({
      fetch: (url: string, init: { method?: string; body?: string }) => {
        sent = { method: init.method ?? "GET", url: new URL(url), body: init.body === undefined ? undefined : JSON.parse(init.body) };
        return fetch(url, init as RequestInit);
      },
      console: { log: (...args: unknown[]) => resolve(args.map(String).join(" ")) },
    });
    vm.runInContext(filled, context, { filename: name });
  });
  expect(sent, "the script called fetch").toBeDefined();
  return { ...sent!, output };
}

/** Checks that `exchange` got what its example documents, and records what it created. */
function expectDocumentedResult(exchange: Exchange): void {
  const { method, url, body, output } = exchange;
  expect(url.origin).toBe(emulator.baseUrl);
  const route = matchRestRoute(bindings, method, url.pathname);
  if (!route || "allow" in route) throw new Error(`${method} ${url.pathname} is not a route of V2`);
  const rpc = route.binding.method.name;
  const response = JSON.parse(output);
  expect(response.status, output).toMatchObject({ code: StatusCode.SUCCESS, description: "Ok" });
  const stored = () => emulator.store.tasks(SEED_USER_ID, SEED_APP_ID);
  const mentions = (part: "worker" | "review", user: string) => (t: ReturnType<typeof stored>[number]) =>
    JSON.stringify((toJson(TaskSchema, t) as JsonObject)[part] ?? {}).includes(`"${user}"`);
  switch (rpc) {
    case "PostTasks": {
      expect(response.tasks).toHaveLength(body.tasks.length);
      created.push(...response.tasks.map((t: { id: string }) => t.id));
      expect(stored().map((t) => t.id)).toEqual(expect.arrayContaining(created.slice(-body.tasks.length)));
      return;
    }
    case "GetTask":
      expect(response.task.id).toBe(url.pathname.split("/").at(-1));
      return;
    case "ListTasks": {
      const worker = url.searchParams.get("worker_user_ids");
      const reviewer = url.searchParams.get("review_user_ids");
      const expected = stored().filter((t) => (!worker || mentions("worker", worker)(t)) && (!reviewer || mentions("review", reviewer)(t)));
      expect(expected.length).toBeGreaterThan(0);
      expect((response.tasks ?? []).map((t: { id: string }) => t.id)).toEqual(expected.map((t) => t.id));
      return;
    }
    case "PatchTasks": {
      const id = body.tasks[0].id as string;
      expect(response.tasks[0].id).toBe(id);
      const task = stored().find((t) => t.id === id)!;
      expect(task.status?.code).toBe(StatusCode.TASK_DONE);
      expect(task.worker?.strategyInfo.case).toBe("partitionedStrategyInfo");
      return;
    }
    case "DeleteTasks":
      for (const id of body.ids) expect(stored().some((t) => t.id === id), `task ${id} deleted`).toBe(false);
      return;
    case "PostCollectors":
      expect(emulator.store.collectors(SEED_USER_ID, SEED_APP_ID).map((c) => c.id)).toEqual([COLLECTOR_ID]);
      return;
    case "PatchCollectors": {
      const c = emulator.store.collectors(SEED_USER_ID, SEED_APP_ID)[0]!;
      // A partial patch: the given fields change, the omitted ones stay.
      expect([c.description, c.preQueueWorkflowId, c.postQueueWorkflowId]).toEqual([NEW_COLLECTOR_DESCRIPTION, NEW_PRE_QUEUE_WORKFLOW_ID, POST_QUEUE_WORKFLOW_ID]);
      return;
    }
    case "ListCollectors":
      expect(response.collectors.map((c: { id: string }) => c.id)).toEqual([COLLECTOR_ID]);
      return;
    case "GetCollector":
      expect(response.collector).toMatchObject({ id: COLLECTOR_ID, description: NEW_COLLECTOR_DESCRIPTION });
      return;
    default:
      throw new Error(`no documented result for ${rpc}`);
  }
}

/** "POST /v2/tasks" as the example writes it, for the test's name. */
function title(example: DocExample): string {
  const text = example.kind === "curl" ? example.argv.join(" ") : example.code;
  const method = example.kind === "curl" ? example.argv[example.argv.indexOf("-X") + 1] : (/method:\s*["'](\w+)["']/.exec(text)?.[1] ?? "GET");
  const url = /https:\/\/api(?:-dev)?\.clarifai\.com(\/[^\s"'`]*)/.exec(text)?.[1];
  return `${method} ${url}`;
}

beforeAll(async () => {
  emulator = await startEmulator({
    users: { [SEED_PAT]: SEED_USER_ID },
    apiKeys: { [APP_KEY]: { userId: SEED_USER_ID, appId: SEED_APP_ID } },
  });
});
afterAll(() => emulator?.close());

describe("the documentation pages", () => {
  it("hold 22 REST examples: 4 curl on Collectors, 9 curl and 9 fetch on Tasks", () => {
    const count = (page: string, kind: string) => pages.find((p) => p.page === page)!.examples.filter((e) => e.kind === kind).length;
    expect([count("collectors", "curl"), count("collectors", "fetch"), count("tasks", "curl"), count("tasks", "fetch")]).toEqual([4, 0, 9, 9]);
  });
});

for (const { page, examples } of pages) {
  describe(`${page} page, in page order`, () => {
    for (const [i, example] of examples.entries()) {
      it(`#${i + 1} ${example.kind} ${title(example)} (line ${example.line})`, async () => {
        const exchange = example.kind === "curl" ? await runCurl(example.argv) : await runScript(example.code, `${page}-${i + 1}.js`);
        expectDocumentedResult(exchange);
      });
    }
  });
}

describe("after every example", () => {
  it("the app holds what the pages' sequence leaves: the collector, and the tasks no delete example named", () => {
    expect(created).toHaveLength(6);
    expect(alive()).toEqual(created.slice(3));
    expect(emulator.store.countCollectors(SEED_USER_ID, SEED_APP_ID)).toBe(1);
  });
});
