// Issue 12, "Progress and console": the console summary, --dry-run's diff, --stat and --check,
// Next steps (console, report.md, report.json), create-secrets.sh, and the wording of the
// report. The CLI runs in-process (main with a buffered Io), in a work folder so printed paths
// are short; stderr of a buffered Io is not a terminal, so no progress bar may appear.

import { execFileSync } from "node:child_process";
import { chmod, cp, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { bufferIo } from "../../src/cli/io.js";
import { progressBar } from "../../src/cli/progress.js";
import { migrate } from "../../src/commands/migrate.js";
import { planMigration } from "../../src/migrate/plan.js";
import { readApp } from "../../src/app/read/index.js";
import type { Report } from "../../src/report/build.js";
import { colorDiff, renderConsoleSummary, renderDiffStat } from "../../src/report/console.js";
import { renderMarkdown, SECRETS_TABLE_ROWS } from "../../src/report/markdown.js";
import { renderSecretsScript } from "../../src/report/secrets-script.js";
import { migrateNextSteps, scanNextSteps } from "../../src/report/next-steps.js";
import { verifyNextSteps } from "../../src/cli/verify.js";
import type { Progress } from "../../src/util/progress.js";
import { FIXTURES, FIXTURE_SECRETS, fixture, tempDir } from "../helpers.js";

const ESC = "\u001b[";
const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

/** A work folder holding copies of the named fixtures; the test runs in it. */
async function workspace(...names: string[]): Promise<string> {
  const dir = await tempDir("hookshift-console-");
  for (const n of names) await cp(path.join(FIXTURES, n), path.join(dir, n), { recursive: true });
  process.chdir(dir);
  return dir;
}

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("console summary", () => {
  it("lists the webhooks to look at and counts the converted rest; --verbose lists all", async () => {
    await workspace("demo");
    const r = await run("migrate", "demo", "--out", "demo-migrated");
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^! needs review {2}orders\/paymentEvent/m);
    expect(r.stdout).not.toMatch(/orders\/createOrder {2,}→/);
    expect(r.stdout).toContain("✔ 2 converted with nothing to review (--verbose lists them)");
    const v = await run("migrate", "demo", "--out", "demo-migrated", "--force", "--verbose");
    expect(v.stdout).toMatch(/^✔ converted +orders\/createOrder +→ POST \/orders\/createOrder$/m);
    expect(v.stdout).not.toContain("--verbose lists");
  });

  it("says when the app's export format was upgraded, in the console and in report.md", async () => {
    await workspace("layout-a-20180301");
    const r = await run("migrate", "layout-a-20180301", "--out", "out");
    expect(r.stdout).toContain("Export format upgraded: this app was a 20180301 export; hookshift upgraded it to 20210101");
    const md = await readFile("out-hookshift-report/report.md", "utf8");
    expect(md.split("## Next steps")[0]).toContain("Export format upgraded: this app was a 20180301 export");
  });

  it("an app without webhooks (nor format upgrade) says so and writes nothing, unless --report asks for the report", async () => {
    const dir = await workspace();
    await mkdir("empty");
    await writeFile("empty/realm_config.json", '{ "app_id": "empty-abcde", "name": "empty", "config_version": 20210101 }\n');
    const r = await run("migrate", "empty", "--out", "empty-out");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("empty has no incoming webhooks: nothing to migrate, nothing written");
    expect(existsSync(path.join(dir, "empty-out"))).toBe(false);
    expect(existsSync(path.join(dir, "empty-out-hookshift-report"))).toBe(false);
    const asked = await run("migrate", "empty", "--out", "empty-out", "--report", "rep");
    expect(asked.code).toBe(0);
    expect(await readFile("rep/report.md", "utf8")).toContain("The app has no incoming webhooks.");
  });

  it("draws no progress bar when stderr is not a terminal", async () => {
    await workspace("demo");
    const r = await run("migrate", "demo", "--out", "demo-migrated");
    expect(r.stderr).toBe("");
    const s = await run("scan", "demo");
    expect(s.stderr).toBe("");
    // A buffered Io (tests, pipes) gets a bar that draws nothing and prints logged lines as they come.
    const io = bufferIo();
    const bar = progressBar(io);
    bar.update({ phase: "verify", done: 1, total: 2 });
    bar.log("line\n");
    bar.stop();
    expect(io.stdout()).toBe("line\n");
    expect(io.stderr()).toBe("");
  });
});

