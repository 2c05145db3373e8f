// `--in-place` as one transaction: a kill at any point leaves the old app, the new app, or a
// journal that the next run uses to finish (or undo) the change.
//
// 1. Stage. `.hookshift-journal/` (in the app root, so every rename below stays on one file
//    system) gets `owner.json` (pid, start time, host), then every new file's content (`new/<i>`)
//    and a hard link (a copy where links fail) to every original the change replaces or removes
//    (`old/<i>`), then flushed to disk (one syncfs). Nothing outside this folder has changed yet.
// 2. Commit. `.hookshift-journal.json` lists every path with its state before and after (a file
//    in the folder, a symbolic link's text, or absent), the folders to make and the folders that
//    may be left empty. It is written to a temporary name, fsynced and renamed into place: from
//    here on the new content is all on disk and the journal says where.
// 3. Apply, in order: new files, then changed files (the manifests: an interrupted apply never
//    lists a function whose file is missing), then removals; then empty folders go.
//    Each path is set by linking its staged content to a temporary name inside the journal folder
//    and renaming that over the path, so applying an entry again gives the same result: the
//    journal can be applied any number of times, from any point.
// 4. Done. The journal file goes, then its folder.
//
// Recovery (the next run, or `migrate --recover`): a journal file means step 2 finished, so the
// change is rolled forward (applied again from the start); a journal folder without the file
// means the app was not touched, so the folder goes (rolled back). A run that fails while
// applying (not killed) rolls back from `old/`, by the same idempotent steps. A journal of a live
// process is left alone.

import { execFileSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { isInside } from "../util/fs.js";
import { markAlive, ownMark, readMark, type OwnerMark } from "../util/owner.js";
import type { FileChange } from "../plan/types.js";

export const JOURNAL_FILE = ".hookshift-journal.json";
export const JOURNAL_DIR = ".hookshift-journal";

/** A path's state before or after the change. `blob` is relative to the journal folder. */
type PathState = { kind: "file"; blob: string } | { kind: "link"; target: string } | { kind: "absent" };

interface JournalEntry {
  path: string;
  before: PathState;
  after: PathState;
}

interface Journal {
  version: 1;
  owner: OwnerMark;
  /** In the order they are applied (rolled back in reverse). */
  entries: JournalEntry[];
  /** Folders the change makes, parents first (rolled back in reverse, when empty). */
  madeDirs: string[];
  /** Folders a removal may leave empty: they go when they are (and their emptied parents). */
  pruneDirs: string[];
}

/** Test hook: called after each step; throwing `SimulatedKill` from it stops the run as a kill would. */
export interface JournalHooks {
  step?: (name: string) => void;
  /** Whether the run that left a journal may still be running (default: its pid is alive). */
  alive?: (owner: OwnerMark) => boolean;
  /** False: skip the flushes to disk (tests that simulate kills, not power cuts). */
  flush?: boolean;
}

/** A kill simulated by a test's hook: nothing is cleaned up or undone, as after a real kill. */
export class SimulatedKill extends Error {}

export class JournalError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

type RecoveryAction = "rolled-forward" | "rolled-back";

export interface Recovery {
  /** What the app is now: the interrupted run's result, or the app before it. */
  action: RecoveryAction;
  /** The interrupted run had finished (either way); only its journal folder was left. */
  leftovers?: boolean;
  /** Paths the interrupted run was changing. */
  files: number;
  owner?: OwnerMark;
}

/** True when `root` has an interrupted (or running) in-place transaction. */
export function hasJournal(root: string): boolean {
  return exists(path.join(root, JOURNAL_FILE)) || exists(path.join(root, JOURNAL_DIR));
}

/**
 * Applies `changes` to the app at `root` as one transaction (see the top of this file). On an
 * error the app is rolled back to what it was and the error thrown; when even that fails, the
 * journal stays for `migrate --recover`.
 */
export function applyJournaled(root: string, changes: FileChange[], hooks: JournalHooks = {}): void {
  const step = hooks.step ?? (() => undefined);
  const dir = path.join(root, JOURNAL_DIR);
  const final = finalStates(changes);
  if (final.size === 0) return;
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new JournalError(
        `${path.join(root, JOURNAL_DIR)} exists: another hookshift run is writing this app, or one was interrupted`,
        "Run `hookshift migrate <app> --recover` once it has ended.",
      );
    }
    throw e;
  }
  let journal: Journal;
  try {
    // Whole or absent (a kill mid-write leaves only the temporary name, which recovery knows).
    writeDurably(path.join(dir, "owner.json.tmp"), JSON.stringify(ownMark()) + "\n");
    renameSync(path.join(dir, "owner.json.tmp"), path.join(dir, "owner.json"));
    step("owner");
    journal = stage(root, dir, final, step);
    // Every staged file on disk before the journal says they are there.
    if (hooks.flush !== false) syncStaged(dir, journal);
    const tmp = path.join(dir, "journal.json");
    writeDurably(tmp, JSON.stringify(journal) + "\n");
    renameSync(tmp, path.join(root, JOURNAL_FILE));
    fsyncPath(root);
    step("journal");
  } catch (e) {
    if (!(e instanceof SimulatedKill)) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  try {
    rollForward(root, journal, step, hooks.flush !== false);
  } catch (e) {
    if (e instanceof SimulatedKill) throw e;
    try {
      rollBack(root, journal, () => undefined, hooks.flush !== false);
    } catch {
      throw new JournalError(
        `${errorMessage(e)}; undoing the change failed too, so ${JOURNAL_FILE} stays in the app`,
        "Fix the cause, then run `hookshift migrate <app> --recover`: it finishes the change.",
      );
    }
    throw new JournalError(`${errorMessage(e)} (nothing was changed: the app is as it was)`);
  }
}

