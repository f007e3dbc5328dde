// The `clarifai-grpc-es emulator` command as users run it: the built bin in a child process, waiting
// for its one printed line, calling it, then Ctrl-C (SIGINT) and a clean exit 0.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { beforeAll, describe, expect, it } from "vitest";
import { StatusCode, V2 } from "clarifai-grpc-es";
import { main } from "../../src/cli/main.js";
import type { Command } from "../../src/cli/command.js";
import { buildOnce } from "../support/build.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = "dist/src/cli/main.js";
const run = promisify(execFile);

// Shared with test/cli: one transpile-only build of dist/, however many test files need it.
beforeAll(buildOnce, 60_000);

/** Starts the bin and resolves with the child and the address from its first stdout line. */
async function startBin(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, "line"), once(child, "exit").then(([code]) => Promise.reject(new Error(`exited with ${code}`)))])) as [string];
  lines.close();
  const match = /^clarifai-grpc-es emulator listening on (http:\/\/\S+)$/.exec(line);
  if (!match) throw new Error(`unexpected first line: ${line}`);
  return { child, url: match[1]! };
}

describe("clarifai-grpc-es emulator (the built bin)", () => {
  it("prints its address, serves calls, and exits 0 on SIGINT with the port freed", async () => {
    const { child, url } = await startBin(["emulator", "--port", "0", "--user", "cli-pat=cli-user"]);
    const client = createClient(V2, createGrpcTransport({ baseUrl: url }));
    const headers = { authorization: "Key cli-pat" };
    const posted = await client.postTasks(
      { userAppId: { userId: "me", appId: "cli-app" }, tasks: [{ type: 1, worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "w" } } }] }, inputSource: { type: 1 } }] },
      { headers },
    );
    expect(posted.status?.code).toBe(StatusCode.SUCCESS);
    expect(posted.tasks[0]?.userId).toBe("cli-user");
    // --user replaces the default key.
    const defaultKey = await client.listTasks({ userAppId: { userId: "me", appId: "cli-app" } }, { headers: { authorization: "Key emulator-pat" } });
    expect(defaultKey.status?.code).toBe(StatusCode.CONN_KEY_INVALID);

    const exited = once(child, "exit");
    child.kill("SIGINT");
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // The port is free again: something else can listen on it.
    const port = Number(new URL(url).port);
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(port, "127.0.0.1", resolve));
    await new Promise((resolve) => probe.close(resolve));
  });

  it("accepts app-scoped API keys (--api-key) for the docs' REST calls without user or app", async () => {
    const { child, url } = await startBin(["emulator", "--api-key", "app-key=cli-user/cli-app"]);
    try {
      const res = await fetch(`${url}/v2/collectors`, {
        method: "POST",
        headers: { authorization: "Key app-key", "content-type": "application/json" },
        body: JSON.stringify({ collectors: [{ id: "c1", post_queue_workflow_id: "wf", collector_source: { api_post_model_outputs_collector_source: { model_id: "m", post_inputs_key_id: "k" } } }] }),
      });
      const body = (await res.json()) as { status: { code: number }; collectors: { id: string }[] };
      expect([res.status, body.status.code, body.collectors[0]?.id]).toEqual([200, StatusCode.SUCCESS, "c1"]);
      const listed = (await (await fetch(`${url}/v2/users/cli-user/apps/cli-app/collectors`, { headers: { authorization: "Key app-key" } })).json()) as { collectors: unknown[] };
      expect(listed.collectors).toHaveLength(1);
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("exits 0 on SIGTERM too", async () => {
    const { child } = await startBin(["emulator"]);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  });

  it("refuses bad arguments with usage and exit code 2", async () => {
    const bad = await run(process.execPath, [bin, "emulator", "--user", "no-equals-sign"], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain("--user expects PAT=USER_ID");
    for (const args of [["--api-key", "k=user-without-app"], ["--api-key", "k=u/a/b"]]) {
      const e = await run(process.execPath, [bin, "emulator", ...args], { cwd: root }).catch((err: { code: number; stderr: string }) => err);
      expect(e).toMatchObject({ code: 2 });
      expect((e as { stderr: string }).stderr).toContain("--api-key expects KEY=USER_ID/APP_ID");
    }
    const both = await run(process.execPath, [bin, "emulator", "--user", "k=u", "--api-key", "k=u/a"], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect(both).toMatchObject({ code: 2 });
    expect((both as { stderr: string }).stderr).toContain("also a PAT");
  });
});

describe("the command dispatcher (in process)", () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
  };

  it("lists commands on --help and refuses unknown ones", async () => {
    const help = capture();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(help.out.join("\n")).toMatch(/emulator\s+run the local Clarifai emulator/);
    const unknown = capture();
    expect(await main(["nope"], unknown.io)).toBe(2);
    expect(unknown.err.join("\n")).toContain('unknown command "nope"');
    const none = capture();
    expect(await main([], none.io)).toBe(2);
  });

  it("dispatches to any registered command with the remaining arguments", async () => {
    const seen: string[][] = [];
    const echo: Command = { name: "echo", summary: "echo", usage: "echo ARGS", run: async (args, io) => (seen.push([...args]), io.out(args.join(" ")), 0) };
    const c = capture();
    expect(await main(["echo", "a", "--b"], c.io, [echo])).toBe(0);
    expect(seen).toEqual([["a", "--b"]]);
    expect(c.out).toEqual(["a --b"]);
  });

  it("prints the emulator's usage on emulator --help", async () => {
    const c = capture();
    expect(await main(["emulator", "--help"], c.io)).toBe(0);
    expect(c.out.join("\n")).toContain("--user PAT=USER_ID");
  });
});
