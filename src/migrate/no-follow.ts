// No write of `migrate` follows a symbolic link. The --out copy keeps the app's links as links, so
// a write to `functions/config.json` where `functions` is a link (`../shared-functions`, or an
// absolute one) would land in the folder the link leads to: the input app's, or another's. So:
//   - --out: each link on the path of a change is replaced, in the staging copy only, by a real
//     copy of what it leads to inside the app (or, when it leads outside the app or nowhere, by a
//     real folder holding only what hookshift writes), before any change is applied; the plan
//     carries a finding for each (`linkFindings`, computed from the input before writing);
//   - --in-place: the write is refused, naming the links (`refuseLinks`).

import { copyFileSync, lstatSync, mkdirSync, readlinkSync, statSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import { finding, type Finding } from "../app/findings.js";
import { isInside, toPosix } from "../util/fs.js";
import { realTarget, type LinkOnPath } from "../util/links.js";
import { walkTree } from "../util/walk-tree.js";
import type { FileChange } from "../plan/types.js";

/** A link on the path of one or more changes, with the app-relative paths written through it. */
interface LinkedWrite extends LinkOnPath {
  /** True when the link resolves inside the app. */
  inside: boolean;
  writes: string[];
}

/**
 * The paths a change writes, deletes or moves, each with whether its own last component counts:
 * removing a link removes the link, not what it leads to, so only its folders count there.
 */
function touched(c: FileChange): [string, boolean][] {
  if (c.kind === "removed") return [[c.path, false]];
  if (c.kind === "renamed" && c.from)
    return [
      [c.from, true],
      [c.path, true],
    ];
  return [[c.path, true]];
}

/** Every link on the path of a change under `root` (nested ones too: links inside linked folders), first the outermost. */
function linkedWrites(root: string, changes: FileChange[]): LinkedWrite[] {
  const realRoot = realTarget(root) ?? root;
  const found = new Map<string, { link: LinkOnPath; writes: Set<string> }>();
  const seen: Seen = new Map();
  for (const c of changes) {
    for (const [rel, last] of touched(c)) {
      for (const l of linksOnPath(root, rel, last, seen)) {
        const known = found.get(l.link) ?? found.set(l.link, { link: l, writes: new Set() }).get(l.link)!;
        known.writes.add(c.path);
      }
    }
  }
  return [...found.values()]
    .map(({ link: l, writes }) => ({ ...l, inside: l.target !== undefined && isInside(realRoot, l.target), writes: [...writes] }))
    .sort((a, b) => a.link.length - b.link.length || (a.link < b.link ? -1 : 1));
}

type Seen = Map<string, LinkOnPath | "missing" | "plain">;

/**
 * All the links among the components of `rel` (each component looked at through the ones before
 * it). `seen` keeps what each folder prefix was: thousands of changes share a few folders.
 */
function linksOnPath(root: string, rel: string, includeLast: boolean, seen: Seen): LinkOnPath[] {
  const parts = rel.split("/").filter((p) => p !== "" && p !== ".");
  const out: LinkOnPath[] = [];
  for (let i = 1; i <= (includeLast ? parts.length : parts.length - 1); i++) {
    const prefix = parts.slice(0, i).join("/");
    let what = seen.get(prefix);
    if (what === undefined) {
      what = lookAt(root, prefix);
      if (i < parts.length) seen.set(prefix, what);
    }
    if (what === "missing") break; // nothing below a missing component exists
    if (what === "plain") continue;
    out.push(what);
    if (what.target === undefined) break; // a dangling link: nothing below it exists
  }
  return out;
}

function lookAt(root: string, prefix: string): LinkOnPath | "missing" | "plain" {
  const abs = path.join(root, ...prefix.split("/"));
  try {
    if (!lstatSync(abs).isSymbolicLink()) return "plain";
  } catch {
    return "missing";
  }
  let text = "";
  try {
    text = readlinkSync(abs);
  } catch {
    // vanished since the lstat
  }
  return { link: prefix, text, target: realTarget(abs) };
}

const list = (paths: string[]) => (paths.length <= 3 ? paths.join(", ") : `${paths.slice(0, 3).join(", ")} and ${paths.length - 3} more`);

/** The findings of an --out (or --dry-run) migrate: one per link the write replaces by a real copy. */
export function linkFindings(root: string, changes: FileChange[]): Finding[] {
  return linkedWrites(root, changes).map((l) =>
    l.inside
      ? finding(
          "warning",
          "symlink-materialised",
          `${l.link} is a symbolic link (to ${l.text}); migrate changes ${list(l.writes)} there, so --out puts a real copy of it, with the changes, in the output instead of writing through the link. The input is not changed; --in-place refuses`,
          {
            file: l.link,
            hint: "Keep the real copy, or put the link back in the output and copy the changed files to where it leads.",
          },
        )
      : finding(
          "warning",
          "symlink-materialised",
          `${l.link} is a symbolic link to ${l.target ?? `${l.text} (missing)`}, outside the app; hookshift did not read it, and --out writes ${list(l.writes)} into a new real ${l.link === l.writes[0] ? "file" : "folder"} in the output that holds only what hookshift writes. The linked files are not changed and not in the output; --in-place refuses`,
          {
            file: l.link,
            needsReview: true,
            hint: `Copy the files into the app (replace ${l.link} with a real copy of what it points to), then migrate again.`,
          },
        ),
  );
}

/** A write that would go through a link: what --in-place refuses. */
export interface LinkRefusal {
  message: string;
  hint: string;
  file: string;
}

/** Undefined when no change of an --in-place write goes through a link. */
export function refuseLinks(root: string, changes: FileChange[]): LinkRefusal | undefined {
  const links = linkedWrites(root, changes);
  if (links.length === 0) return undefined;
  const lines = links.map((l) => `  ${l.link} → ${l.target ?? `${l.text} (missing)`}: ${list(l.writes)}`);
  return {
    message: `--in-place would write through ${links.length > 1 ? "symbolic links, into what they lead to" : "a symbolic link, into what it leads to"}; nothing was written:\n${lines.join("\n")}`,
    hint: "Replace each link with a real copy of what it points to (or migrate with --out, which does that in the output), then run again.",
    file: links[0]!.link,
  };
}

/**
 * Replaces, in the staging copy `staging` of the app at `inputRoot`, every link on the path of a
 * change by a real copy of what it leads to in the input (a real, empty folder or nothing when it
 * leads outside the app or nowhere). The input is only read.
 */
export function materialiseLinks(staging: string, inputRoot: string, changes: FileChange[]): void {
  const realInput = realTarget(inputRoot) ?? inputRoot;
  // Outermost first: a link inside a linked folder is in the staging copy only once that folder is.
  for (const l of linkedWrites(inputRoot, changes)) {
    const dest = path.join(staging, ...l.link.split("/"));
    try {
      if (!lstatSync(dest).isSymbolicLink()) continue;
    } catch {
      continue;
    }
    unlinkSync(dest);
    const target = l.target;
    const inside = target !== undefined && isInside(realInput, target);
    if (inside && statSync(target).isDirectory()) copyFolder(target, dest, staging, realInput);
    else if (inside) copyFileSync(target, dest);
    else if (!l.writes.includes(l.link)) mkdirSync(dest);
  }
}

/**
 * Copies the folder `from` (real, inside the input app) to `to` in the staging copy. Links inside
 * it stay links, re-aimed so they still lead where they led from `from`: a relative link inside
 * the app gets the relative text from its new place; any other keeps its text.
 */
function copyFolder(from: string, to: string, staging: string, realInput: string): void {
  mkdirSync(to, { recursive: true });
  const entries = walkTree(from);
  for (const d of entries.filter((e) => e.dirent.isDirectory()).sort((a, b) => a.path.length - b.path.length)) {
    mkdirSync(path.join(to, d.path), { recursive: true });
  }
  for (const e of entries) {
    if (e.dirent.isDirectory()) continue;
    // A name that is not valid UTF-8 leads nowhere: left out, as the copy of the rest of the app
    // leaves it out (app-entries.ts); the reader reports it (invalid-file-name).
    if (e.badName) continue;
    const src = path.join(from, e.path);
    const dest = path.join(to, e.path);
    if (!e.dirent.isSymbolicLink()) {
      // Only regular files: opening a named pipe blocks forever, and the reader already reports
      // special files (copy-app.ts leaves them out of the copy the same way).
      if (e.dirent.isFile()) copyFileSync(src, dest);
      continue;
    }
    const text = readlinkSync(src);
    const target = path.isAbsolute(text) ? undefined : realTarget(src);
    const inApp = target !== undefined ? toPosix(path.relative(realInput, target)) : undefined;
    symlinkSync(inApp !== undefined && isInside(realInput, target!) ? path.relative(path.dirname(dest), path.join(staging, inApp)) : text, dest);
  }
}