describe("migrate reports its progress through onProgress", () => {
  it("phases read, plan (n of N up to N), write and report (3 of 3)", async () => {
    const tmp = await tempDir();
    const seen: Progress[] = [];
    const base = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };
    const r = await migrate({ ...base, app: fixture("demo"), out: path.join(tmp, "out"), onProgress: (p) => seen.push({ ...p }) });
    expect(r.code).toBe(2);
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(["read", "plan", "write", "report"]);
    const plan = seen.filter((p) => p.phase === "plan");
    expect(plan.at(-1)).toEqual({ phase: "plan", done: 3, total: 3, unit: "webhooks" });
    expect(seen.filter((p) => p.phase === "read").at(-1)).toEqual({ phase: "read", done: 1, total: 1, unit: "services" });
    expect(seen.filter((p) => p.phase === "report").at(-1)).toEqual({ phase: "report", done: 3, total: 3, unit: "files" });
  });
});

describe("--dry-run, --stat and --check", () => {
  it("--dry-run colours its diff on a terminal (--color) and repeats the summary line at the end", async () => {
    await workspace("existing-endpoints");
    const plain = await run("migrate", "existing-endpoints", "--dry-run");
    expect(plain.stdout).not.toContain(ESC);
    const lines = plain.stdout.trimEnd().split("\n");
    const dry = lines.indexOf("Dry run: nothing written.");
    expect(lines[dry - 2]).toBe("1 webhook; 1 endpoint added; 0 need review; 0 failed");
    const coloured = await run("migrate", "existing-endpoints", "--dry-run", "--color");
    expect(coloured.stdout).toContain(`${ESC}32m+    {`); // an added line, green
    expect(coloured.stdout).toContain(`${ESC}36m@@ -14,5 +14,11 @@`); // a hunk header, cyan
  });

  it("--stat shows files changed with +/- lines, like git diff --stat, instead of the diff", async () => {
    await workspace("existing-endpoints");
    const r = await run("migrate", "existing-endpoints", "--dry-run", "--stat");
    expect(r.stdout).not.toContain("diff --git");
    expect(r.stdout).toContain(" functions/config.json      |  6 ++++++\n");
    expect(r.stdout).toContain(" http_endpoints/config.json | 11 +++++++++++\n");
    expect(r.stdout).toContain(" 3 files changed, 22 insertions(+)\n");
  });

  it("renderDiffStat counts deletions and scales long bars", () => {
    const diff = ["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,3 +1,2 @@", " a", "-b", "-c", "+d", ""].join("\n");
    expect(renderDiffStat([{ path: "x", diff }], { color: false })).toBe(" x | 3 +--\n 1 file changed, 1 insertion(+), 2 deletions(-)\n");
    const big = ["@@ -0,0 +1,500 @@", ...Array.from({ length: 500 }, () => "+x")].join("\n");
    const line = renderDiffStat([{ path: "big", diff: big }], { color: false, columns: 80 }).split("\n")[0]!;
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toMatch(/^ big \| 500 \++$/);
    expect(colorDiff(diff, { color: false })).toBe(diff);
  });

  it("--check exits 2 when anything would change and 0 when nothing would; it writes nothing", async () => {
    const dir = await workspace("existing-endpoints");
    const changes = await run("migrate", "existing-endpoints", "--check");
    expect(changes.code).toBe(2);
    expect(changes.stdout).toContain("--check: changes (exit 2)");
    expect(existsSync(path.join(dir, "existing-endpoints-hookshift-report"))).toBe(false);
    expect((await run("migrate", "existing-endpoints", "--out", "migrated")).code).toBe(0);
    const none = await run("migrate", "migrated", "--check");
    expect(none.stdout).toContain("--check: no changes (exit 0)");
    expect(none.code).toBe(0);
  });
});

