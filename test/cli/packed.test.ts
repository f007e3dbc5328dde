// The CLI as a project that installed the package runs it: `npm pack`, `npm install` of the tarball in
// a scratch project, then the README's shell blocks as written (`npx clarifai-grpc-es …`), and the
// emulator started through npx stopped by a signal to the PID the shell holds (npx's, not its own).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { main } from "../../src/cli/main.js";
import { buildOnce, root } from "../support/build.js";

// Each test runs npx (npm, a shell, then Node) a few times: slow on a busy machine, so a generous bound.
const NPX_TIMEOUT_MS = 90_000;

let dir: string;
let project: string;
let emulator: Emulator;
const started: number[] = [];

// The environment of a shell in the project: npm's own variables from an enclosing `npm test`
// (npm_config_local_prefix above all) would point the nested npm at this repository instead.
const shellEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  ...extra,
});

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` to its end, every process that holds its output included ('close', not 'exit'). */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<Done> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? shellEnv(), stdio: "pipe" });
  return collect(child, options.input);
}

function collect(child: ChildProcess, input?: string): Promise<Done> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => {
    stderr += d;
    // Known as soon as it is printed, so that afterAll can end an emulator that did not stop.
    const pid = /clarifai-grpc-es emulator: pid (\d+);/.exec(stderr)?.[1];
    if (pid !== undefined && !started.includes(Number(pid))) started.push(Number(pid));
  });
  child.stdin?.end(input ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The README's ```sh blocks under `heading`, in order. */
async function shellBlocks(heading: string): Promise<string[]> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const start = readme.indexOf(`\n## ${heading}\n`);
  const end = readme.indexOf("\n## ", start + 1);
  return [...readme.slice(start, end === -1 ? undefined : end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Whether `pid` is still an emulator this file started (not a process that reused its number). */
function stillAnEmulator(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("clarifai-grpc-es\u0000emulator");
  } catch {
    return false;
  }
}

beforeAll(async () => {
  [dir] = await Promise.all([mkdtemp(join(tmpdir(), "packed-cli-")), buildOnce()]);
  // dist/ is built above; the prepare script (a full build) would only do it again.
  const packed = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: root });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(dir, packed.stdout.trim().split("\n").at(-1)!);
  project = join(dir, "project");
  await mkdir(project);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
  const installed = await run("npm", ["install", "--prefer-offline", "--ignore-scripts", tarball], { cwd: project });
  expect(installed.code, installed.stderr).toBe(0);
  emulator = await startEmulator();
}, 180_000);