/**
 * Finishes or undoes an interrupted in-place transaction in `root`; undefined when there is none.
 * Throws a JournalError when the journal belongs to a running process or cannot be used.
 */
export function recoverJournal(root: string, hooks: JournalHooks = {}): Recovery | undefined {
  const step = hooks.step ?? (() => undefined);
  const file = path.join(root, JOURNAL_FILE);
  const dir = path.join(root, JOURNAL_DIR);
  const owner = readMark(path.join(dir, "owner.json"));
  if (owner && (hooks.alive ?? markAlive)(owner)) {
    throw new JournalError(
      `${root} is being written by another hookshift run (pid ${owner.pid} on ${owner.host})`,
      "Wait for it to end; if it is not running, delete .hookshift-journal/owner.json and run `hookshift migrate <app> --recover`.",
    );
  }
  if (exists(file)) {
    let journal: Journal;
    try {
      journal = JSON.parse(readFileSync(file, "utf8")) as Journal;
      if (journal.version !== 1 || !Array.isArray(journal.entries)) throw new Error("unknown journal version");
    } catch (e) {
      throw new JournalError(`${file} cannot be read (${errorMessage(e)})`, "Restore the app from version control or a backup.");
    }
    try {
      rollForward(root, journal, step, hooks.flush !== false);
      return { action: "rolled-forward", files: journal.entries.length, owner: journal.owner };
    } catch (e) {
      if (e instanceof SimulatedKill) throw e;
      try {
        rollBack(root, journal, step, hooks.flush !== false);
      } catch (e2) {
        if (e2 instanceof SimulatedKill) throw e2;
        throw new JournalError(
          `finishing the interrupted change failed (${errorMessage(e)}), and so did undoing it (${errorMessage(e2)})`,
          "Fix the cause and run `hookshift migrate <app> --recover` again.",
        );
      }
      return { action: "rolled-back", files: journal.entries.length, owner: journal.owner };
    }
  }
  if (!exists(dir)) return undefined;
  // The change was finished (either way) before the kill: only the folder is left.
  for (const action of ["rolled-forward", "rolled-back"] as const) {
    if (exists(path.join(dir, `${action}.json`))) {
      rmSync(dir, { recursive: true, force: true });
      step("cleanup");
      return { action, files: 0, owner, leftovers: true };
    }
  }
  // Staged content only: the app itself was never touched. A folder of that name that hookshift
  // did not mark (no owner.json) is removed only when it holds nothing but a half-written mark,
  // which is what a kill right after making it leaves.
  if (!owner) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // not a folder: not ours
    }
    if (names.some((n) => n !== "owner.json.tmp") || !lstatSync(dir).isDirectory()) {
      throw new JournalError(`${dir} exists but is not hookshift's`, "Move it out of the app and run again.");
    }
  }
  rmSync(dir, { recursive: true, force: true });
  step("cleanup");
  return { action: "rolled-back", files: 0, owner };
}

/** A sentence for the terminal saying what a recovery did. */
export function describeRecovery(root: string, r: Recovery): string {
  const who = r.owner ? ` (pid ${r.owner.pid}, started ${new Date(r.owner.started).toISOString()})` : "";
  if (r.leftovers)
    return `Removed the journal folder of an --in-place run${who} that had ${r.action === "rolled-forward" ? "finished" : "been undone"} before it was stopped; ${root} was not changed.`;
  return r.action === "rolled-forward"
    ? `Recovered ${root}: an interrupted --in-place run${who} had staged all its changes; finished it (${r.files} files), the app is as that run meant to leave it.`
    : `Recovered ${root}: an interrupted --in-place run${who} had not staged all its changes (or could not finish them); undid it, the app is as it was before that run.`;
}

