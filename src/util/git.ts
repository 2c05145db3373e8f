// Git work tree state, for writes that change a user's files in place (`migrate --in-place`,
// `callers --write`): they refuse uncommitted changes, so the write is one reviewable change.

import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** `git status --porcelain` of the folder, or "" when clean or not in a work tree. */
export async function gitDirty(dir: string): Promise<string> {
  try {
    const inside = await run("git", ["-C", dir, "rev-parse", "--is-inside-work-tree"]);
    if (inside.stdout.trim() !== "true") return "";
    const status = await run("git", ["-C", dir, "status", "--porcelain", "--", "."]);
    return status.stdout.trimEnd();
  } catch {
    return "";
  }
}
