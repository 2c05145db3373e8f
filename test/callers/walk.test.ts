// Which files callers reads: .gitignore rules (nested, negated, and those above the folder in its
// work tree), node_modules and .git, links.

import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { walkFiles, type WalkCounts } from "../../src/callers/walk.js";
import { tempDir } from "../helpers.js";

async function tree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
}

async function walk(root: string): Promise<{ files: string[]; counts: WalkCounts }> {
  const counts: WalkCounts = { ignored: 0, excluded: 0, links: 0, unreadable: [] };
  const files: string[] = [];
  for await (const f of walkFiles(root, counts)) files.push(f.rel);
  return { files, counts };
}

describe("walkFiles", () => {
  it("honours nested .gitignore files with git's precedence, and skips node_modules and .git", async () => {
    const root = await tempDir();
    await tree(root, {
      ".gitignore": "*.log\nbuild/\nsecret.txt\n",
      "a.js": "",
      "debug.log": "",
      "build/out.js": "",
      "src/.gitignore": "!keep.log\n/local.js\n",
      "src/keep.log": "",
      "src/drop.log": "",
      "src/local.js": "",
      "src/deep/local.js": "",
      "node_modules/x/index.js": "",
      ".git/config": "",
    });
    const { files, counts } = await walk(root);
    expect(files.sort()).toEqual([".gitignore", "a.js", "src/.gitignore", "src/deep/local.js", "src/keep.log"]);
    expect(counts).toMatchObject({ ignored: 4, excluded: 2 });
  });

  it("applies the .gitignore files above the folder, up to the work tree's root", async () => {
    const repo = await tempDir();
    execFileSync("git", ["init", "-q", repo]);
    await tree(repo, { ".gitignore": "generated/\n", "clients/web/generated/a.js": "", "clients/web/b.js": "" });
    expect((await walk(path.join(repo, "clients", "web"))).files).toEqual(["b.js"]);
  });

  it("does not follow symbolic links", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await tree(outside, { "far.js": "" });
    await tree(root, { "a.js": "" });
    await symlink(outside, path.join(root, "linked"));
    await symlink(path.join(root, "a.js"), path.join(root, "b.js"));
    const { files, counts } = await walk(root);
    expect(files).toEqual(["a.js"]);
    expect(counts.links).toBe(2);
  });
});
