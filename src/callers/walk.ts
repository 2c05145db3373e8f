// The files `callers` reads under a folder: every regular file, except what git would not track
// and what is never client code. Skipped: node_modules, .git (and .hg, .svn), whatever a .gitignore
// ignores (every .gitignore on the way, nested ones included, and those of the folders above up to
// the work tree's root, with git's precedence: the deeper file decides), symbolic links (never
// followed: a link's target is read where it really is, if it is under a folder searched), and
// special files. Binary files are sniffed later, by the reader (read-file.ts).

import ignore, { type Ignore } from "ignore";
import { lstat, readFile, readdir } from "node:fs/promises";
import path from "node:path";

const NEVER = new Set(["node_modules", ".git", ".hg", ".svn"]);

export interface WalkedFile {
  /** Absolute path. */
  abs: string;
  /** Path under the folder searched, with `/`. */
  rel: string;
}

export interface WalkCounts {
  /** Entries a .gitignore ignores (a folder counts once). */
  ignored: number;
  /** node_modules, .git … folders, and the report folders callers reads. */
  excluded: number;
  /** Symbolic links and special files. */
  links: number;
  /** Folders that could not be listed: path and reason. */
  unreadable: { rel: string; reason: string }[];
}

interface Rules {
  ig: Ignore;
  /** Root-relative folder the .gitignore is in ("" for the root, "a/b/" below it). */
  strip: string;
  /** For a .gitignore above the root: the root's path from its folder ("src/"). */
  prefix: string;
}

async function readRules(file: string): Promise<Ignore | undefined> {
  try {
    return ignore().add(await readFile(file, "utf8"));
  } catch {
    return undefined; // no .gitignore there (or unreadable: git would not use it either)
  }
}

/** .gitignore files of the folders above `root` up to its git work tree's root (none outside a work tree). */
async function rulesAbove(root: string): Promise<Rules[]> {
  const above: string[] = [];
  // `.git` is a folder in a work tree's root, a file in a linked worktree or submodule.
  for (let d = root; !(await exists(path.join(d, ".git"))); d = path.dirname(d)) {
    if (path.dirname(d) === d) return []; // not in a git work tree: only the .gitignore files below root count
    above.push(path.dirname(d));
  }
  const out: Rules[] = [];
  for (const d of above.reverse()) {
    const ig = await readRules(path.join(d, ".gitignore"));
    if (ig) out.push({ ig, strip: "", prefix: path.relative(d, root).split(path.sep).join("/") + "/" });
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

function isIgnored(rules: Rules[], rel: string, isDir: boolean): boolean {
  // The deepest .gitignore that says anything about the path decides (git's precedence).
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    const p = r.prefix + rel.slice(r.strip.length) + (isDir ? "/" : "");
    const t = r.ig.test(p);
    if (t.ignored) return true;
    if (t.unignored) return false;
  }
  return false;
}

/**
 * Every file to read under `root` (absolute), depth first, in name order. A folder for which
 * `skipFolder` (absolute path) is true is not entered and counts as excluded.
 */
export async function* walkFiles(root: string, counts: WalkCounts, skipFolder: (abs: string) => boolean = () => false): AsyncGenerator<WalkedFile> {
  const base = await rulesAbove(root);
  const stack: { dir: string; rel: string; rules: Rules[] }[] = [{ dir: root, rel: "", rules: base }];
  while (stack.length > 0) {
    const { dir, rel, rules: parentRules } = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      counts.unreadable.push({ rel: rel || ".", reason: (e as NodeJS.ErrnoException).code ?? String(e) });
      continue;
    }
    let rules = parentRules;
    if (entries.some((e) => e.name === ".gitignore" && e.isFile())) {
      const ig = await readRules(path.join(dir, ".gitignore"));
      if (ig) rules = [...parentRules, { ig, strip: rel ? rel + "/" : "", prefix: "" }];
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: { dir: string; rel: string; rules: Rules[] }[] = [];
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (NEVER.has(e.name) || skipFolder(path.join(dir, e.name))) counts.excluded++;
        else if (isIgnored(rules, childRel, true)) counts.ignored++;
        else subdirs.push({ dir: path.join(dir, e.name), rel: childRel, rules });
      } else if (e.isFile()) {
        if (isIgnored(rules, childRel, false)) counts.ignored++;
        else yield { abs: path.join(dir, e.name), rel: childRel };
      } else counts.links++;
    }
    // Pushed in reverse so that they come off the stack in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}
