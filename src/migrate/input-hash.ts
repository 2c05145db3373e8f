// The hash `migrate --resume` of a fleet compares (src/fleet/resume.ts): sha256 over the options
// that decide the output and every entry of the app (path, kind, content or link target), in the
// order appEntries lists them. A fleet worker takes it while it copies the app into --out
// (copy-app.ts), from the bytes the copy reads; `--resume` takes it with hashApp before deciding
// whether an app is done. Both feed the same entries in the same order, so they agree.

import { createHash, type Hash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync, type Stats } from "node:fs";
import path from "node:path";
import { appEntries, type AppEntry } from "./app-entries.js";

/** Top-level names that are hookshift's own (an --in-place journal), not the app's content. */
const NOT_INPUT = new Set([".hookshift-journal", ".hookshift-journal.json"]);

export class InputHash {
  private readonly h: Hash = createHash("sha256");

  constructor(options: unknown) {
    this.h.update(JSON.stringify(options) + "\0");
  }

  /** False for what is hookshift's, not the app's: such an entry is not fed. */
  takes(rel: string): boolean {
    return !NOT_INPUT.has(rel.split("/", 1)[0]!);
  }

  dir(rel: string): void {
    this.h.update(`D ${rel}\0`);
  }

  link(rel: string, target: string): void {
    this.h.update(`L ${rel}\0${target}\0`);
  }

  other(rel: string): void {
    this.h.update(`S ${rel}\0`);
  }

  /** A file's head; its bytes follow, through `bytes`. */
  file(rel: string, size: number): void {
    this.h.update(`F ${rel}\0${size}\0`);
  }

  bytes(chunk: Uint8Array): void {
    this.h.update(chunk);
  }

  digest(): string {
    return this.h.digest("hex");
  }
}

const CHUNK = Buffer.allocUnsafe(64 * 1024);

/**
 * Opens the file at `abs` and hands its bytes to `each`, a chunk at a time (one read for a small
 * file), after `head` has its size and mode. Opened without blocking: a named pipe put there
 * since the listing would block an ordinary open.
 */
export function readFileChunks(abs: string, head: (info: Stats) => void, each: (chunk: Uint8Array) => void): void {
  const fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    head(fstatSync(fd));
    for (let n; (n = readSync(fd, CHUNK, 0, CHUNK.length, null)) > 0; ) each(CHUNK.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** The hash of the app at `root` as it is now (nothing copied). */
export function hashApp(root: string, options: unknown, entries: AppEntry[] = appEntries(root)): string {
  const hash = new InputHash(options);
  for (const e of entries) {
    if (!hash.takes(e.path)) continue;
    const abs = path.join(root, e.path);
    if (e.kind === "dir") hash.dir(e.path);
    else if (e.kind === "link") hash.link(e.path, readlinkOr(abs));
    else if (e.kind === "other") hash.other(e.path);
    else
      readFileChunks(
        abs,
        (info) => hash.file(e.path, info.size),
        (chunk) => hash.bytes(chunk),
      );
  }
  return hash.digest();
}

const readlinkOr = (abs: string) => {
  try {
    return readlinkSync(abs);
  } catch {
    return "";
  }
};
