// Who made a leftover: the marks hookshift leaves on its staging folders, in-place journals and
// temporary files, so a later run can tell its own dead leftovers (which it removes) from a live
// run's work and from anything it did not make (which it never touches).

import { readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The process that made a leftover. */
export interface OwnerMark {
  tool: "hookshift";
  pid: number;
  /** When that process started (ms since the epoch, rounded to the second). */
  started: number;
  host: string;
}

const STARTED = Math.round((Date.now() - process.uptime() * 1000) / 1000) * 1000;

export function ownMark(): OwnerMark {
  return { tool: "hookshift", pid: process.pid, started: STARTED, host: os.hostname() };
}

/** The mark in a JSON file, or undefined when the file is missing or not a hookshift mark. */
export function readMark(file: string): OwnerMark | undefined {
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as Partial<OwnerMark>;
    if (m.tool !== "hookshift" || typeof m.pid !== "number" || typeof m.started !== "number" || typeof m.host !== "string") return undefined;
    return m as OwnerMark;
  } catch {
    return undefined;
  }
}

/**
 * True when the process that left the mark may still be running: same host, and its pid is alive
 * and (where Linux's /proc tells a process's start time) started when the mark says. This
 * process's own mark counts as alive (a concurrent write in the same process). A mark from another
 * host is never taken as dead: its process cannot be looked up from here.
 */
export function markAlive(mark: OwnerMark): boolean {
  if (mark.host !== os.hostname()) return true;
  if (mark.pid === process.pid) return mark.started === STARTED;
  if (!pidAlive(mark.pid)) return false;
  const stat = procStat(mark.pid);
  // A process that has ended but that nobody has reaped yet (Linux state Z or X) still answers
  // `kill(pid, 0)`. A killed run's child whose new parent never reaps it (a container whose pid 1
  // is no init) stays so for ever, and its folders would never count as left behind.
  if (stat?.state === "Z" || stat?.state === "X") return false;
  return stat?.started === undefined || Math.abs(stat.started - mark.started) <= 3000;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is someone else's.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A process's state and start time from /proc (Linux), or undefined where that cannot be read. */
function procStat(pid: number): { state: string; started: number | undefined } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after "(comm)": state first, then field 22 (starttime, in clock ticks after boot) 20th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    const started = Number.isFinite(ticks) && Number.isFinite(btime) ? btime * 1000 + (ticks / 100) * 1000 : undefined; // USER_HZ is 100 on every Linux port
    return { state: fields[0] ?? "", started };
  } catch {
    return undefined;
  }
}

/** `<name>.hookshift-tmp-<pid>`: a temporary file of hookshift's atomic writes. */
const TMP = /\.hookshift-tmp-(\d+)$/;

/**
 * Removes the `*.hookshift-tmp-<pid>` files directly in `dir` whose process is gone (a killed
 * run's half-written report files). Files of a live process, of this process, and every other
 * file stay. Returns the names removed.
 */
export function removeStaleTmpFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TMP.exec(name)?.[1]);
    if (!pid || pid === process.pid || pidAlive(pid)) continue;
    try {
      unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // a folder of that name, or already gone: not ours to force
    }
  }
  return removed;
}

/** Removes a folder tree; a failure leaves it (the next run tries again). */
export function removeTree(dir: string): boolean {
  try {
    rmSync(dir, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}
