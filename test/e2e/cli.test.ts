// End-to-end: the real CLI (bin/hookshift.js) as a user runs it, with its whole output compared
// to an expected file. Set HOOKSHIFT_UPDATE_EXPECTED=1 to rewrite the expected files after an
// intended change, then review the diff of test/e2e/expected/ like any other change.

import { spawnSync } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RULE_IDS } from "../../src/rewrite/registry.js";
import { FIXTURES, FIXTURE_SECRETS, REPO, tempDir } from "../helpers.js";

const EXPECTED = path.join(REPO, "test", "e2e", "expected");
// HOOKSHIFT_TEST_BIN: a private build's launcher (as the fleet tests take it).
const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin", "hookshift.js");
const update = process.env.HOOKSHIFT_UPDATE_EXPECTED === "1";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hookshift(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COLUMNS: "100" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A work folder holding copies of the named fixtures, so printed paths are short and stable. */
async function workspace(...names: string[]): Promise<string> {
  const dir = await tempDir("hookshift-e2e-");
  for (const n of names) await cp(path.join(FIXTURES, n), path.join(dir, n), { recursive: true });
  return dir;
}

async function expectFile(name: string, actual: string): Promise<void> {
  const file = path.join(EXPECTED, name);
  if (update) {
    await mkdir(EXPECTED, { recursive: true });
    await writeFile(file, actual);
  }
  expect(actual).toBe(await readFile(file, "utf8"));
}

const transcript = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

describe("hookshift CLI end to end", () => {
  it("scan of every fixture: table", async () => {
    const dir = await workspace();
    await cp(FIXTURES, path.join(dir, "apps"), { recursive: true });
    await expectFile("scan-fixtures.txt", transcript(hookshift(dir, "scan", "apps")));
  });

  it("scan of every fixture: JSON", async () => {
    const dir = await workspace();
    await cp(FIXTURES, path.join(dir, "apps"), { recursive: true });
    const r = hookshift(dir, "scan", "apps", "--json");
    expect(r.code).toBe(1); // bad-input has errors
    const inv = JSON.parse(r.stdout);
    expect(inv.apps).toHaveLength(21);
    for (const s of FIXTURE_SECRETS) expect(r.stdout).not.toContain(s);
    await expectFile("scan-fixtures.json", r.stdout);
  });

  it("migrate demo --out: summary, report.md and report.json", async () => {
    const dir = await workspace("demo");
    const r = hookshift(dir, "migrate", "demo", "--out", "demo-migrated");
    expect(r.code).toBe(2);
    await expectFile("migrate-demo.txt", transcript(r));
    await expectFile("migrate-demo.report.md", await readFile(path.join(dir, "demo-migrated-hookshift-report/report.md"), "utf8"));
    const json = await readFile(path.join(dir, "demo-migrated-hookshift-report/report.json"), "utf8");
    await expectFile("migrate-demo.report.json", json.replace(/"version": "[^"]+"/, '"version": "<version>"'));
    const html = await readFile(path.join(dir, "demo-migrated-hookshift-report/report.html"), "utf8");
    expect(html).toContain("d2h-file-wrapper");
    expect(html).not.toMatch(/<(script|link)\b/i);
  });

  it("migrate --dry-run prints the summary and the unified diff", async () => {
    const dir = await workspace("existing-endpoints");
    const r = hookshift(dir, "migrate", "existing-endpoints", "--dry-run");
    expect(r.code).toBe(0);
    await expectFile("migrate-existing-dry-run.txt", transcript(r));
  });

  it("migrate --check exits 2 while anything would change and 0 once migrated; no progress bar in a pipe", async () => {
    const dir = await workspace("existing-endpoints");
    const r = hookshift(dir, "migrate", "existing-endpoints", "--check", "--stat");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(" 3 files changed, 22 insertions(+)\n");
    expect(r.stdout).not.toContain("diff --git");
    expect(r.stderr).toBe("");
    expect(hookshift(dir, "migrate", "existing-endpoints", "--out", "migrated").code).toBe(0);
    const again = hookshift(dir, "migrate", "migrated", "--check");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("--check: no changes (exit 0).");
  });

  it("migrate of an app with broken webhooks converts the rest and exits 1", async () => {
    const dir = await workspace("bad-input");
    const r = hookshift(dir, "migrate", "bad-input", "--out", "out");
    await expectFile("migrate-bad-input.txt", transcript(r));
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  });

  it("migrate of a 20180301 app upgrades it to 20210101 on the way", async () => {
    const dir = await workspace("layout-a-20180301");
    const r = hookshift(dir, "migrate", "layout-a-20180301", "--out", "out");
    await expectFile("migrate-20180301.txt", transcript(r));
    // Its GitHub and Twilio webhooks need their callers' settings changed: review (docs/mapping.md).
    expect(r.code).toBe(2);
    await expectFile("migrate-20180301.report.md", await readFile(path.join(dir, "out-hookshift-report/report.md"), "utf8"));
  });

  it("migrate of a partial export says why nothing can be written", async () => {
    const dir = await workspace("partial-no-root");
    const r = hookshift(dir, "migrate", "partial-no-root", "--out", "out");
    await expectFile("migrate-partial.txt", transcript(r));
    expect(r.code).toBe(1);
  });

  it("migrate --json prints one JSON document", async () => {
    const dir = await workspace("head-method");
    const r = hookshift(dir, "migrate", "head-method", "--out", "out", "--json");
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.summary.line).toBe("1 webhook; 1 endpoint added; 1 needs review; 0 failed");
    expect(report.webhooks[0].findings.map((f: { code: string }) => f.code)).toContain("head-method");
  });

  it("usage errors and help", async () => {
    const dir = await workspace("demo");
    await expectFile("usage-no-command.txt", transcript(hookshift(dir)));
    await expectFile("usage-migrate-no-target.txt", transcript(hookshift(dir, "migrate", "demo")));
    await expectFile("usage-unknown-option.txt", transcript(hookshift(dir, "migrate", "demo", "--outt", "x")));
    await expectFile("help-migrate.txt", transcript(hookshift(dir, "migrate", "--help")));
    await expectFile("help.txt", transcript(hookshift(dir, "--help")));
  });
});

describe("hookshift verify CLI", () => {
  it("migrate then verify: exit 1 on the documented differences, with the summary line and caller changes", async () => {
    const dir = await workspace("shim-basic");
    // Verbatim, as App Services' "Convert" did, so verify has differences to find.
    expect(hookshift(dir, "migrate", "shim-basic", "--out", "migrated", "--skip-rules", RULE_IDS.join(",")).code).toBe(2);
    await writeFile(path.join(dir, "requests.jsonl"), '{"method":"GET","query":{"id":"7"}}\n');
    const r = hookshift(
      dir,
      "verify",
      "shim-basic",
      "migrated",
      "--secrets",
      "migrated-hookshift-report/secrets.json",
      "--webhook",
      "api/processed",
      "--webhook",
      "api/created",
      "--requests",
      "requests.jsonl",
      "--report",
      "verify-out",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^= equal {5}api\/processed → \/api\/processed$/m);
    expect(r.stdout).toMatch(/^≠ different api\/created → \/api\/created$/m);
    expect(r.stdout).toMatch(/known differences of a verbatim conversion: respond-result-response-methods/);
    expect(r.stdout).toMatch(/^2 webhooks, \d+ cases: \d+ equal, \d+ different, \d+ both failed, \d+ emulator default; lines [\d.]+% \(median\)$/m);
    expect(r.stdout).toMatch(/Caller changes \(not behaviour differences\):\n {2}api\/created: secret: the value of Secret api_created/);
    expect(r.stdout).not.toContain("fixture-secret-");
    const saved = JSON.parse(await readFile(path.join(dir, "verify-out/verify.json"), "utf8"));
    expect(saved.webhooks.find((w: { id: string }) => w.id === "api/processed").cases.some((c: { name: string }) => c.name.startsWith("recorded #1"))).toBe(
      true,
    );
  }, 120_000);
});
