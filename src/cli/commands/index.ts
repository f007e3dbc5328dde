// The CLI's subcommands, in the order `--help` lists them. To add one: write commands/<name>.ts
// exporting a Command and list it here.
import type { Command } from "../command.js";
import { collectorsCommand } from "./collectors.js";
import { emulatorCommand } from "./emulator.js";
import { tasksCommand } from "./tasks.js";

/** Every subcommand of `clarifai-grpc-es`. */
export const commands: readonly Command[] = [tasksCommand, collectorsCommand, emulatorCommand];
