// A `secret` key written twice in a webhook config: JSON.parse keeps the last value, but the config
// text (shown in the diffs, e.g. when --remove-webhooks removes it) holds both. Every value is
// redacted from report.md/html/json and from the --dry-run output.

import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMigrate } from "../../src/cli/migrate.js";
import type { Io } from "../../src/cli/io.js";
import { migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import { fixture, tempDir } from "../helpers.js";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };
const FIRST = "first-dup-secret-a1";
const SECOND = "second-dup-secret-b2";
const dupConfig = (name: string) =>
  `{\n  "name": "${name}",\n  "run_as_system": true,\n  "options": {\n    "httpMethod": "POST",\n    "validationMethod": "SECRET_AS_QUERY_PARAM",\n    "secret": "${FIRST}",\n    "secret": "${SECOND}"\n  },\n  "respond_result": true\n}\n`;

async function makeApp(): Promise<string> {
  const app = path.join(await tempDir(), "app");
  const hook = path.join(app, "http_endpoints/svc/incoming_webhooks/hook");
  await mkdir(hook, { recursive: true });
  await mkdir(path.join(app, "functions"));
  await writeFile(path.join(app, "realm_config.json"), '{"app_id":"x-abcde","config_version":20210101,"name":"x"}\n');
  await writeFile(path.join(app, "http_endpoints/svc/config.json"), '{"name":"svc","type":"http","config":{},"version":1}\n');
  await writeFile(path.join(hook, "config.json"), dupConfig("hook"));
  await writeFile(path.join(hook, "source.js"), "exports = function(payload, response) { return 1; };\n");
  return app;
}

const capture = (): Io & { text: () => string } => {
  let s = "";
  return { out: (x) => void (s += x), err: (x) => void (s += x), color: false, columns: 100, text: () => s };
};

describe("a duplicated secret key", () => {
  it("is a finding, and the last value is the Secret", async () => {
    const app = await makeApp();
    const r = await migrate({ ...base, app, dryRun: true });
    const wp = r.plan!.webhooks[0]!;
    expect(wp.findings.find((f) => f.code === "duplicate-secret-key")).toMatchObject({ line: 7, column: 5, needsReview: true });
    expect(r.plan!.secrets).toEqual({ svc_hook: SECOND });
  });

  it("neither value appears in report.md, report.html or report.json", async () => {
    const app = await makeApp();
    const r = await migrate({ ...base, app, out: path.join(path.dirname(app), "out"), removeWebhooks: true });
    expect(r.errors).toEqual([]);
    for (const f of ["report.md", "report.html", "report.json"]) {
      const text = await readFile(path.join(r.reportDir!, f), "utf8");
      expect(text, f).toContain("incoming_webhooks/hook/config.json");
      expect(text, f).not.toContain(FIRST);
      expect(text, f).not.toContain(SECOND);
    }
  });

  it("neither value appears in the --dry-run output", async () => {
    const app = await makeApp();
    const io = capture();
    await runMigrate({ ...base, app, dryRun: true, removeWebhooks: true, json: false }, io);
    expect(io.text()).toContain("«redacted»");
    expect(io.text()).not.toContain(FIRST);
    expect(io.text()).not.toContain(SECOND);
  });

  it("neither value appears when a pre-2021 app's webhook config moves in the upgrade", async () => {
    const app = path.join(await tempDir(), "legacy");
    await cp(fixture("layout-a-20200603"), app, { recursive: true });
    await writeFile(path.join(app, "services/legacyHttp/incoming_webhooks/submit/config.json"), dupConfig("submit"));
    const io = capture();
    await runMigrate({ ...base, app, dryRun: true, json: false }, io);
    expect(io.text()).toContain("submit/config.json");
    expect(io.text()).not.toContain(FIRST);
    expect(io.text()).not.toContain(SECOND);
  });
});
