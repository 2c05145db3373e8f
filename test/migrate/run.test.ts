import { execFileSync } from "node:child_process";
import { lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import { copyFixture, fixture, FIXTURE_SECRETS, tempDir, treeFingerprint } from "../helpers.js";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };

async function readAll(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true })) {
    const abs = path.join(dir, name);
    if ((await stat(abs)).isFile()) out[name] = await readFile(abs, "utf8");
  }
  return out;
}

describe("migrate --out", () => {
  it("writes a converted copy and a report; the input is untouched", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const before = await treeFingerprint(app);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out });
    expect(r.code).toBe(2);
    expect(await treeFingerprint(app)).toEqual(before);
    const after = await treeFingerprint(out);
    // Everything of the original is there, unchanged except the two merged manifests.
    for (const [file, hash] of Object.entries(before)) {
      if (file === "functions/config.json" || file === "http_endpoints/config.json") expect(after[file]).not.toBe(hash);
      else expect(after[file], file).toBe(hash);
    }
    expect(
      Object.keys(after)
        .filter((f) => !(f in before))
        .sort(),
    ).toEqual([
      "functions/orders_createOrder.js",
      "functions/orders_orderStatus.js",
      "functions/orders_paymentEvent.js",
      "values/orders_paymentEvent_signing_secret.json",
    ]);
    // The source is copied byte for byte; a rule that applies only appends its wrapper.
    const original = await readFile(path.join(app, "http_endpoints/orders/incoming_webhooks/createOrder/source.js"), "utf8");
    expect((await readFile(path.join(out, "functions/orders_createOrder.js"), "utf8")).startsWith(original)).toBe(true);
    expect(await readFile(path.join(out, "functions/orders_orderStatus.js"), "utf8")).toBe(
      await readFile(path.join(app, "http_endpoints/orders/incoming_webhooks/orderStatus/source.js"), "utf8"),
    );
    expect((await readdir(r.reportDir!)).sort()).toEqual(["create-secrets.sh", "report.html", "report.json", "report.md", "secrets.json"]);
  });

  it("copies symbolic links as links, never their targets' content", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await writeFile(path.join(tmp, "outside.txt"), "not part of the app\n");
    await symlink("../realm_config.json", path.join(app, "functions/inside-link.json"));
    await symlink(path.join(tmp, "outside.txt"), path.join(app, "functions/outside-link.txt"));
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out });
    expect(r.errors).toEqual([]);
    for (const [name, target] of [
      ["inside-link.json", "../realm_config.json"],
      ["outside-link.txt", path.join(tmp, "outside.txt")],
    ]) {
      expect((await lstat(path.join(out, "functions", name!))).isSymbolicLink(), name).toBe(true);
      expect(await readlink(path.join(out, "functions", name!))).toBe(target);
    }
  });

  it("re-running on the output finds everything converted and changes no file", async () => {
    const tmp = await tempDir();
    const out1 = path.join(tmp, "out1");
    const out2 = path.join(tmp, "out2");
    await migrate({ ...base, app: fixture("demo"), out: out1 });
    const r2 = await migrate({ ...base, app: out1, out: out2 });
    expect(r2.code).toBe(0);
    expect(r2.plan!.webhooks.map((w) => w.status)).toEqual(["already-converted", "already-converted", "already-converted"]);
    expect(r2.plan!.files).toEqual([]);
    expect(await treeFingerprint(out2)).toEqual(await treeFingerprint(out1));
  });

  it("secrets go to secrets.json (mode 0600) and nowhere else in the report", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const r = await migrate({ ...base, app, out: path.join(tmp, "out"), removeWebhooks: true });
    const secrets = JSON.parse(await readFile(path.join(r.reportDir!, "secrets.json"), "utf8"));
    expect(secrets).toEqual({ orders_createOrder: "fixture-secret-01", orders_paymentEvent: "fixture-secret-02" });
    expect((await stat(path.join(r.reportDir!, "secrets.json"))).mode & 0o777).toBe(0o600);
    const files = await readAll(r.reportDir!);
    delete files["secrets.json"];
    // --remove-webhooks puts the removed configs (which hold the secrets) into the diffs: redacted.
    expect(files["report.md"]).toContain("«redacted»");
    for (const [name, text] of Object.entries(files)) {
      for (const s of FIXTURE_SECRETS) expect(text.includes(s), `${s} in ${name}`).toBe(false);
    }
    expect(JSON.stringify(r.report)).not.toMatch(/fixture-secret-/);
  });

  it("refuses an existing non-empty --out unless --force", async () => {
    const tmp = await tempDir();
    const out = path.join(tmp, "out");
    await mkdir(out);
    await writeFile(path.join(out, "keep.txt"), "mine");
    const r = await migrate({ ...base, app: fixture("existing-endpoints"), out });
    expect(r.code).toBe(1);
    expect(r.errors[0]?.message).toMatch(/exists and is not empty/);
    expect(await readFile(path.join(out, "keep.txt"), "utf8")).toBe("mine");
    // Nothing else was left: no staging copy, no report folder for a run that wrote nothing.
    expect((await readdir(tmp)).sort()).toEqual(["out"]);
    const forced = await migrate({ ...base, app: fixture("existing-endpoints"), out, force: true });
    expect(forced.code).toBe(0);
    expect(await readdir(out)).not.toContain("keep.txt");
  });

  it("refuses an --out inside the app", async () => {
    const app = await copyFixture("demo");
    const before = await treeFingerprint(app);
    const r = await migrate({ ...base, app, out: path.join(app, "converted") });
    expect(r.code).toBe(1);
    expect(await treeFingerprint(app)).toEqual(before);
  });

  it("pre-2021 apps are upgraded to 20210101 and converted; the input is untouched", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("layout-a-20200603", tmp);
    const before = await treeFingerprint(app);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out });
    // Its two webhooks differ from their endpoints only in ways the rewrite rules handle.
    expect(r.code).toBe(0);
    expect(await treeFingerprint(app)).toEqual(before);
    const files = Object.keys(await treeFingerprint(out));
    expect(files).toContain("realm_config.json");
    expect(files).not.toContain("config.json");
    expect(files).toContain("http_endpoints/legacyHttp/incoming_webhooks/submit/source.js");
    expect(files.some((f) => f.startsWith("services/legacyHttp"))).toBe(false);
    expect(r.report?.upgrade?.from).toBe("20200603");
  });
});

