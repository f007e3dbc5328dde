// Probes: scripts run in a fresh Node process on the built package (dist/), against an emulator in the
// test process. A fresh process shows what a user's process loads and does, with nothing of the test
// runner's already in memory.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { buildOnce, root } from "./build.js";

/** Builds dist/ and starts an emulator before the file's tests, closes it after; returns a getter. */
export function useBuiltPackageAndEmulator(): () => Emulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    await buildOnce();
    emulator = await startEmulator();
  }, 120_000);
  afterAll(() => emulator?.close());
  return () => {
    if (!emulator) throw new Error("the emulator is not started yet (use it inside a test)");
    return emulator;
  };
}

/**
 * Runs `script` as an ES module in a fresh Node process in the project's root, with `BASE_URL` set to
 * `baseUrl` and nothing else of this environment but PATH. Resolves with its output; a failing process
 * rejects (with `stdout`, `stderr` and `code` on the error).
 */
export function runProbe(script: string, baseUrl: string, nodeFlags: readonly string[] = []): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [...nodeFlags, "--input-type=module", "-e", script], {
    cwd: root,
    env: { PATH: process.env["PATH"], BASE_URL: baseUrl },
  });
}
