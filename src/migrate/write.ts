// Applies a plan to disk: with copy-app.ts (the copy of the input) and no-follow.ts (links on
// the way of a change become real copies in the output), the only code of `migrate` that
// writes; no write follows a symbolic link. Every write is staged: `--out` builds the whole
// converted app in a marked sibling staging folder and renames it into place (staging.ts);
// `--in-place` is one journaled transaction (journal.ts). A kill leaves the old app, the new
// one, or a journal or staging folder that the next run finishes or removes; never a mix.

import { mkdirSync, readdirSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FileChange, MigrationPlan } from "../plan/types.js";
import { copyEntrySync, isInside } from "../util/fs.js";
import { copyAppInWorker, copySmallAppHere } from "./copy-app.js";
import { materialiseLinks, refuseLinks } from "./no-follow.js";
import { applyJournaled, JournalError, type JournalHooks } from "./journal.js";
import { makeStaging, removeStaleStaging, type StaleStaging } from "./staging.js";
import { gitDirty } from "../util/git.js";

export class WriteError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    /** App-relative path the refusal is about, when there is one. */
    readonly file?: string,
    /** Finding code (default `write-failed`). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** An --out write in two steps, so the copy of the app runs while the plan is made. */
export interface OutWrite {
  /**
   * Applies the plan to the copy and renames it into place; returns the output folder.
   * `beforeRename` runs once the converted app is complete, just before it takes its place.
   */
  finish(plan: MigrationPlan, beforeRename?: () => Promise<void>): Promise<string>;
  /** Drops the copy (nothing is written after all). */
  cancel(): Promise<void>;
  /** Staging folders of killed runs that were removed first (staging.ts). */
  removedStale: StaleStaging[];
  /** The copy: resolves with the input hash when asked for (`hashWith`, copy-app.ts), once the app is copied. */
  copied: Promise<string | undefined>;
}

/** How the copy runs: a small app in this thread (a fleet worker), the input hash taken on the way. */
export interface CopyOptions {
  here?: boolean;
  hashWith?: Record<string, unknown>;
}

/**
 * Checks the output folder and starts copying the app at `root` into a staging folder beside it,
 * in a worker thread. Throws a WriteError when the folder cannot be used.
 */
export async function startOutWrite(root: string, outArg: string, force: boolean, copy: CopyOptions = {}): Promise<OutWrite> {
  const out = checkOutFolder(root, outArg);
  // Synchronous up to the worker's start: the caller plans right after this without yielding,
  // and a worker started after an await would only start once the plan is done.
  // First what killed runs left (which may put back an output a killed --force run moved aside).
  const removedStale = removeStaleStaging(out);
  const present = nonEmpty(out);
  if (present && !force) {
    throw new WriteError(`--out ${outArg} exists and is not empty`, "Choose a new folder, or pass --force to replace it.");
  }
  return startCopy(root, out, present, removedStale, copy);
}

/**
 * The --out folder's preconditions, checked before anything is planned (so a run that cannot
 * write prints no success lines): not inside the app, not holding it, and (without --force)
 * absent or empty. Returns the absolute path; throws a WriteError.
 */
export function checkOutFolder(root: string, outArg: string, force?: boolean): string {
  const out = path.resolve(outArg);
  if (isInside(root, out)) {
    throw new WriteError(`--out ${outArg} is inside the app being migrated`, "Choose an output folder outside the app.");
  }
  if (isInside(out, root)) {
    throw new WriteError(`--out ${outArg} contains the app being migrated`, "Choose an output folder that does not contain the app.");
  }
  if (force === false && nonEmpty(out)) {
    throw new WriteError(`--out ${outArg} exists and is not empty`, "Choose a new folder, or pass --force to replace it.");
  }
  return out;
}