describe("exit codes", () => {
  it.each([
    ["existing-endpoints", 0],
    ["hybrid-realm-https", 0],
    ["demo", 2],
    ["head-method", 2],
    ["bad-input", 1],
    ["partial-no-root", 1],
  ])("%s → %i", async (name, code) => {
    const r = await migrate({ ...base, app: fixture(name), dryRun: true });
    expect(r.code).toBe(code);
  });

  it("bad input: the good webhook is still written", async () => {
    const tmp = await tempDir();
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app: fixture("bad-input"), out });
    expect(r.code).toBe(1);
    expect(JSON.parse(await readFile(path.join(out, "http_endpoints/config.json"), "utf8")).map((e: { route: string }) => e.route)).toContain("/api/good");
  });
});

describe("--dry-run and --in-place", () => {
  it("--dry-run writes nothing", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const before = await treeFingerprint(tmp);
    const r = await migrate({ ...base, app, dryRun: true });
    expect(r.report?.files.length).toBe(6);
    expect(await treeFingerprint(tmp)).toEqual(before);
  });

  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd, stdio: "pipe" }).toString();

  it("--in-place refuses a dirty git work tree unless --allow-dirty, and is idempotent", async () => {
    const app = await copyFixture("existing-endpoints");
    git(app, "init", "-q");
    git(app, "add", "-A");
    git(app, "commit", "-qm", "export");
    await writeFile(path.join(app, "values.txt"), "uncommitted");
    const before = await treeFingerprint(app);
    const refused = await migrate({ ...base, app, inPlace: true });
    expect(refused.code).toBe(1);
    expect(refused.errors[0]?.message).toMatch(/uncommitted changes/);
    expect(await treeFingerprint(app)).toEqual(before);

    const done = await migrate({ ...base, app, inPlace: true, allowDirty: true, report: path.join(app, "..", "report") });
    expect(done.code).toBe(0);
    expect(await readFile(path.join(app, "functions/legacy_hook.js"), "utf8")).toBe(
      await readFile(path.join(app, "http_endpoints/legacy/incoming_webhooks/hook/source.js"), "utf8"),
    );
    const once = await treeFingerprint(app);
    const again = await migrate({ ...base, app, inPlace: true, allowDirty: true, report: path.join(app, "..", "report"), force: true });
    expect(again.plan?.files).toEqual([]);
    expect(await treeFingerprint(app)).toEqual(once);
    expect(Object.keys(once).some((f) => f.includes("hookshift-tmp"))).toBe(false);
  });

  it("the report's diffs are a patch that git applies to the input to give the output", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("existing-endpoints", tmp);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, removeWebhooks: true });
    const patch = r.report!.files.map((f) => f.diff).join("");
    await writeFile(path.join(tmp, "change.patch"), patch);
    git(app, "apply", path.join(tmp, "change.patch"));
    expect(await treeFingerprint(app)).toEqual(await treeFingerprint(out));
  });

  it("--in-place on a clean work tree needs no flag", async () => {
    const app = await copyFixture("existing-endpoints");
    git(app, "init", "-q");
    git(app, "add", "-A");
    git(app, "commit", "-qm", "export");
    const r = await migrate({ ...base, app, inPlace: true, report: path.join(app, "..", "report") });
    expect(r.code).toBe(0);
    expect(git(app, "status", "--porcelain")).toMatch(/functions\/legacy_hook\.js/);
  });

  it("rejects contradictory options", async () => {
    expect((await migrate({ ...base, app: fixture("demo"), inPlace: true, out: "/tmp/x" })).code).toBe(1);
    expect((await migrate({ ...base, app: fixture("demo") })).errors[0]?.message).toMatch(/--out/);
    expect((await migrate({ ...base, app: fixture("demo"), dryRun: true, allowDirty: true })).code).toBe(1);
  });
});

