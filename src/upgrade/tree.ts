// A virtual app tree: where every file of the upgraded app comes from. The upgrade planner
// builds one without touching the disk; `materialize` writes it, `changesBetween` turns it into
// the file changes a report and a patch show (renames included, so a reviewer sees moves as moves).

import { existsSync, lstatSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FileChange } from "../plan/types.js";
import { byCodePoint, copyEntrySync } from "../util/fs.js";

/**
 * `from`: the bytes of an original file (app-relative path), unchanged.
 * `text`: new content; `origin` names the original file it was derived from, if any.
 */
export type TreeEntry = { from: string } | { text: string; origin?: string };

export type Tree = Map<string, TreeEntry>;

/** The tree of an app as it is: every file stands for itself. */
export function identityTree(files: string[]): Tree {
  return new Map(files.map((f) => [f, { from: f }]));
}

/**
 * Writes `tree` under `dest`. Symbolic links are copied as links, last, and only where nothing
 * else went: no write follows a link (a relative one would lead out of `dest`; README
 * "Symbolic links").
 */
export async function materialize(tree: Tree, sourceRoot: string, dest: string): Promise<void> {
  const links: [string, string][] = [];
  for (const [rel, entry] of tree) {
    const abs = path.join(dest, ...rel.split("/"));
    if ("from" in entry) {
      const src = path.join(sourceRoot, ...entry.from.split("/"));
      if (lstatSync(src).isSymbolicLink()) {
        links.push([src, abs]);
        continue;
      }
      await mkdir(path.dirname(abs), { recursive: true });
      copyEntrySync(src, abs, false);
    } else {
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, entry.text, "utf8");
    }
  }
  for (const [src, abs] of links) {
    if (existsSync(abs)) continue;
    await mkdir(path.dirname(abs), { recursive: true });
    copyEntrySync(src, abs, true);
  }
}

/** Applies a conversion plan's changes (made against the materialized tree) to the tree. */
export function applyChanges(tree: Tree, changes: FileChange[]): Tree {
  const out = new Map(tree);
  for (const c of changes) {
    if (c.kind === "removed") out.delete(c.path);
    else if (c.kind === "renamed" && c.from) {
      const entry = out.get(c.from);
      out.delete(c.from);
      out.set(c.path, c.after !== undefined ? { text: c.after, origin: originOf(entry) } : (entry ?? { from: c.from }));
    } else {
      const before = out.get(c.path);
      out.set(c.path, { text: c.after ?? "", origin: originOf(before) });
    }
  }
  return out;
}

function originOf(entry: TreeEntry | undefined): string | undefined {
  if (!entry) return undefined;
  return "from" in entry ? entry.from : entry.origin;
}

/**
 * The changes that turn the original app (`files`, with the texts hookshift read) into `tree`.
 * A file that left its path and lives on elsewhere (as is, or edited) is a rename.
 */
export function changesBetween(files: string[], texts: Map<string, string>, tree: Tree, rulesOf: (path: string) => string[]): FileChange[] {
  const original = new Set(files);
  const changes: FileChange[] = [];
  const claimed = new Set<string>();
  for (const [p, entry] of [...tree].sort(([a], [b]) => byCodePoint(a, b))) {
    const origin = originOf(entry);
    if ("from" in entry) {
      if (entry.from === p) continue;
      if (!tree.has(entry.from) && !claimed.has(entry.from)) {
        claimed.add(entry.from);
        changes.push({ path: p, kind: "renamed", from: entry.from, rules: rulesOf(p) });
      } else {
        changes.push({ path: p, kind: "added", from: entry.from, after: texts.get(entry.from), rules: rulesOf(p) });
      }
      continue;
    }
    if (original.has(p)) {
      const before = texts.get(p);
      if (before !== entry.text) changes.push({ path: p, kind: "modified", before, after: entry.text, rules: rulesOf(p) });
      continue;
    }
    if (origin !== undefined && origin !== p && !tree.has(origin) && !claimed.has(origin)) {
      claimed.add(origin);
      changes.push({ path: p, kind: "renamed", from: origin, before: texts.get(origin), after: entry.text, rules: rulesOf(p) });
      continue;
    }
    changes.push({ path: p, kind: "added", after: entry.text, rules: rulesOf(p) });
  }
  for (const f of files) {
    if (!tree.has(f) && !claimed.has(f)) changes.push({ path: f, kind: "removed", before: texts.get(f), rules: rulesOf(f) });
  }
  return changes.sort((a, b) => byCodePoint(a.path, b.path));
}

/**
 * `second` was planned against the files of `first`; the result points straight at the original
 * files (or carries the text), so two upgrade steps read as one.
 */
export function composeTrees(first: Tree, second: Tree): Tree {
  const out: Tree = new Map();
  for (const [p, e] of second) {
    if ("from" in e) out.set(p, first.get(e.from) ?? { from: e.from });
    else out.set(p, { text: e.text, origin: e.origin !== undefined ? (originOf(first.get(e.origin)) ?? e.origin) : undefined });
  }
  return out;
}

/** Texts of a tree's files: written texts, or the original texts they copy. */
export function textsOf(tree: Tree, original: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, e] of tree) {
    const t = "from" in e ? original.get(e.from) : e.text;
    if (t !== undefined) out.set(p, t);
  }
  return out;
}
