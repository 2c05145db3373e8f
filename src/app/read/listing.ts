// The app's folder tree as one walk saw it (walk.ts's entries with their types). The reader
// asks it for the folders and files of each service and webhook folder, and whether a path is a
// plain file, instead of a readdir or lstat per question: on a 5,000-webhook app that was 15,000
// system calls on the main thread.

import path from "node:path";
import { toPosix } from "../../util/fs.js";

export interface ListedEntry {
  /** Path relative to the app root, with the platform's separators (as walk.ts gives it). */
  path: string;
  dirent: { isDirectory(): boolean; isSymbolicLink(): boolean; isFile(): boolean };
}

export class Listing {
  readonly #dirs = new Map<string, string[]>();
  readonly #files = new Map<string, string[]>();
  readonly #plain = new Set<string>();

  constructor(entries: ListedEntry[]) {
    for (const e of entries) {
      const rel = toPosix(e.path);
      const slash = rel.lastIndexOf("/");
      const parent = slash < 0 ? "" : rel.slice(0, slash);
      const name = rel.slice(slash + 1);
      const into = e.dirent.isDirectory() ? this.#dirs : this.#files;
      const list = into.get(parent);
      if (list) list.push(name);
      else into.set(parent, [name]);
      if (e.dirent.isFile()) this.#plain.add(rel);
    }
    for (const list of [...this.#dirs.values(), ...this.#files.values()]) list.sort();
  }

  /** Names of the folders directly in `rel` (app-relative, "/"-separated; "" is the root). */
  subdirs(rel: string): string[] {
    return this.#dirs.get(trim(rel)) ?? [];
  }

  /** Names of the entries directly in `rel` that are not folders (files and links). */
  files(rel: string): string[] {
    return this.#files.get(trim(rel)) ?? [];
  }

  /** True when `rel` was a regular file (not a link, not a folder) when the app was walked. */
  isPlainFile(rel: string): boolean {
    return this.#plain.has(trim(rel));
  }
}

function trim(rel: string): string {
  const p = toPosix(path.normalize(rel));
  return p === "." ? "" : p.replace(/\/+$/, "");
}
