// The command line's entry: answers what it can before the parser loads (`--version`, a stored
// `--help`, the plain `scan`: bench/README.md, "Start-up"), then hands the arguments to the yargs
// commands (commands.ts). `main` takes its output streams so tests run it in-process.

import { VERSION } from "../version.js";
import { processIo, type Io } from "./io.js";
import { cachedHelp, isHelpRequest } from "./help-cache.js";
import { plainScanArgs } from "./plain-scan.js";

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  // `hookshift --version` answers before yargs loads (about half of the start-up: bench/startup.mjs).
  if (argv.length === 1 && argv[0] === "--version") {
    io.out(VERSION + "\n");
    return 0;
  }
  // `--help` and `<command> --help`: the text yargs rendered before for the same inputs, if any (help-cache.ts).
  const helpRequest = isHelpRequest(argv);
  const stored = helpRequest ? cachedHelp(argv, io) : undefined;
  if (stored !== undefined) {
    io.out(stored);
    return 0;
  }
  // `scan <folders…> [--json]`: the plain form runs without yargs (plain-scan.ts).
  const plainScan = plainScanArgs(argv);
  if (plainScan) {
    try {
      const { runScan } = await import("./scan.js");
      return await runScan(plainScan, io);
    } catch (e) {
      // Loaded only here: what --version and a stored --help load is all they run (start-up).
      const [{ UsageError }, { printInternalError, printUsageError }] = await Promise.all([import("../util/errors.js"), import("./usage.js")]);
      if (e instanceof UsageError) printUsageError(io, e.message, { hint: e.hint, command: "scan", json: plainScan.json });
      else printInternalError(io, e, plainScan.json);
      return 1;
    }
  }
  const { runCommands } = await import("./commands.js");
  return runCommands(argv, io, helpRequest);
}