function startCopy(root: string, out: string, present: boolean, removedStale: StaleStaging[], copy: CopyOptions): OutWrite {
  mkdirSync(path.dirname(out), { recursive: true });
  // Marked as this run's (staging.ts), so that the next run can tell a killed run's leftovers.
  const staging = makeStaging(out);
  const job = { from: root, to: staging.app, hashWith: copy.hashWith };
  const copying = copy.here ? copySmallAppHere(job).then((c) => c.inputHash) : copyAppInWorker(job);
  copying.catch(() => undefined); // awaited by finish or cancel
  return {
    removedStale,
    copied: copying,
    async finish(plan, beforeRename) {
      if (plan.root !== root) throw new Error(`internal: the copy is of ${root}, the plan of ${plan.root}`);
      try {
        await copying;
        // No write follows a link: links on the changes' paths become real copies (no-follow.ts).
        materialiseLinks(staging.app, root, plan.files);
        applyChanges(staging.app, plan.files, plan.root, false);
        await beforeRename?.();
        // The old output waits inside the staging folder until the new one is in place: a kill
        // in between leaves no output, and the next run puts the old one back.
        if (present) await rename(out, staging.old);
        else await rm(out, { recursive: true, force: true });
        await rename(staging.app, out);
      } catch (e) {
        if (present && !nonEmpty(out)) await rename(staging.old, out).catch(() => undefined);
        await rm(staging.dir, { recursive: true, force: true });
        throw e;
      }
      await rm(staging.dir, { recursive: true, force: true });
      return out;
    },
    async cancel() {
      await copying.catch(() => undefined);
      await rm(staging.dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes the plan into the app as one journaled transaction (journal.ts). An interrupted one must
 * have been recovered first (`recoverJournal`). A plan that changes nothing writes nothing, so a
 * dirty work tree does not matter then.
 */
export async function writeInPlace(plan: MigrationPlan, allowDirty: boolean, hooks?: JournalHooks): Promise<void> {
  const through = refuseLinks(plan.root, plan.files);
  if (through) throw new WriteError(through.message, through.hint, through.file, "symlink-write-refused");
  if (!allowDirty && plan.files.length > 0) {
    const dirty = await gitDirty(plan.root);
    if (dirty) {
      throw new WriteError(
        `${plan.root} is in a git work tree with uncommitted changes:\n${dirty}`,
        "Commit or stash them first, so the migration is one reviewable change, or pass --allow-dirty.",
      );
    }
  }
  try {
    applyJournaled(plan.root, plan.files, hooks);
  } catch (e) {
    if (e instanceof JournalError) throw new WriteError(e.message, e.hint);
    throw e;
  }
}

/**
 * Copies and renames first (they read original files), then writes, then removals, so no change
 * reads a file another change already replaced. Synchronous, for the reason copyApp gives
 * (copy-app.ts).
 */
function applyChanges(root: string, changes: FileChange[], originalRoot: string, atomic: boolean): void {
  const order = (c: FileChange) => (c.kind === "renamed" || (c.kind === "added" && c.from) ? 0 : c.kind === "removed" ? 2 : 1);
  const sorted = [...changes].sort((a, b) => order(a) - order(b));
  const abs = (rel: string) => path.join(root, ...rel.split("/"));
  const made = new Set<string>();
  const mkdirOnce = (dir: string) => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  };
  // Copies read the original app; in --out mode the staging copy still holds it at this point.
  const copies = new Set(sorted.filter((c) => c.kind === "added" && c.from && c.after === undefined));
  for (const c of copies) {
    mkdirOnce(path.dirname(abs(c.path)));
    copyEntrySync(path.join(originalRoot, ...c.from!.split("/")), abs(c.path));
  }
  for (const c of sorted.filter((x) => x.kind === "renamed")) {
    const from = abs(c.from!);
    const to = abs(c.path);
    mkdirOnce(path.dirname(to));
    if (c.after !== undefined) {
      writeAtomically(to, c.after);
      unlinkQuietly(from);
    } else {
      renameSync(from, to);
    }
    removeEmptyParents(root, path.dirname(from));
    made.clear(); // a removed parent may have been one of them
  }
  // In --out mode the staging folder is renamed into place whole, so each write there need not
  // be atomic on its own.
  for (const c of sorted) {
    if ((c.kind !== "added" && c.kind !== "modified") || copies.has(c)) continue;
    const file = abs(c.path);
    mkdirOnce(path.dirname(file));
    if (atomic) writeAtomically(file, c.after ?? "");
    else writeFileSync(file, c.after ?? "", "utf8");
  }
  for (const c of sorted.filter((x) => x.kind === "removed")) {
    const file = abs(c.path);
    unlinkQuietly(file);
    removeEmptyParents(root, path.dirname(file));
  }
}

/** A file that is already gone, or cannot go, stays a no-op: the plan's other changes still apply. */
function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // nothing to do
  }
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.hookshift-tmp-${process.pid}`;
  writeFileSync(tmp, text, "utf8");
  renameSync(tmp, file);
}

/** Removing a webhook's files leaves its folder (and maybe incoming_webhooks/) empty: remove those. */
function removeEmptyParents(root: string, dir: string): void {
  let d = dir;
  while (isInside(root, d) && d !== root) {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    if (entries.length > 0) return;
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    d = path.dirname(d);
  }
}

function nonEmpty(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return true;
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** Writes `secrets.json` readable by its owner only (mode 0600), atomically. */
export async function writeSecretsFile(file: string, secrets: Record<string, string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.hookshift-tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(secrets, null, 4) + "\n", { mode: 0o600 });
  await rename(tmp, file);
}
