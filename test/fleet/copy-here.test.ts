// A fleet worker copies a small app into --out in its own thread (copy-app.ts, copySmallAppHere):
// the same copy as the worker thread's (links as links, empty folders, no .git), without a
// worker thread's start per app. It takes the app's resume hash from the bytes it copies
// (input-hash.ts): that hash must equal the one `--resume` takes of the input (hashApp), and the
// one earlier versions wrote into their markers (a walk in code-point order, below). Its CPU time
// is in bench/README.md ("Fleet migrate").

import { createHash } from "node:crypto";
import { chmod, lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appEntries } from "../../src/migrate/app-entries.js";
import { copyApp, copySmallAppHere } from "../../src/migrate/copy-app.js";
import { hashApp } from "../../src/migrate/input-hash.js";
import { copyFixture, tempDir, treeFingerprint } from "../helpers.js";

/** The resume hash as hookshift 0.1.0 took it: a walk of the app, each folder's names in code-point order. */
async function walkHash(root: string, options: unknown): Promise<string> {
  const h = createHash("sha256");
  h.update(JSON.stringify(options) + "\0");
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      if (rel === "" && [".git", ".hookshift-journal", ".hookshift-journal.json"].includes(name)) continue;
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const info = await lstat(abs);
      if (info.isSymbolicLink()) h.update(`L ${r}\0${await readlink(abs)}\0`);
      else if (info.isDirectory()) {
        h.update(`D ${r}\0`);
        await walk(abs, r);
      } else if (info.isFile()) {
        h.update(`F ${r}\0${info.size}\0`);
        h.update(await readFile(abs));
      } else h.update(`S ${r}\0`);
    }
  };
  await walk(root, "");
  return h.digest("hex");
}

/** The demo app, plus what a copy must keep: an empty folder, a link, a large file, modes, names whose order differs by walk and by path. */
async function awkwardApp(): Promise<string> {
  const app = await copyFixture("demo");
  await mkdir(path.join(app, "empty"));
  await symlink("realm_config.json", path.join(app, "link.json"));
  await mkdir(path.join(app, ".git"));
  await writeFile(path.join(app, ".git", "HEAD"), "ref: refs/heads/main\n");
  // "a/b" and "a-c": a walk takes a/ (and a/b) before a-c; sorting whole paths would not ("-" < "/").
  await mkdir(path.join(app, "a"));
  await writeFile(path.join(app, "a", "b"), "in a\n");
  await writeFile(path.join(app, "a-c"), "beside a\n");
  // Several reads of 64 KiB.
  await writeFile(path.join(app, "large.bin"), Buffer.alloc(200_000, 7));
  await writeFile(path.join(app, "run.sh"), "#!/bin/sh\n");
  await chmod(path.join(app, "run.sh"), 0o775); // group write: the usual umask would take it away
  return app;
}

const OPTIONS = { targetFormat: undefined, rules: ["a"], removeWebhooks: false, inPlace: false };

describe("copySmallAppHere", () => {
  it("copies a small app here, as the worker thread's copy does; a larger one in a worker thread", async () => {
    const app = await awkwardApp();
    const dir = await tempDir();
    const expected = path.join(dir, "expected");
    expect(copyApp({ from: app, to: expected })).toBeUndefined(); // no hash asked for
    const here = path.join(dir, "here");
    await expect(copySmallAppHere({ from: app, to: here })).resolves.toEqual({ where: "here", inputHash: undefined });
    expect(await treeFingerprint(here)).toEqual(await treeFingerprint(expected));
    expect(Object.keys(await treeFingerprint(here))).toContain("link.json");
    expect(Object.keys(await treeFingerprint(here))).toContain("empty");
    expect(Object.keys(await treeFingerprint(here))).not.toContain(".git");
    // Past the limit: the worker thread (compiled code, as for the one-app migrate).
    const there = path.join(dir, "there");
    await expect(copySmallAppHere({ from: app, to: there }, 3)).resolves.toEqual({ where: "worker", inputHash: undefined });
    expect(await treeFingerprint(there)).toEqual(await treeFingerprint(expected));
  });

  it("takes the input hash from the bytes it copies: the same copy, and the hash --resume takes of the input", async () => {
    const app = await awkwardApp();
    const dir = await tempDir();
    const expected = path.join(dir, "expected");
    copyApp({ from: app, to: expected });
    const want = await walkHash(app, OPTIONS);
    expect(hashApp(app, OPTIONS)).toBe(want);
    const here = path.join(dir, "here");
    await expect(copySmallAppHere({ from: app, to: here, hashWith: OPTIONS })).resolves.toEqual({ where: "here", inputHash: want });
    expect(await treeFingerprint(here)).toEqual(await treeFingerprint(expected));
    expect((await stat(path.join(here, "run.sh"))).mode & 0o777).toBe(0o775);
    const there = path.join(dir, "there");
    await expect(copySmallAppHere({ from: app, to: there, hashWith: OPTIONS }, 3)).resolves.toEqual({ where: "worker", inputHash: want });
    expect(await treeFingerprint(there)).toEqual(await treeFingerprint(expected));
    // Any change of content or options is another hash.
    expect(hashApp(app, { ...OPTIONS, rules: ["b"] })).not.toBe(want);
    await writeFile(path.join(app, "a", "b"), "in a!\n");
    expect(hashApp(app, OPTIONS)).not.toBe(want);
  });

  it("lists a folder before what it holds, each folder's names in code-point order", async () => {
    const app = await awkwardApp();
    const paths = appEntries(app).map((e) => e.path);
    expect(paths.indexOf("a/b")).toBe(paths.indexOf("a") + 1);
    expect(paths.indexOf("a-c")).toBeGreaterThan(paths.indexOf("a/b"));
    expect(paths.some((p) => p === ".git" || p.startsWith(".git/"))).toBe(false);
  });

  it("a copy that fails is a rejected promise, not a throw", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "file"), "x");
    // The destination's parent is a file: mkdir fails.
    const copying = copySmallAppHere({ from: await copyFixture("demo"), to: path.join(dir, "file", "out") });
    await expect(copying).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
