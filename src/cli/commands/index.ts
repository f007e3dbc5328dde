// The CLI's subcommands, in the order `--help` lists them. To add one: write commands/<name>.ts
// exporting a Command and list it here.
import type { Command } from "../command.js";
import { emulatorCommand } from "./emulator.js";

/** Every subcommand of `clarifai-grpc-es`. */
export const commands: readonly Command[] = [emulatorCommand];
