// `npm start`: every documented Tasks and Collectors scenario through ClarifaiClient and the builders,
// against an emulator started in this process (no account, no network).
// `npm start -- --live`: read-only calls against the real API with the CLARIFAI_* variables.
import { parseArgs } from "node:util";
import { SEED_APP_ID, SEED_PAT, SEED_USER_ID } from "./seed-ids.js";
import { connectionEnvHelp, missingConnectionEnv } from "../cli/env.js";
import { ClarifaiClient } from "../client.js";
import { startEmulator } from "../testing/index.js";
import { runSteps, type Step } from "./runner.js";
import { emulatorSteps, liveSteps } from "./scenarios.js";

const usage = `Usage: npm start [-- --live]

Without options: starts the Clarifai emulator on a free port and runs every documented Tasks and
Collectors scenario against it.
  --live      read-only calls (list tasks, list collectors) against the real API; needs
              CLARIFAI_PAT, CLARIFAI_USER_ID and CLARIFAI_APP_ID (CLARIFAI_GRPC_BASE optional)
  -h, --help  show this help`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

async function walk(title: string, client: ClarifaiClient, steps: Step[]): Promise<number> {
  out(title);
  const result = await runSteps(steps, out);
  const ok = result.passed === result.total;
  out(
    ok
      ? `\n${result.total} steps passed in ${result.ms} ms. Next: README.md, \`npx clarifai-grpc-es --help\`.`
      : `\n${result.passed} of ${result.total} steps passed; step ${result.passed + 1} failed.`,
  );
  await client.close();
  return ok ? 0 : 1;
}

async function emulator(): Promise<number> {
  let n = 0;
  // Short sequential task ids (task-1, task-2, …) keep the lines readable; the API's are 32 hex digits.
  const emu = await startEmulator({ users: { [SEED_PAT]: SEED_USER_ID }, newId: () => `task-${++n}` });
  try {
    const client = new ClarifaiClient({ pat: SEED_PAT, userId: SEED_USER_ID, appId: SEED_APP_ID, baseUrl: emu.baseUrl });
    return await walk(
      `clarifai-grpc-es walkthrough: emulator at ${emu.baseUrl}, user ${SEED_USER_ID}, app ${SEED_APP_ID}\n`,
      client,
      emulatorSteps(client, () => emu.store.countTasks(SEED_USER_ID, SEED_APP_ID)),
    );
  } finally {
    await emu.close();
  }
}

async function live(): Promise<number> {
  const missing = missingConnectionEnv();
  if (missing.length > 0) {
    err(`npm start -- --live: ${connectionEnvHelp(missing)}`);
    return 2;
  }
  const client = new ClarifaiClient();
  const { baseUrl, userId, appId } = client.toJSON();
  return walk(`clarifai-grpc-es walkthrough (live, read-only): ${baseUrl}, user ${userId}, app ${appId}\n`, client, liveSteps(client));
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { live: { type: "boolean" }, help: { type: "boolean", short: "h" } } }));
  } catch (e) {
    err(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    out(usage);
    return 0;
  }
  return values.live ? live() : emulator();
}

process.exitCode = await main(process.argv.slice(2));
