// Hostile or broken input (README "Hostile or broken input"): each problem is a finding on its
// file, and the other webhooks and apps go on. The apps are built in temp folders.

import { execFileSync } from "node:child_process";
import { cp, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/app/findings.js";
import { readApp } from "../../src/app/read/index.js";
import { MAX_READ_BYTES } from "../../src/util/fs.js";
import { migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import { scanFolders } from "../../src/commands/scan.js";
import { fixture, tempDir } from "../helpers.js";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };
const HOOKS = "http_endpoints/svc/incoming_webhooks";
const BAD = `${HOOKS}/bad`;

const webhookConfig = (name: string, extra = "") =>
  `{"name":"${name}","run_as_system":true,"options":{"httpMethod":"POST","validationMethod":"NO_VALIDATION"},"respond_result":true${extra}}\n`;

/** A 20210101 app with two webhooks, svc/good and svc/bad; `bad` is what a test spoils. */
async function makeApp(into?: string): Promise<string> {
  const app = path.join(into ?? (await tempDir()), "app");
  await mkdir(path.join(app, "functions"), { recursive: true });
  await writeFile(path.join(app, "realm_config.json"), '{"app_id":"x-abcde","config_version":20210101,"name":"x"}\n');
  await mkdir(path.join(app, "http_endpoints/svc"), { recursive: true });
  await writeFile(path.join(app, "http_endpoints/svc/config.json"), '{"name":"svc","type":"http","config":{},"version":1}\n');
  await writeFile(path.join(app, "http_endpoints/config.json"), "[]\n");
  await writeFile(path.join(app, "functions/config.json"), "[]\n");
  for (const w of ["good", "bad"]) {
    await mkdir(path.join(app, HOOKS, w), { recursive: true });
    await writeFile(path.join(app, HOOKS, w, "config.json"), webhookConfig(w));
    await writeFile(path.join(app, HOOKS, w, "source.js"), "exports = function(payload, response) { return 1; };\n");
  }
  return app;
}

const allFindings = (app: Awaited<ReturnType<typeof readApp>>): Finding[] => [...app.findings, ...app.webhooks.flatMap((w) => w.findings)];
const find = (list: Finding[], code: string) => {
  const f = list.find((x) => x.code === code);
  if (!f) throw new Error(`no ${code} among ${list.map((x) => x.code).join(", ")}`);
  return f;
};

/** migrate --out: the good webhook converted, the bad one failed, the output written. */
async function migratesAroundBad(app: string): Promise<Finding[]> {
  const out = path.join(path.dirname(app), "out");
  const r = await migrate({ ...base, app, out });
  expect(r.errors).toEqual([]);
  expect(r.plan!.webhooks.map((w) => [w.id, w.status])).toEqual([
    ["svc/bad", "failed"],
    ["svc/good", "converted"],
  ]);
  expect(await readFile(path.join(out, "functions/svc_good.js"), "utf8")).toContain("exports");
  return r.plan!.webhooks[0]!.findings;
}

describe("pathological sources", () => {
  it("a source nested 10,000 arrays deep is a finding at its position; migrate converts the other webhook", async () => {
    const app = await makeApp();
    await writeFile(path.join(app, BAD, "source.js"), "exports = function() {\n  return " + "[".repeat(10_000) + "]".repeat(10_000) + ";\n};\n");
    const f = find(await migratesAroundBad(app), "source-too-deep");
    expect(f).toMatchObject({ severity: "error", file: `${BAD}/source.js`, line: 2 });
    expect(f.column).toBeGreaterThan(9);
    expect(f.hint).toBeTruthy();
  });

  it("1,000 nested parentheses (valid JavaScript) are a finding; scan lists the app and both webhooks", async () => {
    const app = await makeApp();
    await writeFile(path.join(app, BAD, "source.js"), "exports = function() { return " + "(".repeat(1000) + "1" + ")".repeat(1000) + "; };\n");
    const { inventory } = await scanFolders([app]);
    expect(inventory.apps).toHaveLength(1);
    expect(inventory.apps[0]!.webhooks.map((w) => w.id)).toEqual(["svc/bad", "svc/good"]);
    expect(find(inventory.apps[0]!.webhooks[0]!.findings, "source-too-deep").file).toMatch(/bad\/source\.js$/);
    expect(inventory.findings.some((f) => f.code === "read-failed")).toBe(false);
  });

  it("a long chain of operators that parses but is too deep to walk is a finding too", async () => {
    const app = await makeApp();
    await writeFile(path.join(app, BAD, "source.js"), "exports = function() { return 1" + " + 1".repeat(20_000) + "; };\n");
    expect(find(await migratesAroundBad(app), "source-too-deep").file).toBe(`${BAD}/source.js`);
  });
});

describe("pathological JSON", () => {
  it("a lone surrogate escape in a webhook config is a finding at the escape; scan goes on", async () => {
    const app = await makeApp();
    await writeFile(path.join(app, BAD, "config.json"), '{\n  "name": "b\\ud800",\n  "respond_result": true\n}\n');
    const { inventory } = await scanFolders([app]);
    const bad = inventory.apps[0]!.webhooks.find((w) => w.id === "svc/bad")!;
    expect(find(bad.findings, "json-lone-surrogate")).toMatchObject({ severity: "error", line: 2, column: 13 });
    expect(find(bad.findings, "json-lone-surrogate").file).toMatch(/bad\/config\.json$/);
    expect(inventory.apps[0]!.webhooks.find((w) => w.id === "svc/good")!.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("a surrogate pair written as two escapes, or an escaped backslash before u, is no finding", async () => {
    const app = await makeApp();
    await writeFile(path.join(app, BAD, "config.json"), webhookConfig("bad", ',"x":"\\ud83d\\ude00","y":"\\\\ud800"'));
    const read = await readApp(app);
    expect(allFindings(read).filter((f) => f.code === "json-lone-surrogate")).toEqual([]);
  });

  it("JSON nested 10,000 levels deep is a finding, in a webhook config and in functions/config.json", async () => {
    const app = await makeApp();
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    await writeFile(path.join(app, BAD, "config.json"), webhookConfig("bad", `,"can_evaluate":${deep}`));
    const read = await readApp(app);
    expect(find(read.webhooks.find((w) => w.dirName === "bad")!.findings, "json-too-deep")).toMatchObject({ file: `${BAD}/config.json`, line: 1 });
    await migratesAroundBad(app);

    await writeFile(path.join(app, BAD, "config.json"), webhookConfig("bad"));
    await writeFile(path.join(app, "functions/config.json"), `[${deep}]`);
    const { inventory } = await scanFolders([app]);
    expect(find(inventory.findings, "json-too-deep").file).toMatch(/functions\/config\.json$/);
    const r = await migrate({ ...base, app, dryRun: true });
    expect(r.plan!.blocked).toBe(true);
    expect(r.plan!.findings.map((f) => f.code)).toContain("json-too-deep");
  });
});

describe("special files", () => {
  const mkfifo = (p: string) => execFileSync("mkfifo", [p]);

  it("a named pipe in place of source.js, config.json or functions/config.json is a finding; nothing blocks", async () => {
    const app = await makeApp();
    for (const f of [`${BAD}/source.js`, `${BAD}/config.json`]) {
      await rm(path.join(app, f));
      mkfifo(path.join(app, f));
    }
    const read = await readApp(app);
    const bad = read.webhooks.find((w) => w.dirName === "bad")!;
    expect(find(bad.findings, "unreadable-source").message).toContain("named pipe");
    expect(find(bad.findings, "config-not-a-file").file).toBe(`${BAD}/config.json`);
    expect(read.findings.filter((f) => f.code === "special-file").map((f) => f.file)).toEqual([`${BAD}/config.json`, `${BAD}/source.js`]);
    await migratesAroundBad(app);
    // --out copies everything else, and not the pipes.
    const outFiles = await readdir(path.join(path.dirname(app), "out", BAD));
    expect(outFiles).toEqual([]);

    await rm(path.join(app, "functions/config.json"));
    mkfifo(path.join(app, "functions/config.json"));
    const again = await readApp(app);
    expect(find(again.findings, "config-not-a-file").file).toBe("functions/config.json");
  });

  it("a named pipe in place of the root config is a finding on it", async () => {
    const app = await makeApp();
    await rm(path.join(app, "realm_config.json"));
    mkfifo(path.join(app, "realm_config.json"));
    const { inventory } = await scanFolders([app]);
    expect(find(inventory.findings, "root-config-not-a-file").file).toMatch(/realm_config\.json$/);
  });

  it("a file name that is not valid UTF-8 is a finding; scan and migrate --out go on", async () => {
    const app = await makeApp();
    const raw = (rel: string) => Buffer.concat([Buffer.from(path.join(app, rel)), Buffer.from([0xff])]);
    mkdirSync(raw(`${HOOKS}/b`));
    writeFileSync(Buffer.concat([raw(`${HOOKS}/b`), Buffer.from("/config.json")]), webhookConfig("x"));
    writeFileSync(raw("functions/f"), "exports = 1;\n");
    const read = await readApp(app);
    expect(read.findings.filter((f) => f.code === "invalid-file-name").map((f) => f.file)).toEqual(["functions/f\uFFFD", `${HOOKS}/b\uFFFD`]);
    expect(read.webhooks.map((w) => w.id)).toEqual(["svc/bad", "svc/good"]);
    const out = path.join(path.dirname(app), "out");
    const r = await migrate({ ...base, app, out });
    expect(r.errors).toEqual([]);
    expect(r.plan!.webhooks.map((w) => w.status)).toEqual(["converted", "converted"]);
    expect((await readdir(path.join(out, "functions"))).sort()).toEqual(["config.json", "svc_bad.js", "svc_good.js"]);
  });

  it("a file name that is not valid UTF-8 in a pre-2021 app is a finding; the upgrade goes on", async () => {
    const app = path.join(await tempDir(), "legacy");
    await cp(fixture("layout-a-20200603"), app, { recursive: true });
    writeFileSync(Buffer.concat([Buffer.from(path.join(app, "x")), Buffer.from([0xff])]), "{}");
    const r = await migrate({ ...base, app, dryRun: true });
    expect(r.plan!.blocked).toBe(false);
    expect(find(r.plan!.findings, "invalid-file-name").file).toBe("x\uFFFD");
  });
});

describe("pre-2021 apps", () => {
  it("a linked folder (functions/ → real_functions/) upgrades without EEXIST", async () => {
    const tmp = await tempDir();
    const app = path.join(tmp, "legacy");
    await cp(fixture("layout-a-20200603"), app, { recursive: true });
    await rename(path.join(app, "functions"), path.join(app, "real_functions"));
    await symlink("real_functions", path.join(app, "functions"));
    const r = await migrate({ ...base, app, out: path.join(tmp, "out") });
    expect(r.errors).toEqual([]);
    expect(r.code).not.toBe(1);
    expect(await readFile(path.join(tmp, "out/functions/recordSubmission.js"), "utf8")).toBeTruthy();
  });

  it("auth/providers.json holding a string is a finding; the auth_providers/ files are set aside", async () => {
    const app = path.join(await tempDir(), "legacy");
    await cp(fixture("layout-a-20200603"), app, { recursive: true });
    await mkdir(path.join(app, "auth_providers"));
    await mkdir(path.join(app, "auth"));
    await writeFile(path.join(app, "auth/providers.json"), '"oops"\n');
    await writeFile(path.join(app, "auth_providers/anon-user.json"), '{"name":"anon-user","type":"anon-user","disabled":false}\n');
    const r = await migrate({ ...base, app, dryRun: true });
    expect(find(r.plan!.findings, "unusable-providers")).toMatchObject({ severity: "error", file: "auth/providers.json" });
    expect(r.plan!.files.find((f) => f.path === "auth/providers.json")).toBeUndefined();
    expect(r.plan!.files.some((f) => f.path === "hookshift-unplaced/auth_providers/anon-user.json")).toBe(true);
  });

  it("a 5 MB function name is a finding; the function keeps its folder name", async () => {
    const app = path.join(await tempDir(), "legacy");
    await cp(fixture("layout-a-20200603"), app, { recursive: true });
    const cfg = path.join(app, "functions/recordSubmission/config.json");
    await writeFile(cfg, JSON.stringify({ ...JSON.parse(await readFile(cfg, "utf8")), name: "r".repeat(5_000_000) }));
    const r = await migrate({ ...base, app, dryRun: true });
    expect(find(r.plan!.findings, "invalid-name").file).toBe("functions/recordSubmission/config.json");
    expect(r.plan!.files.some((f) => f.path === "functions/recordSubmission.js")).toBe(true);
  });
});

describe("names that cannot be file names", () => {
  it("a 5 MB service name in a pre-2021 app keeps the service's folder name; its webhooks fail with a finding", async () => {
    const app = path.join(await tempDir(), "legacy");
    await cp(fixture("layout-a-20200603"), app, { recursive: true });
    const cfg = path.join(app, "services/legacyHttp/config.json");
    await writeFile(cfg, JSON.stringify({ ...JSON.parse(await readFile(cfg, "utf8")), name: "s".repeat(5_000_000) }));
    const r = await migrate({ ...base, app, dryRun: true });
    expect(r.plan!.webhooks.map((w) => w.status)).toEqual(["failed", "failed"]);
    expect(r.plan!.webhooks.every((w) => w.findings.some((f) => f.code === "invalid-name"))).toBe(true);
    expect(JSON.stringify(r.plan!.findings).length).toBeLessThan(1_000_000);
  });

  it("a 5 MB webhook name fails that webhook alone; the output is written", async () => {
    const app = await makeApp();
    await writeFile(path.join(app, BAD, "config.json"), webhookConfig("b".repeat(5_000_000)));
    const out = path.join(path.dirname(app), "out");
    const r = await migrate({ ...base, app, out });
    expect(r.errors).toEqual([]);
    const bad = r.plan!.webhooks.find((w) => w.status === "failed")!;
    expect(find(bad.findings, "invalid-name").message.length).toBeLessThan(500);
    expect(r.plan!.webhooks.find((w) => w.id === "svc/good")!.status).toBe("converted");
  });
});

describe("huge files", () => {
  it("a source over 16 MiB is a finding and is not read; the other webhook converts", async () => {
    const app = await makeApp();
    truncateSync(path.join(app, BAD, "source.js"), MAX_READ_BYTES + 1); // sparse: costs no disk
    const f = find(await migratesAroundBad(app), "source-too-large");
    expect(f).toMatchObject({ severity: "error", file: `${BAD}/source.js` });
    expect(f.message).toContain("16 MiB");
  });

  it("a config over 16 MiB is a finding (webhook config, functions/config.json, root config)", async () => {
    const app = await makeApp();
    truncateSync(path.join(app, BAD, "config.json"), MAX_READ_BYTES + 1);
    expect(find(await migratesAroundBad(app), "config-too-large").file).toBe(`${BAD}/config.json`);
    truncateSync(path.join(app, "functions/config.json"), MAX_READ_BYTES + 1);
    expect(find((await readApp(app)).findings, "config-too-large").file).toBe("functions/config.json");
    truncateSync(path.join(app, "realm_config.json"), MAX_READ_BYTES + 1);
    const { inventory } = await scanFolders([app]);
    expect(find(inventory.findings, "root-config-too-large").file).toMatch(/realm_config\.json$/);
  });

  it("peak memory stays bounded: a 1 GiB source is refused without being read", async () => {
    const app = await makeApp();
    truncateSync(path.join(app, BAD, "source.js"), 1024 * 1024 * 1024);
    const before = process.resourceUsage().maxRSS; // KiB
    const read = await readApp(app);
    expect(find(read.webhooks.find((w) => w.dirName === "bad")!.findings, "source-too-large")).toBeTruthy();
    expect(process.resourceUsage().maxRSS - before).toBeLessThan(100 * 1024);
  });
});
