// The walk of a folder tree under the app reader's walk (app/read/walk.ts), the --out copy's list
// of entries (migrate/app-entries.ts) and the copy of a linked folder (migrate/no-follow.ts). The
// three ran fast-glob ("**/*", dot files, links not followed, `.git` ignored) only as a walker, and
// loading it was part of every `hookshift scan`'s start-up: a cold `require` of it took 37-42 ms,
// one of @nodelib/fs.walk (the walker fast-glob runs underneath, the library this would otherwise
// be) still 18-21 ms, Node's `readdirSync` nothing (2026-12-07, bench/README.md "Start-up"). So
// it is this small walk over `readdirSync`: it lists what fast-glob listed, in the order fast-glob
// listed it (compared entry for entry on the fixtures and on a tree of every awkward case), and
// matches no glob, since none of the three needed one.

import { type Dirent, existsSync, readdirSync } from "node:fs";
import path from "node:path";

export interface TreeEntry {
  /** Relative to the walked folder, "/"-separated. */
  path: string;
  /** As `readdirSync` gives it: a link is a link, whatever it leads to. */
  dirent: Dirent;
  /**
   * Set when the name is not valid UTF-8: Node decodes it with U+FFFD, and no path reaches it.
   * Decided here, once, for every walker of the tree (the reader reports it, the copies leave it out).
   */
  badName?: true;
}

/**
 * Every entry below `root`: folders, files, links and special files, dot files included, links
 * not followed (a link to a folder is listed, what it holds is not). An entry named `.git` (a
 * folder, or the file or link a submodule or worktree has there) is left out at every depth, and
 * so is what it holds: fast-glob's `**\/.git/**` matched the name itself too.
 *
 * Breadth first, each folder's names in the order the file system gives them, as @nodelib/fs.walk's
 * walkSync did. A name that is not valid UTF-8 comes back with U+FFFD in it (Node decodes names as
 * UTF-8), so a folder with such a name is listed but cannot be opened: like a folder removed during
 * the walk (ENOENT), it is passed over, and a `root` that is not there lists nothing. Any other
 * error opening a folder (EACCES) goes to `onUnreadable` with the folder's relative path ("" for
 * `root`), and the walk goes on without what it holds; without `onUnreadable` it is thrown, naming
 * the folder's absolute path, as fast-glob threw it.
 */
export function walkTree(root: string, onUnreadable?: (rel: string, error: NodeJS.ErrnoException) => void): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const queue: { abs: string; rel: string }[] = [{ abs: path.resolve(root), rel: "" }];
  for (let i = 0; i < queue.length; i++) {
    const { abs, rel } = queue[i]!;
    let names: Dirent[];
    try {
      names = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      if (!onUnreadable) throw err;
      onUnreadable(rel, err as NodeJS.ErrnoException);
      continue;
    }
    for (const dirent of names) {
      if (dirent.name === ".git") continue;
      const entryRel = rel === "" ? dirent.name : `${rel}/${dirent.name}`;
      const entryAbs = abs.endsWith("/") ? abs + dirent.name : `${abs}/${dirent.name}`;
      entries.push(dirent.name.includes("\uFFFD") && !existsSync(entryAbs) ? { path: entryRel, dirent, badName: true } : { path: entryRel, dirent });
      if (dirent.isDirectory()) queue.push({ abs: entryAbs, rel: entryRel });
    }
  }
  return entries;
}