// ---------------------------------------------------------------------------------------------

type Final = { text: string } | { copyOf: string } | { absent: true };

/**
 * The state every touched path ends in, applied in the order write.ts's applyChanges used
 * (copies and renames, which read originals, then writes, then removals; the last word wins).
 */
function finalStates(changes: FileChange[]): Map<string, Final> {
  const order = (c: FileChange) => (c.kind === "renamed" || (c.kind === "added" && c.from) ? 0 : c.kind === "removed" ? 2 : 1);
  const sorted = [...changes].sort((a, b) => order(a) - order(b));
  const final = new Map<string, Final>();
  for (const c of sorted) {
    if (c.kind === "removed") final.set(c.path, { absent: true });
    else if (c.kind === "renamed") {
      final.set(c.path, c.after !== undefined ? { text: c.after } : { copyOf: c.from! });
      if (c.from !== c.path) final.set(c.from!, { absent: true });
    } else if (c.kind === "added" && c.from && c.after === undefined) final.set(c.path, { copyOf: c.from });
    else final.set(c.path, { text: c.after ?? "" });
  }
  return final;
}

function stage(root: string, dir: string, final: Map<string, Final>, step: (name: string) => void): Journal {
  mkdirSync(path.join(dir, "new"));
  mkdirSync(path.join(dir, "old"));
  const abs = (rel: string) => path.join(root, ...rel.split("/"));
  const entries: JournalEntry[] = [];
  const madeDirs = new Set<string>();
  const pruneDirs = new Set<string>();
  let n = 0;
  for (const [rel, to] of final) {
    const target = abs(rel);
    if (!isInside(root, target) || target === root || rel.split("/").includes(JOURNAL_DIR) || rel === JOURNAL_FILE) {
      throw new JournalError(`internal: the plan writes ${rel}, outside the app or into the journal`);
    }
    const via = linkedParent(root, rel);
    if (via)
      throw new JournalError(
        `${rel} is reached through the symbolic link ${via}; hookshift does not write through links`,
        "Replace the link with a folder, or use --out.",
      );
    const i = n++;
    const before = backup(target, path.join(dir, "old", String(i)), `old/${i}`, rel);
    let after: PathState;
    if ("absent" in to) {
      if (before.kind === "absent") continue;
      after = { kind: "absent" };
      pruneDirs.add(path.posix.dirname(rel));
    } else if ("text" in to) {
      writeFileSync(path.join(dir, "new", String(i)), to.text, { encoding: "utf8", flag: "wx" });
      after = { kind: "file", blob: `new/${i}` };
    } else {
      const from = abs(to.copyOf);
      const info = lstatSync(from);
      if (info.isSymbolicLink()) after = { kind: "link", target: readlinkSync(from) };
      else if (info.isFile()) {
        copyFileSync(from, path.join(dir, "new", String(i)));
        after = { kind: "file", blob: `new/${i}` };
      } else throw new JournalError(`${to.copyOf} is not a file`);
    }
    if (after.kind !== "absent") {
      for (let d = path.posix.dirname(rel); d !== "." && d !== "/"; d = path.posix.dirname(d)) {
        if (madeDirs.has(d) || exists(abs(d))) break;
        madeDirs.add(d);
      }
    }
    entries.push({ path: rel, before, after });
    step(`stage:${rel}`);
  }
  // New files first, changed files (the manifests) next, removals last.
  const rank = (e: JournalEntry) => (e.after.kind === "absent" ? 2 : e.before.kind === "absent" ? 0 : 1);
  entries.sort((a, b) => rank(a) - rank(b));
  return {
    version: 1,
    owner: ownMark(),
    entries,
    madeDirs: [...madeDirs].sort((a, b) => a.split("/").length - b.split("/").length),
    pruneDirs: [...pruneDirs],
  };
}

/** Keeps the original at `target` (a hard link, or a copy) as `blob`; its state before. */
function backup(target: string, blob: string, name: string, rel: string): PathState {
  let info;
  try {
    info = lstatSync(target);
  } catch {
    return { kind: "absent" };
  }
  if (info.isSymbolicLink()) return { kind: "link", target: readlinkSync(target) };
  if (!info.isFile()) throw new JournalError(`${rel} is a folder or a special file; hookshift only replaces files`);
  try {
    linkSync(target, blob);
  } catch {
    copyFileSync(target, blob);
  }
  return { kind: "file", blob: name };
}