describe("migrate checks what would stop the write before it plans", () => {
  it("an --out that exists, or lies inside the app, is refused with no plan and nothing written", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const out = path.join(tmp, "out");
    await mkdir(out);
    await writeFile(path.join(out, "keep.txt"), "mine");
    const r = await migrate({ ...base, app, out });
    expect(r.code).toBe(1);
    expect(r.plan).toBeUndefined(); // no success lines can be printed from a plan that was never made
    expect(r.errors.map((e) => [e.code, e.message])).toEqual([["write-failed", `--out ${out} exists and is not empty`]]);
    expect((await readdir(tmp)).sort()).toEqual(["demo", "out"]); // no staging folder, no report folder
    const inside = await migrate({ ...base, app, out: path.join(app, "converted") });
    expect(inside.plan).toBeUndefined();
    expect(inside.errors[0]!.message).toMatch(/is inside the app being migrated$/);
  });

  it("--report into a folder holding an earlier report needs --force; a report without Secrets leaves no old secrets.json beside it", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const report = path.join(tmp, "report");
    expect((await migrate({ ...base, app, out: path.join(tmp, "out1"), report })).code).toBe(2);
    expect(await readdir(report)).toContain("secrets.json");
    const again = await migrate({ ...base, app, out: path.join(tmp, "out2"), report });
    expect(again.plan).toBeUndefined();
    expect(again.errors.map((e) => [e.code, e.message])).toEqual([["usage", `--report ${report} holds an earlier report`]]);
    // An app with no Secrets, reported with --force into the same folder.
    const plain = await copyFixture("head-method", tmp);
    const forced = await migrate({ ...base, app: plain, out: path.join(tmp, "out3"), report, force: true });
    expect(forced.code).not.toBe(1);
    expect(Object.keys(forced.plan!.secrets)).toEqual([]);
    const files = await readdir(report);
    expect(files).not.toContain("secrets.json");
    expect(files).not.toContain("create-secrets.sh");
  });

  it("refuses a --report that is the --out folder or inside it, before anything is written (the app replaces --out whole)", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const out = path.join(tmp, "x", "demo");
    await mkdir(path.join(tmp, "x"));
    for (const report of [out, path.join(out, "report")]) {
      const r = await migrate({ ...base, app, out, report, force: true });
      expect(r.code).toBe(1);
      expect(r.plan).toBeUndefined();
      expect(r.errors[0]!.message).toMatch(report === out ? /is the --out folder/ : /is inside the --out folder/);
      expect(r.errors[0]!.hint).toMatch(/folder of its own/);
    }
    expect(await readdir(path.join(tmp, "x"))).toEqual([]); // nothing staged, nothing written
  });
});
