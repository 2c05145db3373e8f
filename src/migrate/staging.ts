// The staging folder of an --out write, `<out>.hookshift-staging-<pid>`, and what a killed run
// leaves of it.
//
// The folder holds `.hookshift-staging.json` (the mark: pid, start time, host), `app/` (the copy
// being converted) and, while --force replaces an existing output, `old/` (that output). The
// converted app leaves by one rename (`app/` → `<out>`), so the output folder is absent or
// complete, and never holds the mark. The next run for the same `--out` removes the staging
// folders whose process is gone, and only folders that carry hookshift's mark: a folder with
// the same name and no mark is someone else's and stays.

import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { markAlive, ownMark, readMark, removeTree, type OwnerMark } from "../util/owner.js";

export const STAGING_MARK = ".hookshift-staging.json";

export interface Staging {
  /** The staging folder (removed whole when done). */
  dir: string;
  /** Where the converted app is built. */
  app: string;
  /** Where an output being replaced (--force) waits until the new one is in place. */
  old: string;
}

/** Makes a new, marked staging folder beside `out` (a name no other folder has). */
export function makeStaging(out: string): Staging {
  for (let i = 0; ; i++) {
    const dir = `${out}.hookshift-staging-${process.pid}${i === 0 ? "" : `-${i}`}`;
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw e;
    }
    writeFileSync(path.join(dir, STAGING_MARK), JSON.stringify(ownMark()) + "\n");
    return { dir, app: path.join(dir, "app"), old: path.join(dir, "old") };
  }
}

export interface StaleStaging {
  dir: string;
  owner: OwnerMark;
  /** True when an output a killed --force run had moved aside was put back. */
  restored: boolean;
}

/**
 * Removes the staging folders of `out` that killed runs left: marked as hookshift's, by a
 * process that is gone. Where such a run had moved the old output aside (--force) and not put
 * the new one in its place, the old output is put back first: the output folder is then what it
 * was before that run. Returns what it removed.
 */
export function removeStaleStaging(out: string, alive: (m: OwnerMark) => boolean = markAlive): StaleStaging[] {
  const parent = path.dirname(out);
  const prefix = `${path.basename(out)}.hookshift-staging-`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: StaleStaging[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(parent, name);
    const owner = readMark(path.join(dir, STAGING_MARK));
    if (!owner || alive(owner)) continue;
    let restored = false;
    const old = path.join(dir, "old");
    if (!present(out) && present(old)) {
      try {
        renameSync(old, out);
        restored = true;
      } catch {
        continue; // leave it all: the old output must not be lost
      }
    }
    if (removeTree(dir)) removed.push({ dir, owner, restored });
  }
  return removed;
}

function present(p: string): boolean {
  try {
    readdirSync(p);
    return true;
  } catch {
    return false;
  }
}
