// Reading files of an exported app without ever following a link out of it and without
// throwing: every failure comes back as a reason a finding can carry.

import { closeSync, constants, copyFileSync, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, statSync, symlinkSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { firstLinkOnPath, realTarget } from "./links.js";

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; reason: "missing" | "directory" | "outside-app" | "unreadable" | "not-a-file" | "too-large"; detail: string };

/**
 * Largest file hookshift reads as text (a function source or a config): 16 MiB. App Services
 * publishes no size limit for them, but keeps an app's configuration and function sources in
 * MongoDB documents, which hold at most 16 MB
 * (https://www.mongodb.com/docs/manual/reference/limits/#mongodb-limit-BSON-Document-Size), so a
 * larger file is none App Services would take. It is a finding and is not read, which keeps the
 * memory a run needs bounded whatever the input holds.
 */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** Forward-slash relative path, the form every path in plans and reports uses. */
export function toPosix(p: string): string {
  // A no-op on POSIX, where it runs for every entry of the app's walk.
  return path.sep === "/" ? p : p.split(path.sep).join("/");
}

/** True when `child` (absolute) is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Reads `rel` under `root` as UTF-8. A symbolic link, the file's own or a folder's on its path, is
 * followed only when the file it leads to is inside the app (`realRoot` is the app root with its
 * own links resolved).
 *
 * Synchronous calls inside: an app is thousands of small files, and each fs/promises read is
 * four thread-pool round trips (open, fstat, read, close) plus the lstat. Reading 10,000 files
 * that way took 1.8 s of a 5,000-webhook migrate; the synchronous calls take a tenth of that.
 * Nothing else runs while an app is read, so blocking the event loop costs nothing.
 */
export async function readAppFile(root: string, realRoot: string, rel: string): Promise<ReadResult> {
  return readAppFileSync(root, realRoot, rel);
}

export function readAppFileSync(root: string, realRoot: string, rel: string): ReadResult {
  const abs = path.join(root, rel);
  let info;
  try {
    info = lstatSync(abs);
  } catch {
    return { ok: false, reason: "missing", detail: `${rel} does not exist` };
  }
  // The whole path, not only its last component: `functions/config.json` is outside the app when
  // `functions` is a link that leaves it (one realpath call; files a walk saw as plain files skip
  // this, see readPlainFile).
  const target = realTarget(abs);
  if (target === undefined) {
    return { ok: false, reason: "missing", detail: `${rel} is a symbolic link whose target does not exist` };
  }
  if (!isInside(realRoot, target)) {
    const via = firstLinkOnPath(root, toPosix(rel), false);
    return {
      ok: false,
      reason: "outside-app",
      detail: via
        ? `${rel} is reached through the symbolic link ${via.link} (to ${via.target ?? via.text}), outside the app`
        : `${rel} is a symbolic link to ${target}, outside the app`,
    };
  }
  if (info.isSymbolicLink()) {
    try {
      info = statSync(abs);
    } catch (e) {
      return { ok: false, reason: "unreadable", detail: `${rel} cannot be read: ${errorText(e)}` };
    }
  }
  if (info.isDirectory()) return { ok: false, reason: "directory", detail: `${rel} is a folder, not a file` };
  // A named pipe would block the read until something writes to it, forever in practice; a
  // device or socket is no file of an export either. Only regular files are read.
  if (!info.isFile())
    return { ok: false, reason: "not-a-file", detail: `${rel} is ${specialKind(info)}, not a regular file; hookshift reads only regular files` };
  return readRegular(abs, rel);
}

/**
 * Reads a regular file of at most MAX_READ_BYTES. Opened without blocking (a named pipe put there
 * since the walk would block an ordinary open), then checked on the open file itself.
 */
function readRegular(abs: string, rel: string): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const info = fstatSync(fd);
    if (info.isDirectory()) return { ok: false, reason: "directory", detail: `${rel} is a folder, not a file` };
    if (!info.isFile())
      return { ok: false, reason: "not-a-file", detail: `${rel} is ${specialKind(info)}, not a regular file; hookshift reads only regular files` };
    if (info.size > MAX_READ_BYTES) {
      return {
        ok: false,
        reason: "too-large",
        detail: `${rel} is ${mib(info.size)}, more than the ${mib(MAX_READ_BYTES)} hookshift reads (no App Services function or config is that large)`,
      };
    }
    return { ok: true, text: readFileSync(fd, "utf8") };
  } catch (e) {
    return { ok: false, reason: "unreadable", detail: `${rel} cannot be read: ${errorText(e)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

/**
 * Reads `rel` as UTF-8 when a walk of the app saw it as a regular file: no link checks first. If
 * that fails (the file changed since), readAppFileSync says why.
 */
export function readPlainFile(root: string, realRoot: string, rel: string): ReadResult {
  const r = readRegular(path.join(root, rel), rel);
  return r.ok || r.reason !== "unreadable" ? r : readAppFileSync(root, realRoot, rel);
}

/** Longest name (UTF-8 bytes) hookshift gives a file it writes: a file system takes 255, and suffixes need room. */
const MAX_NAME_BYTES = 200;

/**
 * Why `name` (a function or service name that becomes part of a path, "/" allowed between
 * folders) cannot name a file, or undefined when it can.
 */
export function fileNameProblem(name: string): string | undefined {
  if (name.includes("\0")) return "it contains a NUL character";
  for (const seg of name.split("/")) {
    if (seg === "" || seg === "." || seg === "..") return `it has an empty, "." or ".." path segment`;
    if (Buffer.byteLength(seg, "utf8") > MAX_NAME_BYTES) return `it is longer than ${MAX_NAME_BYTES} bytes, more than a file name can hold`;
  }
  return undefined;
}

/** What a non-regular, non-folder entry is, for messages ("a named pipe (FIFO)"). */
export function specialKind(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "a special file";
}

export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "code" in e && typeof (e as { code: unknown }).code === "string") {
    return `${(e as { code: string }).code}${"message" in e ? ` (${String((e as { message: unknown }).message)})` : ""}`;
  }
  return e instanceof Error ? e.message : String(e);
}

export async function isDirectory(abs: string): Promise<boolean> {
  try {
    return (await stat(abs)).isDirectory();
  } catch {
    return false;
  }
}

/** Code-point order: the same on every machine and locale, so outputs are reproducible. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Copies a file; a symbolic link is copied as a link (never its target's content). `isLink` is
 * what a walk already knows of `src`, which spares the lstat.
 */
export function copyEntrySync(src: string, dest: string, isLink = lstatSync(src).isSymbolicLink()): void {
  if (isLink) {
    symlinkSync(readlinkSync(src), dest);
    return;
  }
  copyFileSync(src, dest);
}
