// A fleet run's progress on a terminal (util-linux `script` gives it a pseudo-terminal): the bar
// with apps done / total, webhooks, the apps in flight and the time so far, and a line per app.
// Piped, only the lines per app are printed (test/fleet/migrate.test.ts reads them).

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BIN, fleetWorkspace } from "./fleet-helpers.js";

const SCRIPT = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe.skipIf(!SCRIPT)("fleet progress on a terminal (skipped without util-linux script)", () => {
  it("draws apps n/N with webhooks, the apps in flight and the time, and a line per app", async () => {
    const dir = await fleetWorkspace({ demo: "apps/demo", "head-method": "apps/head" });
    const command = ["cd", quote(dir), "&&", ...[process.execPath, BIN, "migrate", "apps", "--out", "out", "--jobs", "1"].map(quote)].join(" ");
    const r = spawnSync(SCRIPT!, ["-qec", command, "/dev/null"], {
      encoding: "utf8",
      env: { ...process.env, COLUMNS: "160", TERM: "xterm" },
      timeout: 120_000,
    });
    const text = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    expect(r.status, text).toBe(2);
    expect(text).toMatch(/Migrating apps \[[#-]+\] 0\/2 apps; 0 webhooks; \d+s; now: demo/);
    // The bar draws at most every 100 ms: the second app, in a warm worker, may start and finish
    // between two frames, so a later frame shows one or both apps done, with their webhooks.
    expect(text).toMatch(/Migrating apps \[[#-]+\] (1\/2 apps; 3|2\/2 apps; 4) webhooks; \d+s/);
    expect(text).toMatch(/\[1\/2\] demo: 3 webhooks; 3 endpoints added; 1 needs review; 0 failed \(exit 2\)/);
    expect(text).toContain("2 apps, 2 migrated, 0 not written; 4 webhooks");
  }, 120_000);
});
