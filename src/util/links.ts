// Symbolic links on a path: which component of an app-relative path is a link, and where it
// leads. The readers use it to name the link a read would have gone through; the writer uses it
// so that no write follows a link (migrate/no-follow.ts).

import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";

export interface LinkOnPath {
  /** App-relative path of the link ("/"-separated). */
  link: string;
  /** The link's text, as `readlink` gives it. */
  text: string;
  /** Where it resolves to (absolute, every link resolved), or undefined when its target is missing. */
  target?: string;
}

/**
 * The first component of `rel` under `root` that is a symbolic link (the last component
 * included unless `includeLast` is false), or undefined. Stops at the first component that does
 * not exist: nothing below it can be a link.
 */
export function firstLinkOnPath(root: string, rel: string, includeLast = true): LinkOnPath | undefined {
  const parts = rel.split("/").filter((p) => p !== "" && p !== ".");
  const upTo = includeLast ? parts.length : parts.length - 1;
  for (let i = 1; i <= upTo; i++) {
    const linkRel = parts.slice(0, i).join("/");
    const abs = path.join(root, ...parts.slice(0, i));
    let isLink: boolean;
    try {
      isLink = lstatSync(abs).isSymbolicLink();
    } catch {
      return undefined;
    }
    if (!isLink) continue;
    let text = "";
    try {
      text = readlinkSync(abs);
    } catch {
      // a link that vanished since the lstat: its text stays unknown
    }
    return { link: linkRel, text, target: realTarget(abs) };
  }
  return undefined;
}

/** `abs` with every link resolved (one system call), or undefined when it leads nowhere. */
export function realTarget(abs: string): string | undefined {
  try {
    return realpathSync.native(abs);
  } catch {
    return undefined;
  }
}
