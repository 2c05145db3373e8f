// Checks the CLI makes on its arguments before a command starts, so a wrong path or value gets
// one precise message (`hookshift: error: …`, commands.ts) instead of an empty run or a stack trace.

import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../util/errors.js";

export { UsageError };

/** The absolute path, and where it really leads when a link is on the way. */
async function shown(arg: string): Promise<string> {
  const abs = path.resolve(arg);
  const real = await realpath(abs).catch(() => abs);
  return real === abs ? abs : `${abs} (a link to ${real})`;
}

async function statOf(abs: string): Promise<Awaited<ReturnType<typeof stat>> | NodeJS.ErrnoException> {
  return stat(abs).catch((e: NodeJS.ErrnoException) => e);
}

function unreadable(label: string, where: string, e: NodeJS.ErrnoException): UsageError {
  if (e.code === "ENOENT") return new UsageError(`${label} ${where} does not exist`);
  if (e.code === "ENOTDIR") return new UsageError(`${label} ${where} does not exist (a part of the path is a file)`);
  return new UsageError(`${label} ${where} cannot be read (${e.code ?? e.message})`);
}

const ROOT_FILES = "realm_config.json, root_config.json, config.json or stitch.json";

/**
 * `arg` must be a folder holding an exported app (a root config, or a partial export's webhook
 * folders). `label` names the argument in the message: "app", "original app", "migrated app".
 * With `allowJournal`, a folder holding an interrupted --in-place run is accepted as it is.
 */
export async function checkAppFolder(arg: string, label: string, opts: { allowJournal?: boolean } = {}): Promise<void> {
  const abs = path.resolve(arg);
  const where = await shown(arg);
  const info = await statOf(abs);
  if (info instanceof Error) throw unreadable(label, where, info);
  if (!info.isDirectory()) throw new UsageError(`${label} ${where} is ${info.isFile() ? "a file" : "not a folder"}, not an app folder`);
  // Loaded here, not at the top: commands.ts imports this file for every command, --help included.
  const [{ discoverApps }, { JOURNAL_DIR, JOURNAL_FILE }] = await Promise.all([import("../app/discover.js"), import("../migrate/journal.js")]);
  if (opts.allowJournal) {
    for (const j of [JOURNAL_FILE, JOURNAL_DIR]) if (!((await statOf(path.join(abs, j))) instanceof Error)) return;
  }
  const found = await discoverApps(abs).catch(() => []);
  if (found.some((a) => path.resolve(a.root) === abs)) return;
  if (found.length === 0) throw new UsageError(`${label} ${where} holds no App Services app (no ${ROOT_FILES}, and no webhook folders)`);
  const names = found.slice(0, 3).map((a) => path.relative(abs, a.root) + path.sep);
  const more = found.length > 3 ? `, … (${found.length} in all)` : "";
  throw new UsageError(
    `${label} ${where} holds no App Services app itself; the app${found.length > 1 ? "s are" : " is"} in ${names.join(", ")}${more}`,
    "Pass the app's own folder (the one with its root config).",
  );
}

/** `--secrets`, `--users`, `--seed`, `--requests`: the file must exist and be a file. */
export async function checkInputFile(option: string, file: string | undefined): Promise<void> {
  if (file === undefined) return;
  const where = await shown(file);
  const info = await statOf(path.resolve(file));
  if (info instanceof Error) throw unreadable(`${option} file`, where, info);
  if (info.isDirectory()) throw new UsageError(`${option} file ${where} is a folder, not a file`);
}

/**
 * A yargs `coerce` for a numeric option: `--port abc` fails with the option, the range and what
 * was given, where yargs would pass NaN on.
 */
export function numberArg(option: string, o: { min: number; max?: number; integer?: boolean; what?: string }) {
  return (v: unknown): number => {
    const given = Array.isArray(v) ? v[v.length - 1] : v;
    const n = typeof given === "number" ? given : typeof given === "string" && given.trim() !== "" ? Number(given) : NaN;
    const ok = Number.isFinite(n) && (!o.integer || Number.isInteger(n)) && n >= o.min && (o.max === undefined || n <= o.max);
    if (!ok) {
      const range = o.max === undefined ? `${o.min} or more` : `from ${o.min} to ${o.max}`;
      const shownValue = typeof given === "string" ? `'${given}'` : given === true ? "nothing" : String(given);
      throw new UsageError(`${option} must be ${o.what ?? (o.integer ? "a whole number" : "a number")} ${range}, not ${shownValue}`);
    }
    return n;
  };
}
