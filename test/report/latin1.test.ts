// What hookshift writes into a report stays within Latin-1 when the app's own text does (see the
// header of src/report/build.ts: one wider character makes the whole report.json two bytes per
// character in V8, which cost three quarters of a second at 5,000 webhooks).

import { describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import { repoRoot } from "../../src/rewrite/fixtures.js";
import path from "node:path";

const WIDE = /[^\u0000-\u00ff]/;

describe("report text", () => {
  for (const app of ["demo", "shim-services"]) {
    it(`of ${app} (whose own files are ASCII) has no character beyond Latin-1`, async () => {
      const r = await migrate({
        app: path.join(repoRoot(), "fixtures/apps", app),
        dryRun: true,
        inPlace: false,
        allowDirty: false,
        removeWebhooks: false,
        force: false,
      });
      const json = JSON.stringify(r.report);
      expect(json.length).toBeGreaterThan(1000);
      expect(json.match(WIDE)?.[0]).toBeUndefined();
    });
  }
});
