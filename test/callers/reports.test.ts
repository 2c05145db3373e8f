// What callers reads: one report (folder or file), a fleet report, and what it does with broken ones.
// One test migrates a fixture app and reads the report migrate wrote, so the fixture reports
// cannot drift from the real format unnoticed.

import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadReports } from "../../src/callers/load-reports.js";
import { findCallers } from "../../src/callers/run.js";
import { migrate } from "../../src/commands/migrate.js";
import { fleetSchema } from "../../src/report/fleet-schema.js";
import { fixture, tempDir } from "../helpers.js";
import { DEMO_REPORT, REPORTS } from "./clients.js";

const base = { dryRun: true, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };

describe("loadReports", () => {
  it("reads a report folder, or its report.json", async () => {
    for (const arg of [DEMO_REPORT, path.join(DEMO_REPORT, "report.json")]) {
      const r = await loadReports(arg);
      expect(r.kind).toBe("report");
      expect(r.apps.map((a) => [a.appId, a.webhooks.map((w) => w.id)])).toEqual([
        ["demo-abcde", ["orders/createOrder", "orders/orderStatus", "orders/paymentEvent"]],
      ]);
    }
  });

  it("reads a fleet report: each app's report, a note for an app without one, an error for an unreadable one", async () => {
    const dir = await tempDir();
    await cp(REPORTS, dir, { recursive: true });
    const fleet = JSON.parse(await readFile(path.join(dir, "fleet.json"), "utf8"));
    fleet.apps.push({ path: "gone", report: "gone" });
    await writeFile(path.join(dir, "fleet.json"), JSON.stringify(fleet));
    const r = await loadReports(dir);
    expect(r.kind).toBe("fleet");
    expect(r.apps.map((a) => a.appId)).toEqual(["demo-abcde", "headmeth-hijkl"]);
    expect(r.notices).toEqual([expect.stringContaining("broken has no report")]);
    expect(r.errors).toEqual([expect.objectContaining({ message: expect.stringContaining("gone: ") })]);
  });

  it("reads the field fleet migrate writes: apps[].links.report, relative to fleet.json", () => {
    // If fleet.json's shape changes, load-reports.ts must follow: this holds them together.
    const apps = (fleetSchema as unknown as { properties: { apps: { items: Record<string, unknown> } } }).properties.apps.items;
    expect(JSON.stringify(apps)).toContain('"links":{"type":"object","required":["original"],"properties":{"report":');
    expect((apps as { properties: { links: { description: string } } }).properties.links.description).toContain("Relative to the fleet report folder");
  });

  it("refuses what is not a report, with the reason", async () => {
    const dir = await tempDir();
    await expect(loadReports(path.join(dir, "nope"))).rejects.toThrow("does not exist");
    await expect(loadReports(dir)).rejects.toThrow("neither report.json nor fleet.json");
    await writeFile(path.join(dir, "report.json"), "{\n  not json");
    // Where (file:line:column) and what to pass instead.
    await expect(loadReports(dir)).rejects.toThrow(`${path.join(dir, "report.json")}:2:3 is not valid JSON`);
    await expect(loadReports(dir)).rejects.toMatchObject({ hint: expect.stringContaining("Pass the report folder migrate wrote") });
    await writeFile(path.join(dir, "report.json"), '{"apps": 3}');
    await expect(loadReports(dir)).rejects.toThrow('"apps" is not a list');
  });

  it("reads the report migrate writes; a LOCAL app's regional endpoint host comes from its config", async () => {
    const dir = await tempDir();
    const app = path.join(dir, "demo");
    await cp(fixture("demo"), app, { recursive: true });
    const cfgFile = path.join(app, "realm_config.json");
    const cfg = JSON.parse(await readFile(cfgFile, "utf8"));
    await writeFile(cfgFile, JSON.stringify({ ...cfg, deployment_model: "LOCAL", location: "IE" }, null, 4));
    const result = await migrate({ ...base, app });
    const reportDir = path.join(dir, "report");
    await mkdir(reportDir);
    await writeFile(path.join(reportDir, "report.json"), JSON.stringify(result.report));
    const clients = path.join(dir, "clients");
    await mkdir(clients);
    await writeFile(
      path.join(clients, "a.js"),
      'fetch("https://eu-west-1.aws.webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/orderStatus");\n' +
        'fetch("https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/orderStatus");\n',
    );
    const r = await findCallers({ report: reportDir, dirs: [clients] });
    expect(r.notices.join()).toContain("dry run");
    expect(r.matches.map((m) => m.newUrl)).toEqual([
      "https://eu-west-1.aws.data.mongodb-api.com/app/demo-abcde/endpoint/orders/orderStatus",
      "https://eu-west-1.aws.data.mongodb-api.com/app/demo-abcde/endpoint/orders/orderStatus",
    ]);
    // The committed fixture report (a GLOBAL demo) has the same webhooks and caller changes.
    const live = (await loadReports(reportDir)).apps[0]!;
    const committed = (await loadReports(DEMO_REPORT)).apps[0]!;
    expect(live.webhooks.map((w) => [w.id, w.route, w.callerChanges.map((c) => c.code)])).toEqual(
      committed.webhooks.map((w) => [w.id, w.route, w.callerChanges.map((c) => c.code)]),
    );
  });
});
