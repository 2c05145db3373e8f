// Copies the input app into the staging folder of an --out write. The copy does not depend on the
// plan, so `migrate` runs it in a worker thread while it plans (copy-worker.ts); a fleet worker
// copies a small app in its own thread (copySmallAppHere).

import fg from "fast-glob";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { compiledScript, runWorker } from "../util/compiled-script.js";
import { copyEntrySync } from "../util/fs.js";

export interface CopyJob {
  from: string;
  to: string;
}

/**
 * Copies every file of the app (links as links) and every folder, empty ones included.
 * Synchronous calls, one file after another: an app is thousands of small files, and each async
 * copy is several thread-pool round trips; on a 5,000-webhook app the synchronous loop takes a
 * third of the time of 64 concurrent async copies (fs.cp, which walks and stats one entry after
 * another, was slower still).
 */
export function copyApp(from: string, to: string): void {
  copyEntries(from, to, appEntries(from));
}

type Entries = ReturnType<typeof appEntries>;

function appEntries(from: string) {
  return fg.sync("**/*", { cwd: from, dot: true, onlyFiles: false, followSymbolicLinks: false, objectMode: true, ignore: ["**/.git/**", ".git"] });
}

function copyEntries(from: string, to: string, entries: Entries): void {
  mkdirSync(to, { recursive: true });
  const dirs = entries.filter((e) => e.dirent.isDirectory()).map((e) => e.path);
  // A name that is not valid UTF-8 comes back with U+FFFD in it and leads nowhere: not copied
  // (the reader reports it: finding invalid-file-name).
  const reachable = (p: string) => !p.includes("\uFFFD") || existsSync(path.join(from, p));
  for (const d of dirs.sort((a, b) => a.length - b.length)) if (reachable(d)) mkdirSync(path.join(to, d), { recursive: true });
  for (const e of entries) {
    if (!reachable(e.path)) continue;
    // Named pipes, sockets and devices are not copied (a pipe would block the copy; the reader
    // reports each one: finding special-file).
    if (e.dirent.isFile() || e.dirent.isSymbolicLink()) copyEntrySync(path.join(from, e.path), path.join(to, e.path), e.dirent.isSymbolicLink());
  }
}

/**
 * Apps of at most this many files and folders are copied in the calling thread when it asks (a
 * fleet worker process, which migrates one app after another): starting a worker thread costs
 * 0.1-0.2 s of CPU, more than copying a small app, and the fleet keeps every core busy anyway.
 */
export const COPY_HERE_MAX_ENTRIES = 2000;

/**
 * `copyApp` in this thread when the app is small (`maxEntries`), else in a worker thread, as
 * `copyAppInWorker`. Says which it did. A failed copy is a rejected promise either way.
 */
export function copySmallAppHere(from: string, to: string, maxEntries = COPY_HERE_MAX_ENTRIES): Promise<"here" | "worker"> {
  let entries: Entries;
  try {
    entries = appEntries(from);
    if (entries.length > maxEntries) return copyAppInWorker(from, to).then(() => "worker");
    copyEntries(from, to, entries);
    return Promise.resolve("here");
  } catch (e) {
    const failed = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    failed.catch(() => undefined); // awaited later, as the worker's promise is
    return failed;
  }
}

/** `copyApp` in a worker thread. */
export function copyAppInWorker(from: string, to: string): Promise<void> {
  const job: CopyJob = { from, to };
  return runWorker(compiledScript(import.meta.url, "./copy-worker.js", "dist/src/migrate/copy-worker.js"), job, "the copy of the app");
}
