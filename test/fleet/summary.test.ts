// The pure parts of a fleet run: where each app goes (find.ts), the totals and exit code over the
// rows (fleet-model.ts), and url-map.csv's quoting (RFC 4180).

import { cp, mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commonParent, findFleet, fleetOf } from "../../src/fleet/find.js";
import { renderFleetHtml } from "../../src/report/fleet-html.js";
import { renderFleetMarkdown } from "../../src/report/fleet-markdown.js";
import { FLEET_FORMAT_VERSION, summarise, worstExit, type FleetApp, type FleetReport } from "../../src/report/fleet-model.js";
import { csvField, renderUrlMapCsv } from "../../src/report/url-map-csv.js";
import { FIXTURES, tempDir } from "../helpers.js";

function row(p: Partial<FleetApp>): FleetApp {
  return {
    path: "a",
    root: "a",
    format: "20210101",
    status: "migrated",
    exit: 0,
    webhooks: 0,
    converted: 0,
    needsReview: 0,
    appNeedsReview: 0,
    alreadyConverted: 0,
    failed: 0,
    filesChanged: 0,
    line: "",
    links: { original: "../a" },
    errors: [],
    review: [],
    secrets: [],
    urls: [],
    notices: [],
    ...p,
  };
}

describe("fleet: where the apps go", () => {
  it("takes each app's path relative to the common parent of the inputs (an app input counts as its parent)", async () => {
    const dir = await tempDir();
    for (const [name, at] of [
      ["demo", "x/team1/demo"],
      ["head-method", "x/team2/deep/head"],
      ["head-method", "y/other"],
    ]) {
      await mkdir(path.dirname(path.join(dir, at!)), { recursive: true });
      await cp(path.join(FIXTURES, name!), path.join(dir, at!), { recursive: true });
    }
    const folder = await findFleet([path.join(dir, "x")]);
    expect(folder.base).toBe(path.join(dir, "x"));
    expect(folder.apps.map((a) => a.rel)).toEqual(["team1/demo", "team2/deep/head"]);
    const mixed = await findFleet([path.join(dir, "x/team1/demo"), path.join(dir, "y")]);
    expect(mixed.base).toBe(dir);
    expect(mixed.apps.map((a) => a.rel)).toEqual(["x/team1/demo", "y/other"]);
    // fleetOf: the fleet as findFleet finds it, from one search; undefined for one app.
    expect(await fleetOf([path.join(dir, "x")])).toEqual(folder);
    expect(await fleetOf([path.join(dir, "x/team1/demo"), path.join(dir, "y")])).toEqual(mixed);
    expect(await fleetOf([path.join(dir, "x/team1/demo")])).toBeUndefined();
    expect(await fleetOf([path.join(dir, "x/team1/demo"), path.join(dir, "x/team1/demo/")])).toBeUndefined();
    expect(await fleetOf([path.join(dir, "x/team2")])).toBeUndefined(); // one app in a subfolder: the one-app migrate says where it is
    expect(await fleetOf([path.join(dir, "x"), path.join(dir, "x/")])).toEqual(await findFleet([path.join(dir, "x"), path.join(dir, "x/")]));
    expect(commonParent(["/a/b/c", "/a/b/d/e", "/a/bc"])).toBe("/a");
  });
});

describe("fleet: totals and exit code", () => {
  it("exits 1 if any app failed, else 2 if anything needs review, else 0", () => {
    expect(worstExit([0, 2, 0])).toBe(2);
    expect(worstExit([2, 1, 0])).toBe(1);
    expect(worstExit([])).toBe(0);
    const s = summarise([
      row({ path: "a", exit: 2, webhooks: 3, converted: 2, needsReview: 1, secrets: [{ name: "s", command: "c" }] }),
      row({ path: "b", status: "skipped", exit: 0, webhooks: 2, converted: 2 }),
      row({ path: "c", status: "failed", exit: 1, webhooks: 1 }),
    ]);
    expect(s).toMatchObject({ apps: 3, migrated: 1, skipped: 1, failedApps: 1, webhooks: 6, converted: 4, needsReview: 1, secrets: 1, exit: 1 });
    expect(s.line).toBe("3 apps, 1 migrated, 1 skipped (unchanged since the last run), 1 not written; 6 webhooks, 4 converted, 1 needs review, 0 failed");
  });
});

describe("fleet: index.md and index.html", () => {
  it("give each app's create-secrets.sh as a command the shell takes, spaces in the paths included", () => {
    const apps = [
      row({ path: "team 1/shop", appId: "shop-abcde", links: { report: "team 1/shop/report.html", original: "../x" }, secrets: [{ name: "s", command: "c" }] }),
    ];
    const r: FleetReport = {
      formatVersion: FLEET_FORMAT_VERSION,
      kind: "fleet",
      tool: { name: "hookshift", version: "0.0.0" },
      mode: "out",
      base: "exports",
      out: "out",
      reportDir: "my reports",
      summary: summarise(apps),
      apps,
    };
    const command = "sh 'my reports/team 1/shop/create-secrets.sh'";
    expect(renderFleetMarkdown(r)).toContain(`(all at once: \`${command}\`)`);
    expect(renderFleetHtml(r)).toContain(`all at once with <code>${command.replace(/'/g, "&#39;")}</code>`);
  });

  it("keep app paths and ids on one line (they broke at every hyphen in a narrow column); a wide table scrolls", () => {
    const apps = [row({ path: "team-a/shop-eu", appId: "shop-abcde" })];
    const html = renderFleetHtml({
      formatVersion: FLEET_FORMAT_VERSION,
      kind: "fleet",
      tool: { name: "hookshift", version: "0.0.0" },
      mode: "out",
      base: "exports",
      summary: summarise(apps),
      apps,
    });
    expect(html).toContain("td.app code, td.id code { white-space: nowrap; overflow-wrap: normal; }");
    expect(html).toContain('<tr><td class="app"><code>team-a/shop-eu</code></td><td class="id"><code>shop-abcde</code></td>');
    expect(html).toContain('<div class="wide"><table>');
  });
});

describe("url-map.csv", () => {
  it("quotes fields with commas, quotes, line breaks or edge spaces, and ends lines with CRLF", () => {
    expect(csvField("plain/value")).toBe("plain/value");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(" padded")).toBe('" padded"');
    // CSV injection: a folder or webhook named like a formula stays text in a spreadsheet.
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField("-cmd")).toBe("'-cmd");
    expect(csvField("@sum")).toBe("'@sum");
    expect(csvField("https://a.example/x=1")).toBe("https://a.example/x=1");
    const csv = renderUrlMapCsv([
      row({
        path: "team,1/app",
        appId: "app-abcde",
        urls: [
          { webhook: 'svc/"odd"', method: "POST", oldUrl: "https://old?a=1,2", newUrl: "https://new" },
          { webhook: "svc/failed", method: "", oldUrl: "https://old2" },
        ],
      }),
    ]);
    expect(csv).toBe(
      "app,app_id,webhook,method,old_url,new_url\r\n" +
        '"team,1/app",app-abcde,"svc/""odd""",POST,"https://old?a=1,2",https://new\r\n' +
        '"team,1/app",app-abcde,svc/failed,,https://old2,\r\n',
    );
  });
});
