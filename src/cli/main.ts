#!/usr/bin/env node
// The `clarifai-grpc-es` program: picks a subcommand and runs it. Commands live in ./commands/.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { UsageError, type Command, type CommandIo } from "./command.js";
import { commands } from "./commands/index.js";

function help(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    "Usage: clarifai-grpc-es <command> [options]",
    "",
    "Commands:",
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `clarifai-grpc-es <command> --help` for a command's options.",
  ].join("\n");
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and resolves to the exit code.
 * Exported so tests can run it in-process; `list` defaults to every registered command.
 */
export async function main(
  argv: readonly string[],
  io: CommandIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
  list: readonly Command[] = commands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.err : io.out)(help(list));
    return name === undefined ? 2 : 0;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    io.err(`clarifai-grpc-es: unknown command "${name}"\n\n${help(list)}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`clarifai-grpc-es ${command.name}: ${e.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(`clarifai-grpc-es ${command.name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

// Run only when executed as the program, not when imported by a test. npm's bin links are symlinks,
// so compare real paths.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
