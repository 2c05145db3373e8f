// The one walk of an app's folder tree. walkTree does not follow links; this follows the links
// to folders inside the app, listing each linked folder's content once under the link's path,
// and none that would loop: a link to a folder the walk is already inside (the folder that holds
// the link or one above it, also through the links followed to get there) stays a link. Links
// that leave the app are never followed (reading them would read someone else's files into the
// app and its report); the caller reports both kinds.

import { statSync } from "node:fs";
import path from "node:path";
import { isInside, toPosix } from "../../util/fs.js";
import { realTarget } from "../../util/links.js";
import { walkTree } from "../../util/walk-tree.js";
import type { ListedEntry } from "./listing.js";

interface SkippedLink {
  /** App-relative path of the link ("/"-separated). */
  link: string;
  /** Where it resolves to (absolute), undefined when its target does not exist. */
  target?: string;
}

export interface AppWalk {
  /** Every entry; a followed link to a folder is listed as a folder, with its content below it. */
  entries: ListedEntry[];
  /** Links that leave the app, or lead nowhere: listed as files, never read. */
  outside: SkippedLink[];
  /** Links to a folder inside the app that would loop: listed as files, not followed. */
  loops: SkippedLink[];
  /** Entries whose name is not valid UTF-8 (as Node decodes it, with U+FFFD): no path reaches them, so they are left out. */
  badNames: string[];
  /** Folders that could not be opened (EACCES, …), app-relative ("." for the root), with the error's code: what they hold is not listed. */
  unreadable: { path: string; code: string }[];
}

/** Links followed through links, at most; real exports have none or one. */
const MAX_CHAIN = 8;
const FOLLOWED_DIR = { isDirectory: () => true, isSymbolicLink: () => true, isFile: () => false };

export function walkApp(root: string, realRoot: string): AppWalk {
  const walk: AppWalk = { entries: [], outside: [], loops: [], badNames: [], unreadable: [] };
  expand(root, realRoot, "", [], walk);
  return walk;
}

/** Lists `rel` (the app root when "") and follows the folder links in it; `chain` holds the real folders the links followed so far sit in and lead to. */
function expand(root: string, realRoot: string, rel: string, chain: string[], walk: AppWalk): void {
  const cwd = rel === "" ? root : path.join(root, rel);
  // path.join gives "." for the app root itself.
  const found = walkTree(cwd, (r, error) => walk.unreadable.push({ path: toPosix(path.join(rel, r)), code: error.code ?? "error" }));
  for (const e of found) {
    const entryRel = rel === "" ? e.path : path.join(rel, e.path);
    // A name that is not valid UTF-8 comes back with U+FFFD in it, and that path leads nowhere.
    if (e.badName) {
      walk.badNames.push(toPosix(entryRel));
      continue;
    }
    if (!e.dirent.isSymbolicLink()) {
      walk.entries.push(rel === "" ? e : { path: entryRel, dirent: e.dirent });
      continue;
    }
    const abs = path.join(root, entryRel);
    const target = realTarget(abs);
    const link = toPosix(entryRel);
    if (target === undefined || !isInside(realRoot, target)) {
      walk.outside.push({ link, target });
      walk.entries.push({ path: entryRel, dirent: e.dirent });
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(target).isDirectory();
    } catch {
      // gone since the realpath: listed as the link it is
    }
    if (!isDir) {
      walk.entries.push({ path: entryRel, dirent: e.dirent });
      continue;
    }
    const home = realTarget(path.dirname(abs)) ?? path.dirname(abs);
    // A target that holds the link's folder, or any folder the links followed so far started
    // from or led to, is one the walk is already inside: following it would never end.
    if ([...chain, home].some((c) => isInside(target, c)) || chain.length >= 2 * MAX_CHAIN) {
      walk.loops.push({ link, target });
      walk.entries.push({ path: entryRel, dirent: e.dirent });
      continue;
    }
    walk.entries.push({ path: entryRel, dirent: FOLLOWED_DIR });
    expand(root, realRoot, entryRel, [...chain, home, target], walk);
  }
}