function rollForward(root: string, journal: Journal, step: (name: string) => void, flush: boolean): void {
  const dir = path.join(root, JOURNAL_DIR);
  const abs = (rel: string) => path.join(root, ...rel.split("/"));
  for (const d of journal.madeDirs) mkdirSync(abs(d), { recursive: true });
  for (const e of journal.entries) {
    place(root, dir, e.path, e.after);
    step(`apply:${e.path}`);
  }
  for (const d of journal.pruneDirs) pruneEmpty(root, abs(d), step);
  step("prune");
  finish(root, "rolled-forward", step, flush);
}

function rollBack(root: string, journal: Journal, step: (name: string) => void, flush: boolean): void {
  const dir = path.join(root, JOURNAL_DIR);
  const abs = (rel: string) => path.join(root, ...rel.split("/"));
  for (const e of [...journal.entries].reverse()) {
    place(root, dir, e.path, e.before);
    step(`undo:${e.path}`);
  }
  for (const d of [...journal.madeDirs].reverse()) {
    try {
      rmdirSync(abs(d));
    } catch {
      // not empty (something else is there now) or already gone
    }
    step(`rmdir:${d}`);
  }
  step("unmake-dirs");
  finish(root, "rolled-back", step, flush);
}

/** Sets `rel` to `state`; the same call again changes nothing. */
function place(root: string, dir: string, rel: string, state: PathState): void {
  const target = path.join(root, ...rel.split("/"));
  if (state.kind === "absent") {
    try {
      unlinkSync(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    return;
  }
  const tmp = path.join(dir, "tmp");
  rmSync(tmp, { force: true });
  if (state.kind === "link") symlinkSync(state.target, tmp);
  else {
    const blob = path.join(dir, ...state.blob.split("/"));
    try {
      linkSync(blob, tmp);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new JournalError(`${JOURNAL_DIR}/${state.blob} (the content of ${rel}) is missing`);
      copyFileSync(blob, tmp);
    }
  }
  mkdirSync(path.dirname(target), { recursive: true });
  // When `target` already is `blob` (applied before), rename does nothing and `tmp` stays.
  renameSync(tmp, target);
  rmSync(tmp, { force: true });
}

/**
 * The journal file moves into the journal folder under the name of what was done, so a kill
 * before the folder is gone still tells the next run (a folder without it: nothing was applied).
 */
function finish(root: string, action: RecoveryAction, step: (name: string) => void, flush: boolean): void {
  const file = path.join(root, JOURNAL_FILE);
  // The applied renames on disk before the journal that would redo them goes.
  if (flush && exists(file)) syncFileSystem(root);
  if (exists(file)) renameSync(file, path.join(root, JOURNAL_DIR, `${action}.json`));
  fsyncPath(root);
  step("unjournal");
  rmSync(path.join(root, JOURNAL_DIR), { recursive: true, force: true });
  step("cleanup");
}

/** The first folder on `rel`'s path (the file itself not included) that is a symbolic link. */
function linkedParent(root: string, rel: string): string | undefined {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const sub = parts.slice(0, i).join("/");
    try {
      if (lstatSync(path.join(root, ...parts.slice(0, i))).isSymbolicLink()) return sub;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Removes `dir` and then its parents while they are empty, never `root` itself. A folder that is
 * already gone (removed before a kill) does not stop the climb: its parents may still be left.
 */
function pruneEmpty(root: string, dir: string, step: (name: string) => void): void {
  for (let d = dir; isInside(root, d) && d !== root; d = path.dirname(d)) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      return;
    }
    if (names.length > 0) return;
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    step(`rmdir:${path.relative(root, d)}`);
  }
}

/**
 * Flushes the staged files: one syncfs of the app's file system (`sync -f`, 50 ms here) where
 * that exists, else an fsync per file (6 ms each here: 25 s for a 2,000-webhook app).
 */
function syncStaged(dir: string, journal: Journal): void {
  if (syncFileSystem(dir)) return;
  for (const e of journal.entries) {
    for (const s of [e.before, e.after]) if (s.kind === "file") fsyncPath(path.join(dir, ...s.blob.split("/")));
  }
  fsyncPath(path.join(dir, "new"));
  fsyncPath(path.join(dir, "old"));
}

function syncFileSystem(dir: string): boolean {
  if (process.platform !== "linux") return false;
  try {
    execFileSync("sync", ["-f", dir], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

function writeDurably(file: string, text: string): void {
  const fd = openSync(file, "wx");
  try {
    const bytes = Buffer.from(text, "utf8");
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(p, "r");
    fsyncSync(fd);
  } catch {
    // some file systems cannot fsync a folder; the data is still written
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