describe("Next steps", () => {
  it("end the console output, open report.md and are nextSteps in report.json, with this app's commands", async () => {
    await workspace("demo");
    const r = await run("migrate", "demo", "--out", "demo-migrated");
    const console = r.stdout.slice(r.stdout.indexOf("Next steps:"));
    const commands = [
      "hookshift verify demo demo-migrated --secrets demo-migrated-hookshift-report/secrets.json",
      "sh demo-migrated-hookshift-report/create-secrets.sh",
      "appservices push --local demo-migrated --remote demo-abcde --dry-run",
      "appservices push --local demo-migrated --remote demo-abcde",
      "hookshift callers demo-migrated-hookshift-report path/to/client-code",
      "hookshift migrate demo --out demo-migrated --force --remove-webhooks",
    ];
    for (const c of commands) expect(console).toContain(`       ${c}\n`);
    expect(console).toContain('Review the 2 items under "Needs a person" in demo-migrated-hookshift-report/report.md');
    expect(console).toContain("URL map in demo-migrated-hookshift-report/report.md");

    const md = await readFile("demo-migrated-hookshift-report/report.md", "utf8");
    const top = md.slice(0, md.indexOf("## Needs a person"));
    expect(top).toMatch(/^# hookshift migration report: demo\n\n\*\*[^\n]+\*\*\n\n## Next steps\n\n1\. Review/);
    for (const c of commands) expect(top).toContain(`\`${c}\``);

    const json = JSON.parse(await readFile("demo-migrated-hookshift-report/report.json", "utf8")) as Report;
    expect(json.nextSteps.map((s) => s.command).filter(Boolean)).toEqual(commands);
    expect(json.nextSteps[0]).toEqual({ text: 'Review the 2 items under "Needs a person" in demo-migrated-hookshift-report/report.md and tick each one off.' });
  });

  it("a dry run's next step is the command that writes; scan's is each app's migrate command", async () => {
    await workspace("existing-endpoints");
    const r = await run("migrate", "existing-endpoints", "--dry-run");
    expect(r.stdout).toMatch(
      /Next steps:\n {2}1\. Write the converted app and its report to a new folder:\n {7}hookshift migrate existing-endpoints --out existing-endpoints-migrated\n$/,
    );
    const s = await run("scan", "existing-endpoints");
    expect(s.stdout).toContain(
      "Next steps:\n  1. Migrate existing-endpoints (1 webhook to convert):\n       hookshift migrate existing-endpoints --out existing-endpoints-migrated\n",
    );
    expect(scanNextSteps([{ root: "a b", webhooks: [{ alreadyConverted: false }] }])[0]!.command).toBe("hookshift migrate 'a b' --out 'a b-migrated'");
    const many = Array.from({ length: 6 }, (_, i) => ({ root: `app${i}`, webhooks: [{ alreadyConverted: false }] }));
    expect(scanNextSteps(many)).toHaveLength(1);
  });

  it("verify's next step depends on its verdict", () => {
    const result = (over: Record<string, number>, markers: unknown[] = []) =>
      ({ webhooks: [], markers, summary: { different: 0, unpaired: 0, errors: 0, unproven: 0, belowMinCoverage: [], ...over } }) as never;
    const apps = { original: "demo", migrated: "demo-migrated" };
    expect(verifyNextSteps(result({ different: 1 }), undefined, apps)[1]!.command).toBe("hookshift verify demo demo-migrated");
    expect(verifyNextSteps(result({ unproven: 1 }), undefined, apps)[0]!.command).toBe("hookshift verify demo demo-migrated --requests requests.jsonl");
    expect(verifyNextSteps(result({}), undefined, apps)[1]!.command).toBe("appservices push --local demo-migrated --remote <app-id> --dry-run");
    const withId = { ...(result({}) as object), appId: "demo-abcde" } as never;
    expect(verifyNextSteps(withId, undefined, apps)[1]!.command).toBe("appservices push --local demo-migrated --remote demo-abcde --dry-run");
  });
});

describe("create-secrets.sh", () => {
  it("is written with mode 0700, holds no value, and creates or updates each Secret from secrets.json", async () => {
    const dir = await workspace("demo");
    await run("migrate", "demo", "--out", "demo-migrated");
    const script = path.join(dir, "demo-migrated-hookshift-report/create-secrets.sh");
    expect((await stat(script)).mode & 0o777).toBe(0o700);
    const text = await readFile(script, "utf8");
    for (const s of FIXTURE_SECRETS) expect(text).not.toContain(s);
    expect(text).toContain("put orders_createOrder\nput orders_paymentEvent\n");
    // A stand-in appservices: create fails for a Secret that exists, so the script updates it.
    const bin = path.join(dir, "bin");
    await mkdir(bin);
    await writeFile(path.join(bin, "appservices"), `#!/bin/sh\necho "$@" >> "${dir}/calls.log"\ncase "$*" in *create*orders_paymentEvent*) exit 1;; esac\n`);
    await chmod(path.join(bin, "appservices"), 0o755);
    const out = execFileSync("sh", [script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" });
    expect(out).toBe("created orders_createOrder\nupdated orders_paymentEvent\n");
    const secrets = JSON.parse(await readFile(path.join(dir, "demo-migrated-hookshift-report/secrets.json"), "utf8"));
    expect((await readFile(path.join(dir, "calls.log"), "utf8")).split("\n").filter(Boolean)).toEqual([
      `secrets create --app demo-abcde --name orders_createOrder --value ${secrets.orders_createOrder}`,
      `secrets create --app demo-abcde --name orders_paymentEvent --value ${secrets.orders_paymentEvent}`,
      `secrets update --app demo-abcde --secret orders_paymentEvent --value ${secrets.orders_paymentEvent}`,
    ]);
  });

  it("asks for the app id when the export has none", () => {
    const report = { tool: { version: "0" }, app: {}, secrets: [{ name: "s_w", command: "" }] } as unknown as Report;
    expect(renderSecretsScript(report)).toContain('APP="${1:?the export holds no app id');
  });

  it("report.md points to the script, says a value on a command line shows in the process list, and keeps the Secrets table short", async () => {
    const app = await readApp(fixture("demo"));
    const plan = planMigration(app, { removeWebhooks: false });
    const { buildReport } = await import("../../src/report/build.js");
    const report = buildReport(plan, {
      version: "0",
      mode: "out",
      root: "demo",
      outDir: "out",
      secretsFile: "out-hookshift-report/secrets.json",
      reportDir: "out-hookshift-report",
    });
    let md = renderMarkdown(report);
    expect(md).not.toContain("appservices secrets create --app");
    expect(md).toContain("Run `create-secrets.sh` next to this report");
    expect(md).toContain("visible in the process list (`ps`)");
    report.secrets = Array.from({ length: 300 }, (_, i) => ({ name: `svc_hook${i}`, command: "x" }));
    md = renderMarkdown(report);
    const section = md.slice(md.indexOf("## Before you push"), md.indexOf("## URL map"));
    expect(section.split("\n").filter((l) => l.startsWith("| `svc_hook"))).toHaveLength(SECRETS_TABLE_ROWS - 1);
    expect(section).toContain(`| … and ${300 - SECRETS_TABLE_ROWS + 1} more | every name is in \`create-secrets.sh\` |`);
  });
});

describe("wording", () => {
  it("a finding a rule handled does not tell the user to do what the rule did", async () => {
    const plan = planMigration(await readApp(fixture("demo")), { removeWebhooks: false });
    const handled = plan.webhooks.flatMap((w) => w.findings).filter((f) => f.message.startsWith("Handled by rule"));
    expect(handled.length).toBeGreaterThan(0);
    for (const f of handled) {
      expect(f.hint).toMatch(/^Nothing to do: rule [\w-]+ keeps the webhook's behaviour in functions\/\w+\.js/);
      expect(f.hint).not.toMatch(/rewrite rules will do this|Change every caller|call response\.set/);
    }
  });

  it("report.md holds no &lt; (a < in hookshift's text is escaped with a backslash)", async () => {
    await workspace("demo");
    await run("migrate", "demo", "--out", "demo-migrated");
    const md = await readFile("demo-migrated-hookshift-report/report.md", "utf8");
    expect(md).not.toContain("&lt;");
    expect(md).not.toContain("&gt;");
    expect(md).toContain("sha256=\\<hex\\>");
  });

  it("the summary of a large app stays short", () => {
    const w = (i: number) => ({ id: `s/w${i}`, status: "converted", route: `/s/w${i}`, httpMethod: "POST", findings: [] });
    const report = {
      summary: { line: "5000 webhooks", webhooks: 5000 },
      webhooks: Array.from({ length: 5000 }, (_, i) => w(i)),
      secrets: [],
    } as unknown as Report;
    expect(renderConsoleSummary(report, { color: false }).split("\n").length).toBeLessThan(6);
  });
});

describe("migrateNextSteps", () => {
  it("for an in-place run points verify at a copy of the app from before, and has no --out command", () => {
    const report = {
      blocked: false,
      output: { mode: "in-place" },
      app: { appId: "a-1" },
      summary: { webhooks: 1, converted: 1, needsReview: 0, appNeedsReview: 0, alreadyConverted: 0, failed: 0 },
      secrets: [],
      webhooks: [],
      findings: [],
      files: [],
    } as unknown as Report;
    const steps = migrateNextSteps(report, { app: "myapp", outDir: "myapp", reportDir: "myapp-hookshift-report" });
    expect(steps.map((s) => s.command).filter(Boolean)).toEqual([
      "appservices push --local myapp --remote a-1 --dry-run",
      "appservices push --local myapp --remote a-1",
      "hookshift callers myapp-hookshift-report path/to/client-code",
    ]);
    expect(steps[0]!.text).toContain("hookshift verify <copy of the app before the change> myapp");
  });
});
