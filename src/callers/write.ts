// `callers --write`: puts the rewritten files in place, staged. Every new content is first written
// to a temporary file beside its original (same folder, so the rename is atomic; same mode) and
// flushed; only when all are staged does each take its original's place by one rename. A failure
// while staging removes the temporary files and writes nothing; a kill leaves each file old or new,
// never half of one. No write goes through a symbolic link: a file whose path (below the folder
// searched) has a link on it, or that is a link now, is refused, as `migrate --in-place` refuses
// (src/migrate/no-follow.ts).

import { lstat, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { firstLinkOnPath } from "../util/links.js";
import { errorText } from "../util/fs.js";
import type { CallerError } from "./types.js";

export interface PlannedWrite {
  /** The folder searched (absolute) and the file's path under it (`/`). */
  root: string;
  rel: string;
  /** The path as shown to the user. */
  shown: string;
  before: Buffer;
  after: Buffer;
}

export interface WriteOutcome {
  written: string[];
  errors: CallerError[];
}

export async function writeRewrites(writes: PlannedWrite[]): Promise<WriteOutcome> {
  const errors: CallerError[] = [];
  const ready: { w: PlannedWrite; abs: string; mode: number }[] = [];
  for (const w of writes) {
    const abs = path.join(w.root, ...w.rel.split("/"));
    const link = firstLinkOnPath(w.root, w.rel);
    if (link) {
      errors.push({
        file: w.shown,
        message: `${w.shown}: not written: ${link.link === w.rel ? "it is" : `${link.link} is`} a symbolic link (to ${link.text}); callers --write never writes through a link`,
        hint: "Run callers on the folder the link leads to, or change the file by hand.",
      });
      continue;
    }
    try {
      const info = await lstat(abs);
      if (!info.isFile()) throw new Error("it is no longer a regular file");
      // The file must still be what was searched: another program may have changed it since.
      if (!(await readFile(abs)).equals(w.before)) {
        errors.push({ file: w.shown, message: `${w.shown}: not written: it changed while callers ran`, hint: "Run the command again." });
        continue;
      }
      ready.push({ w, abs, mode: info.mode & 0o7777 });
    } catch (e) {
      errors.push({ file: w.shown, message: `${w.shown}: not written: ${errorText(e)}` });
    }
  }

  const staged: { w: PlannedWrite; abs: string; tmp: string }[] = [];
  try {
    for (const r of ready) {
      const tmp = path.join(path.dirname(r.abs), `.${path.basename(r.abs)}.hookshift-tmp-${process.pid}`);
      const fh = await open(tmp, "wx", r.mode);
      staged.push({ w: r.w, abs: r.abs, tmp });
      try {
        await fh.writeFile(r.w.after);
        await fh.chmod(r.mode); // the umask may have narrowed the mode open() was given
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  } catch (e) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    const at = staged.at(-1)?.w.shown;
    errors.push({
      ...(at ? { file: at } : {}),
      message: `nothing written: staging ${at ?? "a file"} failed: ${errorText(e)}`,
      hint: "Free disk space or fix the permissions, then run again.",
    });
    return { written: [], errors };
  }

  const written: string[] = [];
  for (const s of staged) {
    try {
      await rename(s.tmp, s.abs);
      written.push(s.w.shown);
    } catch (e) {
      await rm(s.tmp, { force: true });
      errors.push({ file: s.w.shown, message: `${s.w.shown}: not written: ${errorText(e)}` });
    }
  }
  return { written, errors };
}
