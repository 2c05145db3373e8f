// A folder of the app that cannot be opened (EACCES) is a finding at its path, not an internal
// error: scan reports it and the other files, migrate writes nothing (the converted app would lack
// what the folder holds). root opens every folder whatever its mode, so as root the CLI runs as
// the user nobody through setpriv (util-linux); the built CLI, as a user runs it.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, REPO, tempDir } from "../helpers.js";

const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin/hookshift.js");
const isRoot = process.getuid?.() === 0;
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
// As root without setpriv there is no user who would get EACCES; Windows has no folder modes.
const canLock = process.platform !== "win32" && (!isRoot || SETPRIV !== undefined);

function run(args: string[], cwd: string, cache: string) {
  const node = [process.execPath, BIN, ...args];
  const argv = isRoot ? [SETPRIV!, "--reuid=65534", "--regid=65534", "--clear-groups", ...node] : node;
  return spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: cache } });
}

describe.skipIf(!canLock)("an app folder that cannot be opened", () => {
  it("is a finding at its path in scan, and migrate writes nothing", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await mkdir(path.join(app, "functions/locked"));
    await writeFile(path.join(app, "functions/locked/private.js"), "exports = () => 1;\n");
    // Everything readable by anyone but the locked folder; the temp folder writable for --out.
    await chmod(tmp, 0o777);
    const cache = path.join(tmp, "cache");
    await chmod(path.join(app, "functions/locked"), 0o000);
    try {
      const scan = run(["scan", "demo", "--json"], tmp, cache);
      expect(scan.stderr).toBe("");
      expect(scan.status).toBe(1);
      const report = JSON.parse(scan.stdout) as { apps: { findings: { code: string; file: string; severity: string }[]; webhooks: unknown[] }[] };
      expect(report.apps[0]!.webhooks).toHaveLength(3);
      expect(report.apps[0]!.findings.filter((f) => f.code === "unreadable-folder")).toEqual([
        expect.objectContaining({ file: "demo/functions/locked", severity: "error" }),
      ]);

      const migrate = run(["migrate", "demo", "--out", "out"], tmp, cache);
      expect(migrate.status).toBe(1);
      expect(migrate.stderr).toContain("unreadable-folder functions/locked");
      expect(migrate.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(existsSync(path.join(tmp, "out"))).toBe(false);
    } finally {
      await chmod(path.join(app, "functions/locked"), 0o755);
    }
  });
});
