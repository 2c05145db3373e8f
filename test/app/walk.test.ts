// The reader's walk of an app (src/app/read/walk.ts) and what it lists: dot files are the app's,
// `.git` is not, at any depth and also under a linked folder it follows.

import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { copyFixture } from "../helpers.js";

async function put(root: string, rel: string, text = "x\n"): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

describe("the app walk", () => {
  it("lists dot files and leaves out .git folders, files and links at every depth, also under a followed link", async () => {
    const app = await copyFixture("demo");
    await put(app, ".git/HEAD", "ref: refs/heads/main\n");
    await put(app, ".git/objects/ab/cdef");
    await put(app, "functions/.git/config");
    await put(app, "lib/shared/.git/HEAD");
    await put(app, "lib/shared/.eslintrc");
    await put(app, "lib/module/.git", "gitdir: ../../.git/modules/module\n");
    await symlink("../.git", path.join(app, "lib/.git"));
    await symlink("../lib/shared", path.join(app, "functions/shared")); // inside the app: followed
    await put(app, ".gitignore");
    await put(app, ".github/workflows/ci.yml");
    const read = await readApp(app);
    expect(read.files.filter((f) => f.split("/").includes(".git"))).toEqual([]);
    expect(read.files).toEqual(
      expect.arrayContaining([".gitignore", ".github/workflows/ci.yml", "lib/shared/.eslintrc", "functions/shared/.eslintrc", "functions/getStatus.js"]),
    );
    expect(read.findings.filter((f) => f.code.startsWith("symlink") || f.severity === "error")).toEqual([]);
  });
});
