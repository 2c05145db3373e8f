// Reads one file for `callers`, or says why not: too large, or not text. A file is text when its
// first bytes hold no NUL and are valid UTF-8 (a multi-byte character cut by the sample's end is
// fine), as git's and ripgrep's binary checks do.

import { isUtf8 } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Bytes looked at to tell text from binary. */
const SNIFF = 8000;
/** Files larger than this are not read (generated bundles, dumps, logs). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type ReadOutcome = { kind: "text"; buf: Buffer } | { kind: "binary" } | { kind: "too-large"; size: number } | { kind: "error"; reason: string };

export function looksBinary(buf: Buffer): boolean {
  let n = Math.min(buf.length, SNIFF);
  const sample = buf.subarray(0, n);
  if (sample.indexOf(0) !== -1) return true;
  if (n < buf.length) {
    // Step back over a character the sample cuts: up to 3 continuation bytes and their lead byte.
    let i = n - 1;
    while (i > n - 4 && i > 0 && (buf[i]! & 0xc0) === 0x80) i--;
    const lead = buf[i]!;
    const len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (i + len > n) n = i;
  }
  return !isUtf8(buf.subarray(0, n));
}

/**
 * Synchronous on purpose: a client tree is many small files, mostly in the page cache, and each
 * asynchronous read is four thread-pool round trips (open, fstat, read, close); direct system calls
 * read a 100 MB tree of 10,000 files in well under half the time (bench/callers.mjs, bench/README.md).
 * A cold cache on a slow disk would favour many reads in flight; client trees are small enough
 * that the first read of a tree warms the cache for the next runs.
 */
export function readTextFileSync(abs: string): ReadOutcome {
  let fd: number | undefined;
  try {
    fd = openSync(abs, "r");
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) return { kind: "too-large", size };
    let buf = Buffer.allocUnsafe(size);
    let got = 0;
    for (let n = -1; n !== 0 && got < size; got += n) n = readSync(fd, buf, got, size - got, null);
    // A file that grew since the fstat is read up to its size then; one that shrank, up to its end.
    if (got < size) buf = buf.subarray(0, got);
    return looksBinary(buf) ? { kind: "binary" } : { kind: "text", buf };
  } catch (e) {
    return { kind: "error", reason: (e as NodeJS.ErrnoException).code ?? String(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
