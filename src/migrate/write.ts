// Applies a plan to disk. The only module of `migrate` that writes. Every write is staged:
// `--out` builds the whole converted app in a sibling staging folder and renames it into place;
// `--in-place` writes each file to a temporary neighbour and renames it over the original. A
// crash leaves either the old file or the new one, never half of one.

import { execFile } from "node:child_process";
import fg from "fast-glob";
import { mkdir, readdir, rename, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { FileChange, MigrationPlan } from "./types.js";
import { copyEntry, isInside } from "../util/fs.js";

const run = promisify(execFile);

export class WriteError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export async function writeToOut(plan: MigrationPlan, outArg: string, force: boolean): Promise<string> {
  const out = path.resolve(outArg);
  if (isInside(plan.root, out)) {
    throw new WriteError(`--out ${outArg} is inside the app being migrated`, "Choose an output folder outside the app.");
  }
  if (isInside(out, plan.root)) {
    throw new WriteError(`--out ${outArg} contains the app being migrated`, "Choose an output folder that does not contain the app.");
  }
  const present = await nonEmpty(out);
  if (present && !force) {
    throw new WriteError(`--out ${outArg} exists and is not empty`, "Choose a new folder, or pass --force to replace it.");
  }
  await mkdir(path.dirname(out), { recursive: true });
  const staging = `${out}.hookshift-staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    await copyApp(plan.root, staging);
    await applyChanges(staging, plan.files, plan.root, false);
    if (present) {
      const old = `${out}.hookshift-old-${process.pid}`;
      await rename(out, old);
      await rename(staging, out);
      await rm(old, { recursive: true, force: true });
    } else {
      await rm(out, { recursive: true, force: true });
      await rename(staging, out);
    }
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  return out;
}

/**
 * Copies every file of the app (links as links), many at a time: fs.cp walks and stats one entry
 * after another, which dominated `migrate` on large apps.
 */
async function copyApp(from: string, to: string): Promise<void> {
  const entries = await fg("**/*", { cwd: from, dot: true, onlyFiles: false, followSymbolicLinks: false, objectMode: true, ignore: ["**/.git/**", ".git"] });
  await mkdir(to, { recursive: true });
  const dirs = new Set<string>();
  for (const e of entries) if (e.dirent.isDirectory()) dirs.add(e.path);
  for (const d of [...dirs].sort((a, b) => a.length - b.length)) await mkdir(path.join(to, d), { recursive: true });
  const files = entries.filter((e) => !e.dirent.isDirectory()).map((e) => e.path);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      await copyEntry(path.join(from, f), path.join(to, f));
    }
  };
  await Promise.all(Array.from({ length: Math.min(64, files.length) }, worker));
}

export async function writeInPlace(plan: MigrationPlan, allowDirty: boolean): Promise<void> {
  if (!allowDirty) {
    const dirty = await gitDirty(plan.root);
    if (dirty) {
      throw new WriteError(
        `${plan.root} is in a git work tree with uncommitted changes:\n${dirty}`,
        "Commit or stash them first, so the migration is one reviewable change, or pass --allow-dirty.",
      );
    }
  }
  await applyChanges(plan.root, plan.files, plan.root, true);
}

/**
 * Copies and renames first (they read original files), then writes, then removals, so no change
 * reads a file another change already replaced.
 */
async function applyChanges(root: string, changes: FileChange[], originalRoot: string, atomic: boolean): Promise<void> {
  const order = (c: FileChange) => (c.kind === "renamed" || (c.kind === "added" && c.from) ? 0 : c.kind === "removed" ? 2 : 1);
  const sorted = [...changes].sort((a, b) => order(a) - order(b));
  // Copies read the original app; in --out mode the staging copy still holds it at this point.
  const copies = sorted.filter((c) => c.kind === "added" && c.from && c.after === undefined);
  for (const c of copies) {
    const abs = path.join(root, ...c.path.split("/"));
    await mkdir(path.dirname(abs), { recursive: true });
    await copyEntry(path.join(originalRoot, ...c.from!.split("/")), abs);
  }
  for (const c of sorted.filter((x) => x.kind === "renamed")) {
    const from = path.join(root, ...c.from!.split("/"));
    const to = path.join(root, ...c.path.split("/"));
    await mkdir(path.dirname(to), { recursive: true });
    if (c.after !== undefined) {
      await writeAtomically(to, c.after);
      await unlink(from).catch(() => undefined);
    } else {
      await rename(from, to);
    }
    await removeEmptyParents(root, path.dirname(from));
  }
  // Writes are independent files: many at a time. In --out mode the staging folder is renamed
  // into place whole, so each write there need not be atomic on its own.
  const copied = new Set(copies);
  const writes = sorted.filter((c) => (c.kind === "added" || c.kind === "modified") && !copied.has(c));
  const made = new Map<string, Promise<unknown>>();
  let next = 0;
  const worker = async () => {
    while (next < writes.length) {
      const c = writes[next++]!;
      const abs = path.join(root, ...c.path.split("/"));
      const dir = path.dirname(abs);
      // One mkdir per folder, awaited by every write into it.
      if (!made.has(dir)) made.set(dir, mkdir(dir, { recursive: true }));
      await made.get(dir);
      if (atomic) await writeAtomically(abs, c.after ?? "");
      else await writeFile(abs, c.after ?? "", "utf8");
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, writes.length) }, worker));
  for (const c of sorted.filter((x) => x.kind === "removed")) {
    const abs = path.join(root, ...c.path.split("/"));
    await unlink(abs).catch(() => undefined);
    await removeEmptyParents(root, path.dirname(abs));
  }
}

async function writeAtomically(abs: string, text: string): Promise<void> {
  const tmp = `${abs}.hookshift-tmp-${process.pid}`;
  await writeFile(tmp, text, "utf8");
  await rename(tmp, abs);
}

/** Removing a webhook's files leaves its folder (and maybe incoming_webhooks/) empty: remove those. */
async function removeEmptyParents(root: string, dir: string): Promise<void> {
  let d = dir;
  while (isInside(root, d) && d !== root) {
    const entries = await readdir(d).catch(() => ["?"]);
    if (entries.length > 0) return;
    await rmdir(d).catch(() => undefined);
    d = path.dirname(d);
  }
}

async function nonEmpty(dir: string): Promise<boolean> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) return true;
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

/** `git status --porcelain` of the app folder, or "" when clean or not in a work tree. */
export async function gitDirty(dir: string): Promise<string> {
  try {
    const inside = await run("git", ["-C", dir, "rev-parse", "--is-inside-work-tree"]);
    if (inside.stdout.trim() !== "true") return "";
    const status = await run("git", ["-C", dir, "status", "--porcelain", "--", "."]);
    return status.stdout.trimEnd();
  } catch {
    return "";
  }
}

/** Writes `secrets.json` readable by its owner only (mode 0600), atomically. */
export async function writeSecretsFile(file: string, secrets: Record<string, string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.hookshift-tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(secrets, null, 4) + "\n", { mode: 0o600 });
  await rename(tmp, file);
}

export async function writeTextFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.hookshift-tmp-${process.pid}`;
  await writeFile(tmp, text, "utf8");
  await rename(tmp, file);
}
