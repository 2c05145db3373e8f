// The folder walk under the reader and the --out copy (src/util/walk-tree.ts): every entry with its
// kind, dot files in, `.git` out at every depth, links listed and not followed, and folders that
// cannot be opened passed over or named. Its load time is in bench/README.md ("Start-up").

import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type TreeEntry, walkTree } from "../../src/util/walk-tree.js";
import { tempDir } from "../helpers.js";

const kind = (e: TreeEntry) => (e.dirent.isDirectory() ? "dir" : e.dirent.isSymbolicLink() ? "link" : e.dirent.isFile() ? "file" : "other");
const kinds = (entries: TreeEntry[]) => Object.fromEntries(entries.map((e) => [e.path, kind(e)]));

function put(root: string, rel: string, text = "x\n"): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

describe("walkTree", () => {
  it("lists folders, files, dot files and links, relative and /-separated, each folder before what it holds", async () => {
    const root = await tempDir();
    put(root, "functions/helpers/format.js");
    put(root, ".env");
    put(root, ".config/.hidden/.rc");
    mkdirSync(path.join(root, "empty"));
    const entries = walkTree(root);
    expect(kinds(entries)).toEqual({
      ".config": "dir",
      ".config/.hidden": "dir",
      ".config/.hidden/.rc": "file",
      ".env": "file",
      empty: "dir",
      functions: "dir",
      "functions/helpers": "dir",
      "functions/helpers/format.js": "file",
    });
    const at = (p: string) => entries.findIndex((e) => e.path === p);
    for (const e of entries) {
      const parent = path.posix.dirname(e.path);
      if (parent !== ".") expect(at(parent)).toBeLessThan(at(e.path));
    }
  });

  it("leaves out .git at every depth, folder, file or link, and what it holds; .gitignore, .github and a.git stay", async () => {
    const root = await tempDir();
    put(root, ".git/HEAD");
    put(root, ".git/objects/ab/cdef");
    put(root, "functions/.git/config");
    put(root, "deep/er/.git/x/.git/y");
    put(root, "submodule/.git", "gitdir: ../.git/modules/submodule\n");
    put(root, "submodule/code.js");
    mkdirSync(path.join(root, "worktree"));
    symlinkSync("../.git", path.join(root, "worktree/.git"));
    put(root, ".gitignore");
    put(root, ".github/workflows/ci.yml");
    put(root, "a.git/f");
    const paths = walkTree(root).map((e) => e.path);
    expect(paths.filter((p) => p.split("/").includes(".git"))).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining([".gitignore", ".github/workflows/ci.yml", "a.git/f", "functions", "deep/er", "submodule/code.js", "worktree"]),
    );
  });

  it("lists links as links and does not follow them: to a folder, to a file, dangling, and loops", async () => {
    const root = await tempDir();
    put(root, "lib/a/one.js");
    symlinkSync("../..", path.join(root, "lib/a/up")); // to the root, two folders up: a loop if followed
    symlinkSync(".", path.join(root, "self"));
    symlinkSync("lib", path.join(root, "to-lib"));
    symlinkSync("lib/a/one.js", path.join(root, "to-file"));
    symlinkSync("nowhere", path.join(root, "dangling"));
    expect(kinds(walkTree(root))).toEqual({
      dangling: "link",
      lib: "dir",
      "lib/a": "dir",
      "lib/a/one.js": "file",
      "lib/a/up": "link",
      self: "link",
      "to-file": "link",
      "to-lib": "link",
    });
  });

  it("walks a folder reached through a link (the reader follows links inside the app itself)", async () => {
    const root = await tempDir();
    put(root, "real/sub/f.js");
    symlinkSync("real", path.join(root, "link"));
    expect(kinds(walkTree(path.join(root, "link")))).toEqual({ sub: "dir", "sub/f.js": "file" });
  });

  it("lists a named pipe as neither file, folder nor link, without opening it", async () => {
    const root = await tempDir();
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    expect(kinds(walkTree(root))).toEqual({ pipe: "other" });
  });

  it("lists names that are not valid UTF-8 with U+FFFD; such a folder cannot be opened and is not entered", async () => {
    const root = await tempDir();
    const raw = (name: string) => Buffer.concat([Buffer.from(`${root}/`), Buffer.from(name, "latin1"), Buffer.from([0xff])]);
    writeFileSync(raw("file"), "x\n");
    mkdirSync(raw("dir"));
    writeFileSync(Buffer.concat([raw("dir"), Buffer.from("/inside.js")]), "x\n");
    put(root, "ok/f.js");
    expect(kinds(walkTree(root))).toEqual({ "dir\uFFFD": "dir", "file\uFFFD": "file", ok: "dir", "ok/f.js": "file" });
  });

  it("a folder that is not there lists nothing", async () => {
    expect(walkTree(path.join(await tempDir(), "missing"))).toEqual([]);
  });

  // root opens every folder whatever its mode, so only another user sees EACCES.
  it.skipIf(process.getuid?.() === 0)("a folder that cannot be opened is an error naming it (the reader reports it, read-failed)", async () => {
    const root = await tempDir();
    put(root, "functions/locked/a.js");
    chmodSync(path.join(root, "functions/locked"), 0o000);
    try {
      expect(() => walkTree(root)).toThrow(`EACCES: permission denied, scandir '${path.join(root, "functions/locked")}'`);
    } finally {
      chmodSync(path.join(root, "functions/locked"), 0o755);
    }
  });
});