afterAll(async () => {
  // An emulator that did not stop would outlive the suite: end it, then fail below (each test checks).
  for (const pid of started) if (stillAnEmulator(pid)) process.kill(pid, "SIGKILL");
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent("the README's CLI lines, in a project that installed the package", { timeout: NPX_TIMEOUT_MS }, () => {
  it("the synopsis names commands and actions that exist", async () => {
    const [synopsis] = await shellBlocks("The CLI");
    const lines = synopsis!.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      // `npx clarifai-grpc-es tasks create -f …`: the words before the first option or placeholder.
      const [npx, bin, command, actions] = line.split(/\s+/);
      expect([npx, bin]).toEqual(["npx", "clarifai-grpc-es"]);
      for (const action of /^[a-z|]+$/.test(actions ?? "") ? actions!.split("|") : [undefined]) {
        const out: string[] = [];
        const args = [command!, ...(action ? [action] : []), "--help"];
        expect(await main(args, { out: (l) => out.push(l), err: (l) => out.push(l) }), `${args.join(" ")}: ${out.join("\n")}`).toBe(0);
      }
    }
  });

  it("the example creates, lists and deletes through npx, as written", async () => {
    const [, example] = await shellBlocks("The CLI");
    expect(example).toContain("CLARIFAI_GRPC_BASE=http://127.0.0.1:50051");
    // The one change: the emulator of this test instead of one on port 50051.
    const script = example!.replaceAll("http://127.0.0.1:50051", emulator.baseUrl);
    const r = await run("bash", ["-euo", "pipefail", "-c", script], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+TYPE\s+WORKERS\s+REVIEW\s+STATUS\s+CREATED$/);
    const [id] = lines[1]!.match(/^\S+/)!;
    expect(lines[1]).toMatch(/\s+Annotate water\s+CONCEPTS_CLASSIFICATION\s+DYNAMIC worker-1\s+TASK_IN_PROGRESS\s+\d{4}-/);
    // jq read the --json output (the REST names); then the delete of an id that is not there.
    expect(lines.slice(2)).toEqual([id, "not found, nothing to delete: no-such-task"]);
    expect(emulator.store.tasks("emulator-user", "my-app").map((t) => t.id)).toEqual([id]);
  });

  it("the emulator block: started with npx in the background, called with curl, stopped by kill $!", async () => {
    const block = (await shellBlocks("The emulator in your own tests")).find((b) => b.includes("emulator --port 50051 &"));
    expect(block).toBeDefined();
    const port = await freePort();
    const r = await run("bash", ["-euo", "pipefail", "-c", block!.replaceAll("50051", String(port))], { cwd: project });
    // 'close' came: every process holding the output, the emulator too, has exited.
    expect(r.code, r.stderr).toBe(0);
    // What the block's comments say it prints: the emulator's line, then curl's answer.
    const [listeningLine, answer] = r.stdout.trim().split("\n");
    expect(listeningLine).toBe(`clarifai-grpc-es emulator listening on http://127.0.0.1:${port}`);
    expect(JSON.parse(answer!)).toEqual({ status: { code: "SUCCESS", description: "Ok", reqId: "emulator-req-1" } });
    expect(r.stderr).toContain("clarifai-grpc-es emulator: npx exited, closing");
    expect(await listening(port)).toBe(false);
  });
});

describe.concurrent("the emulator started through npx", { timeout: NPX_TIMEOUT_MS }, () => {
  /** `npx clarifai-grpc-es emulator --port 0`, once it listens: npx's process, the emulator's PID and port, and its end. */
  async function startThroughNpx(options: { detached?: boolean } = {}) {
    const npx = spawn("npx", ["clarifai-grpc-es", "emulator", "--port", "0"], { cwd: project, env: shellEnv(), stdio: "pipe", detached: options.detached ?? false });
    const ended = collect(npx);
    const [[line], [pidLine]] = (await Promise.all([
      once(createInterface({ input: npx.stdout! }), "line"),
      // Its own PID, on stderr: npx is another process.
      once(createInterface({ input: npx.stderr! }), "line"),
    ])) as [[string], [string]];
    const port = Number(new URL(/listening on (http:\/\/\S+)$/.exec(line)![1]!).port);
    expect(await listening(port)).toBe(true);
    return { npx, port, pid: emulatorPid(pidLine), ended };
  }

  /** The emulator's own PID, as it printed it. */
  const emulatorPid = (stderr: string) => Number(/clarifai-grpc-es emulator: pid (\d+);/.exec(stderr)![1]);

  // 'close' means every process that held npx's output has exited, the emulator (which inherits it)
  // included; its port is free again.
  async function expectStopped(ended: Promise<Done>, port: number, why: RegExp): Promise<Done> {
    const done = await ended;
    expect(done.stderr).toMatch(why);
    expect(await listening(port)).toBe(false);
    return done;
  }

  it("stops when npx's PID gets SIGTERM (kill $!): npm passes it to a shell only, and the emulator sees npx go", async () => {
    const { npx, port, pid, ended } = await startThroughNpx();
    expect(pid).not.toBe(npx.pid);
    npx.kill("SIGTERM");
    await expectStopped(ended, port, /clarifai-grpc-es emulator: npx exited, closing/);
  });

  it("stops on Ctrl-C: SIGINT to the whole process group, as a terminal sends it", async () => {
    const { npx, port, ended } = await startThroughNpx({ detached: true });
    process.kill(-npx.pid!, "SIGINT");
    await expectStopped(ended, port, /clarifai-grpc-es emulator: SIGINT, closing/);
  });

  it.each(["SIGINT", "SIGTERM"] as const)("stops when the PID it printed gets %s", async (signal) => {
    const { port, pid, ended } = await startThroughNpx();
    process.kill(pid, signal);
    const done = await expectStopped(ended, port, new RegExp(`clarifai-grpc-es emulator: ${signal}, closing`));
    expect(emulatorPid(done.stderr)).toBe(pid);
  });
});
