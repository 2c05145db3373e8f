// Review status: an earlier conversion that differs from the webhook, GitHub and Twilio caller
// set-up, and app-level review items in the summary (issue 11, items 10, 12, 13).

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { planMigration } from "../../src/migrate/plan.js";
import { exitCode, migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import type { MigrationPlan, WebhookPlan } from "../../src/plan/types.js";
import { buildReport } from "../../src/report/build.js";
import { renderConsoleSummary } from "../../src/report/console.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { copyFixture, fixture, tempDir } from "../helpers.js";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };
const wh = (p: MigrationPlan, id: string): WebhookPlan => {
  const w = p.webhooks.find((x) => x.id === id);
  if (!w) throw new Error(`no ${id}`);
  return w;
};
const review = (w: WebhookPlan) => w.findings.filter((f) => f.needsReview);
const ctx = { version: "0.0.0", mode: "dry-run" as const, root: "app", secretsFile: "r/secrets.json" };

/** The already-converted fixture with its existing endpoint or function entry edited. */
async function editedConversion(edit: {
  endpoint?: Record<string, unknown>;
  fn?: Record<string, unknown>;
  extraEndpoint?: Record<string, unknown>;
}): Promise<string> {
  const app = await copyFixture("already-converted");
  const epFile = path.join(app, "http_endpoints/config.json");
  const eps = JSON.parse(await readFile(epFile, "utf8"));
  Object.assign(eps[0], edit.endpoint ?? {});
  if (edit.extraEndpoint) eps.push({ ...eps[0], ...edit.extraEndpoint });
  await writeFile(epFile, JSON.stringify(eps, null, 4) + "\n");
  const fnFile = path.join(app, "functions/config.json");
  const fns = JSON.parse(await readFile(fnFile, "utf8"));
  for (const [k, v] of Object.entries(edit.fn ?? {})) {
    if (v === undefined) delete fns[0][k];
    else fns[0][k] = v;
  }
  await writeFile(fnFile, JSON.stringify(fns, null, 4) + "\n");
  return app;
}

describe("an existing endpoint /S/W calling S_W counts as converted only when it matches the webhook", () => {
  it("the same method, validation and user: already converted, nothing to review", async () => {
    const p = planMigration(await readApp(fixture("already-converted")), { removeWebhooks: false });
    const w = wh(p, "httpServ/webhook0");
    expect(w.status).toBe("already-converted");
    expect(w.existingEndpoint).toBe(true);
    expect(review(w)).toEqual([]);
  });

  it("a different HTTP method needs review, with the exact difference", async () => {
    const p = planMigration(await readApp(await editedConversion({ endpoint: { http_method: "GET" } })), { removeWebhooks: false });
    const w = wh(p, "httpServ/webhook0");
    expect(w.status).toBe("needs-review");
    expect(review(w).map((f) => f.code)).toEqual(["converted-method-differs"]);
    expect(review(w)[0]).toMatchObject({ message: "Endpoint /httpServ/webhook0 answers GET, the webhook POST", file: "http_endpoints/config.json", line: 4 });
    // Nothing is added for it: the other webhook's endpoint is the only new one.
    const eps = JSON.parse(p.files.find((f) => f.path === "http_endpoints/config.json")!.after!);
    expect(eps.map((e: { route: string; http_method: string }) => `${e.http_method} ${e.route}`)).toEqual(["GET /httpServ/webhook0", "GET /httpServ/webhook1"]);
    const report = buildReport(p, ctx);
    expect(report.summary).toMatchObject({ needsReview: 1, alreadyConverted: 0, endpointsAdded: 1 });
    expect(exitCode(p)).toBe(2);
  });

  it("a second endpoint for another method is a difference too; the matching one stands for the conversion", async () => {
    const p = planMigration(await readApp(await editedConversion({ extraEndpoint: { http_method: "PUT" } })), { removeWebhooks: false });
    const w = wh(p, "httpServ/webhook0");
    expect(w.endpoint?.http_method).toBe("POST");
    expect(review(w).map((f) => f.message)).toEqual(["Endpoint /httpServ/webhook0 answers POST, PUT, the webhook POST"]);
  });

  it("a different validation needs review", async () => {
    const p = planMigration(await readApp(await editedConversion({ endpoint: { validation_method: "NO_VALIDATION", secret_name: undefined } })), {
      removeWebhooks: false,
    });
    const w = wh(p, "httpServ/webhook0");
    expect(w.status).toBe("needs-review");
    expect(review(w).map((f) => [f.code, f.message])).toEqual([
      ["converted-validation-differs", "Endpoint /httpServ/webhook0 validates requests with NO_VALIDATION, the webhook with SECRET_AS_QUERY_PARAM"],
    ]);
  });

  it("a function that runs as another user (or with application authentication) needs review", async () => {
    const asUser = planMigration(await readApp(await editedConversion({ fn: { run_as_system: undefined, run_as_user_id: "5f1d2e3c4b5a697887766554" } })), {
      removeWebhooks: false,
    });
    expect(review(wh(asUser, "httpServ/webhook0")).map((f) => [f.code, f.message, f.file])).toEqual([
      ["converted-user-differs", "Function httpServ_webhook0 runs as user 5f1d2e3c4b5a697887766554, the webhook as the system user", "functions/config.json"],
    ]);
    const authed = planMigration(await readApp(await editedConversion({ fn: { run_as_system: false } })), { removeWebhooks: false });
    const w = wh(authed, "httpServ/webhook0");
    expect(w.status).toBe("needs-review");
    expect(review(w).map((f) => f.message)).toEqual([
      "Function httpServ_webhook0 runs with application authentication (the caller's credentials), the webhook as the system user",
    ]);
  });

  it("hookshift's own output migrated again: everything matches (VERIFY_PAYLOAD checked in code, HEAD as GET, GitHub and Twilio)", async () => {
    const tmp = await tempDir();
    for (const name of ["demo", "head-method", "layout-b-20210101", "auth-modes"]) {
      const out = path.join(tmp, name);
      await migrate({ ...base, app: fixture(name), out });
      const again = planMigration(await readApp(out), { removeWebhooks: false });
      for (const w of again.webhooks) {
        expect(w.existingEndpoint, `${name} ${w.id}`).toBe(true);
        expect(
          w.findings.filter((f) => f.code.startsWith("converted-")),
          `${name} ${w.id}`,
        ).toEqual([]);
      }
      expect(again.files).toEqual([]);
    }
  });
});

describe("GitHub and Twilio webhooks need a person: their callers are set up outside the app", () => {
  it("with the rewrite rules, each needs review for exactly its caller-side step", async () => {
    const p = planMigration(await readApp(fixture("layout-b-20210101")), { removeWebhooks: false });
    const gh = wh(p, "github/onRelease");
    const tw = wh(p, "twilio/smsIn");
    expect(gh.status).toBe("needs-review");
    expect(tw.status).toBe("needs-review");
    expect(review(gh).map((f) => f.code)).toEqual(["github-settings"]);
    expect(review(gh)[0]!.message).toMatch(/payload URL of the GitHub webhook to the endpoint URL .*application\/json/);
    expect(review(tw).map((f) => f.code)).toEqual(["twilio-settings"]);
    expect(review(tw)[0]!.message).toMatch(/"A message comes in" webhook of the phone number \(or Messaging Service\) to the endpoint URL/);
    // The HTTP webhooks of the same app stay converted.
    expect(wh(p, "httpSvc/hello").status).toBe("converted");
    const md = renderMarkdown(buildReport(p, ctx));
    expect(md).toContain("webhook `github/onRelease`: GitHub sends this webhook's events to the old webhook URL");
    expect(md).toContain("webhook `twilio/smsIn`: Twilio posts incoming messages to the old webhook URL");
  });

  it("without the rules the payload differences stay for review as well", async () => {
    const p = planMigration(await readApp(fixture("layout-b-20210101")), { removeWebhooks: false, skipRules: ["github-payload", "twilio-payload"] });
    expect(
      review(wh(p, "github/onRelease"))
        .map((f) => f.code)
        .sort(),
    ).toEqual(["github-payload", "github-settings"]);
    expect(
      review(wh(p, "twilio/smsIn"))
        .map((f) => f.code)
        .sort(),
    ).toEqual(["twilio-payload", "twilio-settings"]);
  });
});

describe("app-level review items are counted in the summary, as in the exit code", () => {
  it("a format upgrade's review items: exit 2, and the summary says so in console, md, html and json", async () => {
    const r = await migrate({ ...base, app: fixture("upgrade-20180301-full"), dryRun: true });
    expect(r.code).toBe(2);
    const report = r.report!;
    const appItems = report.findings.filter((f) => f.needsReview).length;
    expect(appItems).toBeGreaterThan(0);
    expect(report.summary.appNeedsReview).toBe(appItems);
    const text = `${appItems} app-level item${appItems === 1 ? " needs" : "s need"} review`;
    expect(report.summary.line).toContain(text);
    expect(renderConsoleSummary(report, { color: false }).split("\n")[0]).toContain(text);
    expect(renderMarkdown(report)).toContain(`**${report.summary.line}**`);
    expect(renderMarkdown(report)).toMatch(new RegExp(`^- \\d+ webhooks?: .* failed; ${text}; `, "m"));
    const html = renderHtml(report, "");
    expect(html).toContain(`<p class="summary">${report.summary.line}</p>`);
    expect(html).toContain(`<b>${appItems}</b> app-level item${appItems === 1 ? "" : "s"} to review`);
  });

  it("no app-level review item: the summary line is as before", async () => {
    const p = planMigration(await readApp(fixture("layout-b-prime")), { removeWebhooks: false });
    const report = buildReport(p, ctx);
    expect(report.summary.appNeedsReview).toBe(0);
    expect(report.summary.line).toBe("2 webhooks; 2 endpoints added; 0 need review; 0 failed");
    expect(exitCode(p)).toBe(0);
  });

  it("every plan that exits 2 says what needs review in its summary", async () => {
    for (const name of ["case-collision", "upgrade-20200603-full", "demo"]) {
      const r = await migrate({ ...base, app: fixture(name), dryRun: true });
      expect(r.code, name).toBe(2);
      const s = r.report!.summary;
      expect(s.needsReview + s.appNeedsReview, name).toBeGreaterThan(0);
    }
  });
});
