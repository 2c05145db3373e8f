// `hookshift --help` and `hookshift <command> --help` print the text yargs rendered the last time
// for exactly the same inputs, without loading yargs (about 55 ES modules, 90-130 ms, plus the
// rendering; bench/README.md, "Start-up"), as oclif keeps its commands' help in a manifest. The
// text is always yargs' own: on a miss, yargs renders it (and it is stored). A stored text is used
// only when everything it could depend on is the same, hashed into its key:
// - the arguments, the output width and colour, the number of cores (defaults of --jobs, --workers);
// - the environment (LANG and LC_* pick yargs' language; an option's default may come from it), but
//   for the variables a shell keeps for itself (SHELL_BOOKKEEPING);
// - the code: the bytes of commands.js (the commands as yargs declares them) and of every module it
//   imports statically (the option declarations and defaults; each command's own modules load only
//   when it runs, and print no help), yargs' version, Node's version; and hookshift's version through the folder (cache-dir.ts).
// One file per arguments and width, rewritten when the key changed, so the folder stays small.
// test/cli/help-cache.test.ts compares cached and rendered texts and changes each kind of input.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../util/cache-dir.js";
import { staticImports } from "../util/static-imports.js";
import type { Io } from "./io.js";

const HELP = new Set(["--help", "-h"]);

/**
 * What a shell sets for itself and changes from one prompt to the next: the help does not depend
 * on them (the script name is fixed in commands.ts, and no yargs config is read from the working
 * folder), and with them in the key a `--help` in another folder would never find the stored text.
 */
const SHELL_BOOKKEEPING = new Set(["PWD", "OLDPWD", "SHLVL", "_"]);

/** `--help` or `<command> --help` (or -h): the requests whose text is kept. */
export function isHelpRequest(argv: string[]): boolean {
  return (argv.length === 1 && HELP.has(argv[0]!)) || (argv.length === 2 && /^[a-z][a-z-]*$/.test(argv[0]!) && HELP.has(argv[1]!));
}

interface Stored {
  key: string;
  text: string;
}

/**
 * Where the text for these arguments and width is kept, and the key it must carry; undefined when
 * nothing is kept (run from the TypeScript sources, or no cache folder).
 */
function slot(argv: string[], io: Io): { file: string; key: string } | undefined {
  const entry = fileURLToPath(new URL("./commands.js", import.meta.url));
  // From src/ (vitest), commands.ts's imports name .js files that are not beside it: nothing is kept.
  if (!import.meta.url.endsWith(".js")) return undefined;
  const dir = cacheDir("help");
  if (!dir) return undefined;
  const hash = createHash("sha256");
  const add = (s: string | Buffer) => hash.update(s).update("\0");
  for (const a of argv) add(a);
  add(`${io.columns} ${io.color} ${os.availableParallelism()} ${process.version}`);
  for (const [k, v] of Object.entries(process.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (!SHELL_BOOKKEEPING.has(k)) add(`${k}=${v}`);
  for (const file of staticImports(entry)) add(readFileSync(file));
  add(readFileSync(packageJsonOf("yargs", path.dirname(entry))));
  const name = createHash("sha256")
    .update(`${argv.join("\0")}\0${io.columns}`)
    .digest("hex")
    .slice(0, 32);
  return { file: path.join(dir, `${name}.json`), key: hash.digest("hex") };
}

/**
 * `name`'s package.json where Node finds the package: in the node_modules folder nearest `from`.
 * `require.resolve("yargs/package.json")` finds the same file through the package's exports map,
 * about 4 ms of a 40 ms `--help` here (bench/README.md, "Start-up"). None found: the caller's catch
 * lets yargs render the help.
 */
function packageJsonOf(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed above ${from}`);
  }
}

/** The stored help for `argv`, when its key still matches; else undefined (yargs renders it). */
export function cachedHelp(argv: string[], io: Io): string | undefined {
  try {
    const at = slot(argv, io);
    if (!at) return undefined;
    const stored = JSON.parse(readFileSync(at.file, "utf8")) as Stored;
    return stored.key === at.key && typeof stored.text === "string" ? stored.text : undefined;
  } catch {
    return undefined; // none yet, unreadable, or from a copy that changed: yargs renders it
  }
}

/** Keeps the text yargs printed for `argv`; a cache that cannot be written is no error. */
export async function storeHelp(argv: string[], io: Io, text: string): Promise<void> {
  try {
    const at = slot(argv, io);
    // Loaded here, not on import: node:fs/promises and the streams it loads cost a stored --help 2 ms.
    const { writeTextFile } = await import("../util/write-text.js");
    if (at) await writeTextFile(at.file, JSON.stringify({ key: at.key, text } satisfies Stored));
  } catch {
    // read-only or full: the next --help renders it again
  }
}
