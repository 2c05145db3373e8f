// What the --out copy and the resume hash take of an app (src/migrate/app-entries.ts): every entry
// with its kind, dot files in, `.git` out at every depth, names that are not valid UTF-8 out.

import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appEntries } from "../../src/migrate/app-entries.js";
import { tempDir } from "../helpers.js";

function put(root: string, rel: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), "x\n");
}

describe("appEntries", () => {
  it("lists dot files, links and special files by kind; leaves out .git at every depth and names that are not UTF-8", async () => {
    const app = await tempDir();
    put(app, ".git/HEAD");
    put(app, "functions/.git/config");
    put(app, "sub/.git");
    put(app, ".env");
    put(app, "functions/.hidden/.rc");
    symlinkSync("functions", path.join(app, "link"));
    symlinkSync("../.git", path.join(app, "sub/.git-link"));
    execFileSync("mkfifo", [path.join(app, "pipe")]);
    writeFileSync(Buffer.concat([Buffer.from(`${app}/bad`), Buffer.from([0xff])]), "x\n");
    expect(appEntries(app)).toEqual([
      { path: ".env", kind: "file" },
      { path: "functions", kind: "dir" },
      { path: "functions/.hidden", kind: "dir" },
      { path: "functions/.hidden/.rc", kind: "file" },
      { path: "link", kind: "link" },
      { path: "pipe", kind: "other" },
      { path: "sub", kind: "dir" },
      { path: "sub/.git-link", kind: "link" },
    ]);
  });
});
