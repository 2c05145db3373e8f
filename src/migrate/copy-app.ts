// Copies the input app into the staging folder of an --out write. The copy does not depend on the
// plan, so `migrate` runs it in a worker thread while it plans (copy-worker.ts); a fleet worker
// copies a small app in its own thread (copySmallAppHere), and takes the app's resume hash from
// the bytes the copy reads (input-hash.ts) instead of reading the app a second time.

import { closeSync, copyFileSync, fchmodSync, mkdirSync, openSync, readlinkSync, symlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { compiledScript, runWorker } from "../util/compiled-script.js";
import { appEntries, type AppEntry } from "./app-entries.js";
import { InputHash, readFileChunks } from "./input-hash.js";

export interface CopyJob {
  from: string;
  to: string;
  /** The app's entries when the caller has listed them already (appEntries). */
  entries?: AppEntry[];
  /** Take the input hash (input-hash.ts) with these options while copying. */
  hashWith?: Record<string, unknown>;
}

/**
 * Copies every file of the app (links as links) and every folder, empty ones included; returns
 * the input hash when the job asks for it.
 * Synchronous calls, one file after another: an app is thousands of small files, and each async
 * copy is several thread-pool round trips; on a 5,000-webhook app the synchronous loop takes a
 * third of the time of 64 concurrent async copies (fs.cp, which walks and stats one entry after
 * another, was slower still).
 */
export function copyApp(job: CopyJob): string | undefined {
  const { from, to } = job;
  const hash = job.hashWith ? new InputHash(job.hashWith) : undefined;
  mkdirSync(to, { recursive: true });
  // appEntries lists a folder before what it holds.
  for (const e of job.entries ?? appEntries(from)) {
    const src = path.join(from, e.path);
    const dest = path.join(to, e.path);
    const h = hash?.takes(e.path) ? hash : undefined;
    if (e.kind === "dir") {
      mkdirSync(dest, { recursive: true });
      h?.dir(e.path);
    } else if (e.kind === "link") {
      const target = readlinkSync(src);
      symlinkSync(target, dest);
      h?.link(e.path, target);
    } else if (e.kind === "file") {
      if (h) copyHashing(src, dest, e.path, h);
      else copyFileSync(src, dest);
    } else {
      // Named pipes, sockets and devices are not copied (a pipe would block the copy; the reader
      // reports each one: finding special-file).
      h?.other(e.path);
    }
  }
  return hash?.digest();
}

/** copyFileSync that hashes the bytes on their way: one read of the file for both. */
function copyHashing(src: string, dest: string, rel: string, hash: InputHash): void {
  let out: number | undefined;
  try {
    readFileChunks(
      src,
      (info) => {
        hash.file(rel, info.size);
        out = openSync(dest, "w");
        // As copyFileSync: the source's mode, whatever the umask.
        fchmodSync(out, info.mode & 0o7777);
      },
      (chunk) => {
        hash.bytes(chunk);
        for (let done = 0; done < chunk.length; ) done += writeSync(out!, chunk, done);
      },
    );
  } finally {
    if (out !== undefined) closeSync(out);
  }
}

/**
 * Apps of at most this many files and folders are copied in the calling thread when it asks (a
 * fleet worker process, which migrates one app after another): starting a worker thread costs
 * 0.1-0.2 s of CPU, more than copying a small app, and the fleet keeps every core busy anyway.
 */
const COPY_HERE_MAX_ENTRIES = 2000;

export interface CopiedApp {
  /** Where the copy ran. */
  where: "here" | "worker";
  /** The input hash, when the job asked for it (`hashWith`). */
  inputHash?: string;
}

/**
 * `copyApp` in this thread when the app is small (`maxEntries`), else in a worker thread, as
 * `copyAppInWorker`, with the entries listed here. A failed copy is a rejected promise either way.
 */
export function copySmallAppHere(job: Omit<CopyJob, "entries">, maxEntries = COPY_HERE_MAX_ENTRIES): Promise<CopiedApp> {
  try {
    const entries = appEntries(job.from);
    if (entries.length > maxEntries) return copyAppInWorker({ ...job, entries }).then((inputHash) => ({ where: "worker", inputHash }));
    return Promise.resolve({ where: "here", inputHash: copyApp({ ...job, entries }) });
  } catch (e) {
    const failed = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    failed.catch(() => undefined); // awaited later, as the worker's promise is
    return failed;
  }
}

/** `copyApp` in a worker thread; resolves with the input hash when the job asks for it. */
export function copyAppInWorker(job: CopyJob): Promise<string | undefined> {
  return runWorker<string | undefined>(compiledScript(import.meta.url, "./copy-worker.js", "dist/src/migrate/copy-worker.js"), job, "the copy of the app");
}
