// Progress is drawn on a terminal only: under a pseudo-terminal (util-linux `script`) migrate
// shows its phases with n/N; piped (test/e2e/cli.test.ts, "no progress bar in a pipe") it does not.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, REPO, tempDir } from "../helpers.js";

const SCRIPT = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
const BIN = path.join(REPO, "bin", "hookshift.js");
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe.skipIf(!SCRIPT)("progress on a terminal (skipped without util-linux script, which gives the run a pseudo-terminal)", () => {
  it("migrate draws its phases with n/N on stderr when it is a terminal, then its summary", async () => {
    const out = path.join(await tempDir(), "out");
    const command = [process.execPath, BIN, "migrate", path.join(FIXTURES, "demo"), "--out", out].map(quote).join(" ");
    const r = spawnSync(SCRIPT!, ["-qec", command, "/dev/null"], { encoding: "utf8", env: { ...process.env, COLUMNS: "120", TERM: "xterm" }, timeout: 60_000 });
    const text = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    expect(r.status, text).toBe(2);
    expect(text).toMatch(/Planning and rewriting \[[#-]+\] \d\/3 webhooks/);
    expect(text).toMatch(/Writing the reports \[#+\] 3\/3 files/);
    expect(text).toContain("3 webhooks; 3 endpoints added; 1 needs review; 0 failed");
  }, 60_000);
});
