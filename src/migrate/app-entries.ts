// The entries of an app folder, as the --out copy takes them (copy-app.ts) and the fleet's resume
// hash reads them (input-hash.ts): one listing, so that the hash of a fleet app can be taken while
// it is copied and still equal the hash `--resume` takes of the input before deciding to skip it.

import { byCodePoint } from "../util/fs.js";
import { walkTree } from "../util/walk-tree.js";

export interface AppEntry {
  /** Relative to the app, with `/`. */
  path: string;
  /** "other": a named pipe, socket or device (never copied; the reader reports it, finding special-file). */
  kind: "dir" | "file" | "link" | "other";
}

/**
 * Every file, folder and link below `root` (links not followed), but anything named `.git` and names
 * that are not valid UTF-8 (they come back with U+FFFD in them and lead nowhere; the reader
 * reports them, finding invalid-file-name). In walk order: each folder's names in code-point
 * order, a folder's entries right after it (so a folder comes before what it holds).
 */
export function appEntries(root: string): AppEntry[] {
  const found = walkTree(root);
  const list: { key: string; entry: AppEntry }[] = [];
  for (const e of found) {
    if (e.badName) continue;
    const kind = e.dirent.isDirectory() ? "dir" : e.dirent.isSymbolicLink() ? "link" : e.dirent.isFile() ? "file" : "other";
    // "\0" sorts before every character of a name: "a/b" comes right after "a", before "a-c".
    list.push({ key: e.path.replaceAll("/", "\0"), entry: { path: e.path, kind } });
  }
  return list.sort((a, b) => byCodePoint(a.key, b.key)).map((x) => x.entry);
}
