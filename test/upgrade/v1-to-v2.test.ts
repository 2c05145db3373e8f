import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import type { MigrateResult } from "../../src/commands/migrate.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { scanFolders } from "../../src/commands/scan.js";
import { copyFixture, FIXTURE_SECRETS, tempDir, treeFingerprint } from "../helpers.js";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };

interface Run {
  input: string;
  out: string;
  before: Record<string, string>;
  result: MigrateResult;
  read: (p: string) => Promise<string>;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read fields of the converted JSON files as they are
  json: (p: string) => Promise<any>;
  files: string[];
}

async function run(fixture: string, extra: Partial<MigrateOptions> = {}): Promise<Run> {
  const tmp = await tempDir();
  const input = await copyFixture(fixture, tmp);
  const before = await treeFingerprint(input);
  const out = path.join(tmp, "out");
  const result = await migrate({ ...base, app: input, out, ...extra });
  const read = (p: string) => readFile(path.join(out, p), "utf8");
  const files = Object.entries(await treeFingerprint(out))
    .filter(([, v]) => v !== "dir")
    .map(([k]) => k);
  return { input, out, before, result, read, json: async (p) => JSON.parse(await read(p)), files };
}

describe("20180301 export with every kind of part → 20210101", () => {
  let r: Run;
  beforeAll(async () => {
    r = await run("upgrade-20180301-full");
  });

  it("writes a 20210101 app and leaves the input untouched", async () => {
    expect(r.result.code).toBe(2);
    expect(await treeFingerprint(r.input)).toEqual(r.before);
    expect(r.files).toContain("realm_config.json");
    expect(r.files).not.toContain("stitch.json");
    expect(r.files.some((f) => f.startsWith("auth_providers/"))).toBe(false);
    const app = await readApp(r.out);
    expect(app.configVersion).toBe("20210101");
    expect(app.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("root config: realm_config.json, custom user data by name, sync and hosting", async () => {
    expect(await r.json("realm_config.json")).toEqual({
      config_version: 20210101,
      app_id: "upgrade18-abcde",
      name: "upgrade18",
      location: "US-OR",
      deployment_model: "LOCAL",
      environment: "production",
      allowed_request_origins: ["https://shop.example.com"],
    });
    expect(await r.json("auth/custom_user_data.json")).toMatchObject({ enabled: true, mongo_service_name: "mongodb-atlas", database_name: "shop" });
    expect(await r.json("auth/custom_user_data.json")).not.toHaveProperty("mongo_service_id");
    expect(await r.json("sync/config.json")).toEqual({ development_mode_enabled: false });
    expect(await r.json("hosting/config.json")).toMatchObject({ enabled: true });
    expect((await r.json(".mdb/app_meta.json")).config_version).toBe(20210101);
  });

  it("functions: manifest without ids, sources by name, extra files kept and flagged", async () => {
    const manifest = await r.json("functions/config.json");
    const names = manifest.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(["formatPrice", "onNewOrder"]));
    expect(JSON.stringify(manifest)).not.toMatch(/"id"/);
    expect(manifest.find((e: { name: string }) => e.name === "onNewOrder")).toEqual({ name: "onNewOrder", private: true, run_as_system: true });
    expect(await r.read("functions/onNewOrder.js")).toBe(await readFile(path.join(r.input, "functions/onNewOrder/source.js"), "utf8"));
    expect(r.files).toContain("functions/formatPrice/formatPrice.test.js");
    expect(r.files).toContain("functions/formatPrice/fixtures.json");
    const extra = r.result.plan!.findings.find((f) => f.code === "function-extra-file" && f.file === "functions/formatPrice/formatPrice.test.js");
    expect(extra?.needsReview).toBe(true);
  });

  it("HTTP service in an oddly named folder → http_endpoints/<name>/ with its webhooks and rules, ids dropped", async () => {
    expect(r.files.filter((f) => f.startsWith("http_endpoints/orderHooks/")).sort()).toEqual([
      "http_endpoints/orderHooks/config.json",
      "http_endpoints/orderHooks/incoming_webhooks/created/config.json",
      "http_endpoints/orderHooks/incoming_webhooks/created/source.js",
      "http_endpoints/orderHooks/incoming_webhooks/status/config.json",
      "http_endpoints/orderHooks/incoming_webhooks/status/source.js",
      "http_endpoints/orderHooks/rules/access.json",
    ]);
    expect(await r.json("http_endpoints/orderHooks/config.json")).not.toHaveProperty("id");
    expect(r.files.some((f) => f.startsWith("services/Order Hooks"))).toBe(false);
  });

  it("MongoDB service → data_sources/ with each rule split into rules, schema and relationships", async () => {
    expect(await r.json("data_sources/mongodb-atlas/config.json")).toMatchObject({ name: "mongodb-atlas", type: "mongodb-atlas" });
    expect(r.files).toContain("data_sources/mongodb-atlas/default_rule.json");
    const rules = await r.json("data_sources/mongodb-atlas/shop/orders/rules.json");
    expect(rules).toMatchObject({ database: "shop", collection: "orders" });
    expect(rules).not.toHaveProperty("schema");
    expect(rules).not.toHaveProperty("relationships");
    expect(rules).not.toHaveProperty("id");
    expect(await r.json("data_sources/mongodb-atlas/shop/orders/schema.json")).toMatchObject({ title: "order" });
    expect(await r.json("data_sources/mongodb-atlas/shop/orders/relationships.json")).toHaveProperty("customer_id");
    expect(r.files).toContain("data_sources/mongodb-atlas/shop/customers/rules.json");
    expect(r.files).not.toContain("data_sources/mongodb-atlas/shop/customers/schema.json");
    expect(r.files).toContain("data_sources/mongodb-atlas/shop/audit log/rules.json");
  });

  it("other services stay in services/; a shared id is flagged", async () => {
    for (const f of [
      "services/github/config.json",
      "services/github/incoming_webhooks/onPush/source.js",
      "services/sms/config.json",
      "services/s3/config.json",
      "services/github-old/config.json",
    ]) {
      expect(r.files).toContain(f);
    }
    expect(r.result.plan!.findings.map((f) => f.code)).toContain("duplicate-service-id");
  });

  it("auth providers merged by name; triggers refer by name", async () => {
    const providers = await r.json("auth/providers.json");
    expect(Object.keys(providers).sort()).toEqual(["anon-user", "api-key", "local-userpass"]);
    expect(JSON.stringify(providers)).not.toMatch(/"id"/);
    const trigger = await r.json("triggers/orderInserted.json");
    expect(trigger).toMatchObject({ name: "orderInserted", function_name: "onNewOrder", config: { service_name: "mongodb-atlas", database: "shop" } });
    expect(Object.keys(trigger)).toEqual(["name", "type", "function_name", "config", "disabled"]);
    expect(trigger).not.toHaveProperty("function_id");
    expect(await r.read("triggers/nightly.json")).toBe(await readFile(path.join(r.input, "triggers/nightly.json"), "utf8"));
  });

  it("Data API settings move under http_endpoints/; everything else keeps its place and bytes", async () => {
    expect(r.files).toContain("http_endpoints/data_api_config.json");
    expect(r.files).not.toContain("data_api_config.json");
    const after = await treeFingerprint(r.out);
    for (const f of [
      "hosting/files/logo.png",
      "hosting/files/index.html",
      "hosting/metadata.json",
      "graphql/config.json",
      "environments/production.json",
      "log_forwarders/errors.json",
      "secrets.json",
      "README.md",
    ]) {
      expect(after[f], f).toBe(r.before[f]);
    }
    expect(await r.json("values/shopName.json")).toEqual({ name: "shopName", value: "Upgrade Shop", from_secret: false });
  });

  it("the report says the webhooks were kept (the upgrade's removals of old paths are not webhook removals)", () => {
    expect(renderMarkdown(r.result.report!)).toContain("The original webhooks were kept");
    expect(renderMarkdown(r.result.report!)).toContain("## Format upgrade");
  });

  it("nothing is lost: every input file is accounted for in the report's moves", () => {
    const moved = new Set(r.result.report!.upgrade!.moves.map((m) => m.from));
    const inputs = Object.entries(r.before)
      .filter(([, v]) => v !== "dir")
      .map(([k]) => k);
    expect(inputs.filter((f) => !moved.has(f))).toEqual([]);
  });

  it("every HTTP webhook has its endpoint; scan of the output sees every webhook converted", async () => {
    const { inventory } = await scanFolders([r.out]);
    const hooks = inventory.apps[0]!.webhooks;
    expect(hooks.map((w) => [w.id, w.alreadyConverted])).toEqual([
      ["github/onPush", true],
      ["orderHooks/created", true],
      ["orderHooks/status", true],
      ["sms/inbound", true],
    ]);
  });

  it("re-running migrate on the output changes nothing", async () => {
    const again = await migrate({ ...base, app: r.out, out: path.join(r.out, "..", "out2") });
    expect(again.plan!.files).toEqual([]);
    expect(await treeFingerprint(path.join(r.out, "..", "out2"))).toEqual(await treeFingerprint(r.out));
  });

  it("no secret value in the report; the report's diffs turn the input into the output with git apply", async () => {
    const report = JSON.stringify(r.result.report);
    for (const s of FIXTURE_SECRETS.concat(["fixture-secret-11", "fixture-secret-12", "fixture-secret-13"])) expect(report).not.toContain(s);
    const patch = r.result.report!.files.map((f) => f.diff).join("");
    const work = await copyFixture("upgrade-20180301-full");
    await writeFile(path.join(work, "..", "change.patch"), patch);
    // secrets.json carries a secret value into the diff context only if changed; it is not.
    execFileSync("git", ["apply", "--binary", path.join(work, "..", "change.patch")], { cwd: work });
    expect(await treeFingerprint(work)).toEqual(await treeFingerprint(r.out));
  });
});

describe("20200603 export that already has some http_endpoints/", () => {
  it("keeps the existing endpoint, adds the converted ones, and says the export was mixed", async () => {
    const r = await run("upgrade-20200603-full");
    const eps = await r.json("http_endpoints/config.json");
    expect(eps.map((e: { route: string }) => e.route)).toEqual(["/ping", "/api/checkout", "/sms2/reply"]);
    expect(r.result.plan!.findings.map((f) => f.code)).toContain("v2-part-in-v1-export");
    expect(r.files).toContain("http_endpoints/api/incoming_webhooks/checkout/source.js");
    expect(await treeFingerprint(r.input)).toEqual(r.before);
  });
});

describe("--target-format 20230101", () => {
  it("a 20180301 export becomes a 20230101 app with its endpoints in https_endpoints/", async () => {
    const r = await run("upgrade-20180301-full", { targetFormat: "20230101" });
    expect(r.files).toContain("root_config.json");
    expect(r.files).not.toContain("realm_config.json");
    expect(r.files).not.toContain(".mdb/app_meta.json");
    expect(await r.json(".mdb/meta.json")).toEqual({
      config_version: 20230101,
      app_id: "5f00000000000000000000f2",
      group_id: "5f00000000000000000000f1",
      client_app_id: "upgrade18-abcde",
    });
    expect(await r.json("root_config.json")).toEqual({
      name: "upgrade18",
      deployment_model: "LOCAL",
      provider_region: "aws-us-west-2",
      environment: "production",
      allowed_request_origins: ["https://shop.example.com"],
    });
    const eps = await r.json("https_endpoints/config.json");
    expect(eps.map((e: { route: string }) => e.route)).toContain("/orderHooks/created");
    expect(r.files.some((f) => f.startsWith("http_endpoints/"))).toBe(false);
    const app = await readApp(r.out);
    expect(app.configVersion).toBe("20230101");
    expect(r.result.plan!.findings.map((f) => f.code)).toContain("legacy-services-20230101");
  });

  it("refuses to downgrade a 20230101 app", async () => {
    const tmp = await tempDir();
    const r = await migrate({ ...base, app: await copyFixture("layout-c-20230101", tmp), out: path.join(tmp, "o"), targetFormat: "20210101" });
    expect(r.code).toBe(1);
    expect(r.errors[0]?.message).toMatch(/downgrade/);
  });
});
