// A fleet worker copies a small app into --out in its own thread (copy-app.ts, copySmallAppHere):
// the same copy as the worker thread's (links as links, empty folders, no .git), without a
// worker thread's start per app. Its CPU time is in bench/README.md ("Fleet").

import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyApp, copySmallAppHere } from "../../src/migrate/copy-app.js";
import { copyFixture, tempDir, treeFingerprint } from "../helpers.js";

describe("copySmallAppHere", () => {
  it("copies a small app here, as the worker thread's copy does; a larger one in a worker thread", async () => {
    const app = await copyFixture("demo");
    await mkdir(path.join(app, "empty"));
    await symlink("realm_config.json", path.join(app, "link.json"));
    await mkdir(path.join(app, ".git"));
    await writeFile(path.join(app, ".git", "HEAD"), "ref: refs/heads/main\n");
    const dir = await tempDir();
    const expected = path.join(dir, "expected");
    copyApp(app, expected);
    const here = path.join(dir, "here");
    await expect(copySmallAppHere(app, here)).resolves.toBe("here");
    expect(await treeFingerprint(here)).toEqual(await treeFingerprint(expected));
    expect(Object.keys(await treeFingerprint(here))).toContain("link.json");
    expect(Object.keys(await treeFingerprint(here))).not.toContain(".git");
    // Past the limit: the worker thread (compiled code, as for the one-app migrate).
    const there = path.join(dir, "there");
    await expect(copySmallAppHere(app, there, 3)).resolves.toBe("worker");
    expect(await treeFingerprint(there)).toEqual(await treeFingerprint(expected));
  });

  it("a copy that fails is a rejected promise, not a throw", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "file"), "x");
    // The destination's parent is a file: mkdir fails.
    const copying = copySmallAppHere(await copyFixture("demo"), path.join(dir, "file", "out"));
    await expect(copying).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
