// `hookshift scan <folders…> [--json]`, the plain form, recognised without yargs: importing yargs
// took about 115 ms of CPU here, and yargs renders the running command's help text before it runs
// the command (to have it at hand for a later failure), 25-40 ms more: together a quarter of a small
// app's scan (bench/README.md, "Start-up"). Anything else (another option, a folder yargs might read
// as a number or an option, `--help`, a mistake) is left to yargs, as before.

/** The arguments yargs would give scan's handler for `argv`, when `argv` is the plain form; else undefined. */
export function plainScanArgs(argv: string[]): { dirs: string[]; json: boolean } | undefined {
  if (argv[0] !== "scan") return undefined;
  const rest = argv.slice(1);
  const json = rest.filter((a) => a === "--json").length;
  const dirs = rest.filter((a) => a !== "--json");
  if (json > 1 || dirs.length === 0) return undefined;
  // A folder named like an option, or like a number (yargs-parser may turn "0x10" or "1e3" into
  // one), or empty, or `help` (yargs prints scan's help for `scan help`): yargs decides what it means.
  if (dirs.some((d) => d.startsWith("-") || d === "help" || d.trim() === "" || !Number.isNaN(Number(d)))) return undefined;
  return { dirs, json: json === 1 };
}
