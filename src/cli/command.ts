// What a CLI subcommand is. Each command lives in its own file under ./commands/ and is listed once in
// ./commands/index.ts; main.ts only dispatches.

/** Where a command writes, so tests can capture it. */
export interface CommandIo {
  /** Normal output (one line per call). */
  out(line: string): void;
  /** Errors and diagnostics (one line per call). */
  err(line: string): void;
}

/** One subcommand of `clarifai-grpc-es`. */
export interface Command {
  /** The word after the program name, e.g. `"emulator"`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full usage text printed by `--help`. */
  readonly usage: string;
  /**
   * Runs the command with the arguments after its name and resolves to the process exit code
   * (0 success, 1 failure, 2 usage error). Long-running commands resolve when they are done.
   */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** Thrown for bad arguments; main prints the message and the command's usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
