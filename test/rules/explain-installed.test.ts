// `hookshift rules --explain` from an installed package: the package ships only bin/ and dist/
// (package.json "files"), so a rule's page and example must come from dist, not from fixtures/.
// The test lays out node_modules/hookshift the way npm installs it, with a copy of dist/ (of the
// global setup's build, or HOOKSHIFT_TEST_DIST's), and no fixtures folder anywhere above it.

import { spawnSync } from "node:child_process";
import { cp, mkdir, symlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, tempDir } from "../helpers.js";

const DIST = process.env.HOOKSHIFT_TEST_DIST ?? path.join(REPO, "dist");

describe("rules --explain from an installed package", () => {
  it("prints a rule's page and its before/after example without fixtures/", async () => {
    const pkg = path.join(await tempDir(), "node_modules", "hookshift");
    await mkdir(pkg, { recursive: true });
    await cp(path.join(REPO, "bin"), path.join(pkg, "bin"), { recursive: true });
    await cp(path.join(REPO, "package.json"), path.join(pkg, "package.json"));
    await cp(DIST, path.join(pkg, "dist"), { recursive: true });
    await symlink(path.join(REPO, "node_modules"), path.join(pkg, "node_modules"));
    expect(existsSync(path.join(pkg, "fixtures"))).toBe(false);
    const r = spawnSync(process.execPath, [path.join(pkg, "bin", "hookshift.js"), "rules", "--explain", "respond-result-off"], {
      cwd: path.dirname(pkg),
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("# respond-result-off (semantic-change)");
    expect(r.stdout).toContain("## Example");
    expect(r.stdout).toContain("response.setStatusCode(200);");
  }, 60_000);
});
