import { realpath, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectApp } from "../../src/app/detect.js";
import { discoverApps } from "../../src/app/discover.js";
import type { App, Webhook } from "../../src/app/model.js";
import { readApp } from "../../src/app/read/index.js";
import { copyFixture, fixture, FIXTURES, tempDir } from "../helpers.js";

const read = async (name: string) => readApp(fixture(name));
const byId = (app: App, id: string): Webhook => {
  const w = app.webhooks.find((x) => x.id === id);
  if (!w) throw new Error(`no webhook ${id} in ${app.webhooks.map((x) => x.id).join(", ")}`);
  return w;
};
const codes = (w: { findings: { code: string }[] }) => w.findings.map((f) => f.code);

describe("config version detection (realm-cli's procedure)", () => {
  it.each([
    ["layout-a-20180301", "20180301", "stitch.json"],
    ["layout-a-20200603", "20200603", "config.json"],
    ["layout-b-20210101", "20210101", "realm_config.json"],
    ["layout-c-20230101", "20230101", "root_config.json"],
    ["hybrid-root-config-v2021", "20230101", "root_config.json"],
  ])("%s is %s via %s", async (name, version, rootFile) => {
    const det = await detectApp(fixture(name), fixture(name));
    expect(det?.configVersion).toBe(version);
    expect(det?.rootFile).toBe(rootFile);
  });

  it("does not take a nested config.json without config_version for an app root", async () => {
    const dir = fixture("layout-a-20200603/services/legacyHttp");
    expect(await detectApp(dir, dir)).toBeUndefined();
  });

  it("when several root files exist, the last of realm_config.json, config.json, stitch.json wins", async () => {
    const app = await copyFixture("layout-b-20210101");
    await writeFile(path.join(app, "stitch.json"), JSON.stringify({ config_version: 20180301, name: "old" }));
    const det = await detectApp(app, app);
    expect(det?.configVersion).toBe("20180301");
    expect(det?.findings.map((f) => f.code)).toContain("several-root-configs");
  });

  it("finds every fixture app, including the partial export, and nothing inside an app", async () => {
    const found = await discoverApps(FIXTURES);
    const names = found.map((f) => path.basename(f.root)).sort();
    expect(names).toEqual([
      "already-converted",
      "auth-modes",
      "bad-input",
      "case-collision",
      "demo",
      "existing-endpoints",
      "head-method",
      "hybrid-realm-https",
      "hybrid-root-config-v2021",
      "layout-a-20180301",
      "layout-a-20200603",
      "layout-b-20210101",
      "layout-b-prime",
      "layout-c-20230101",
      "messy-names",
      "partial-no-root",
      "shim-basic",
      "shim-services",
      "upgrade-20180301-full",
      "upgrade-20200603-full",
      "verify-paths",
    ]);
    expect(found.find((f) => f.root.endsWith("partial-no-root"))?.detection).toBeUndefined();
  });
});

describe("webhooks in every layout", () => {
  it("layout A (20180301): http, github and twilio services under services/", async () => {
    const app = await read("layout-a-20180301");
    expect(app.layout).toBe("A");
    expect(app.webhooks.map((w) => [w.id, w.service.type, w.layout])).toEqual([
      ["gh/onPush", "github", "A"],
      ["sms/inbound", "twilio", "A"],
      ["webhooks/ping", "http", "A"],
    ]);
    expect(byId(app, "webhooks/ping").config?.httpMethod).toBe("ANY");
    expect(byId(app, "gh/onPush").config?.secret).toBe("fixture-secret-03");
  });

  it("layout B (20210101): HTTP services under http_endpoints/, GitHub and Twilio still under services/", async () => {
    const app = await read("layout-b-20210101");
    expect(app.layout).toBe("B");
    expect(app.webhooks.map((w) => [w.id, w.service.type, w.layout]).sort()).toEqual([
      ["github/onRelease", "github", "A"],
      ["httpSvc/hello", "http", "B"],
      ["httpSvc/update", "http", "B"],
      ["twilio/smsIn", "twilio", "A"],
    ]);
    expect(byId(app, "httpSvc/update").config?.canEvaluate).toEqual({ "%%request.requestHeaders.x-api-version": { $in: ["1", "2"] } });
  });

  it("layout B′: webhooks without the incoming_webhooks level; rules/ is not a webhook", async () => {
    const app = await read("layout-b-prime");
    expect(app.webhooks.map((w) => [w.id, w.layout])).toEqual([
      ["hooks/echo", "B′"],
      ["hooks/notify", "B′"],
    ]);
    expect(app.functionManifest).toBeUndefined();
    expect(app.endpointFiles).toEqual([]);
  });

  it("layout C (20230101): webhooks under https_endpoints/, version from .mdb/meta.json", async () => {
    const app = await read("layout-c-20230101");
    expect(app.configVersion).toBe("20230101");
    expect(app.layout).toBe("C");
    expect(app.appId).toBe("layoutc-qwert");
    expect(app.webhooks.map((w) => [w.id, w.layout, w.config?.validationMethod])).toEqual([["inbound/receive", "C", "VERIFY_PAYLOAD"]]);
  });

  it("hybrids are read whole and labelled", async () => {
    const a = await read("hybrid-realm-https");
    expect(a.layout).toBe("hybrid");
    expect(a.webhooks.map((w) => w.id)).toEqual(["httpSErv21/webhook0"]);
    expect(a.endpointFiles.map((f) => f.path)).toEqual(["https_endpoints/config.json"]);
    const b = await read("hybrid-root-config-v2021");
    expect(b.layout).toBe("hybrid");
    expect(b.findings.find((f) => f.code === "hybrid-layout")?.message).toMatch(/config_version 20210101/);
  });

  it("a partial export without a root config still yields its webhooks, with a finding", async () => {
    const app = await read("partial-no-root");
    expect(app.configVersion).toBe("unknown");
    expect(app.layout).toBe("partial");
    expect(app.findings.map((f) => f.code)).toContain("partial-export");
    expect(app.webhooks.map((w) => w.id)).toEqual(["partial/ingest"]);
  });
});

describe("messy real-world exports", () => {
  it("uses config names over folder names and says so", async () => {
    const app = await read("messy-names");
    const w = byId(app, "myService/getItems");
    expect(w.dirName).toBe("Get Items (v1)");
    expect(w.service.dirName).toBe("My Service (old)");
    expect(codes(w)).toContain("name-mismatch");
    const svc = app.findings.find((f) => f.code === "name-mismatch");
    expect(svc?.file).toBe("http_endpoints/My Service (old)/config.json");
    expect(svc?.line).toBe(2);
  });

  it("reads legacy secretAsQueryParam: true as SECRET_AS_QUERY_PARAM, and var exports sources", async () => {
    const w = byId(await read("messy-names"), "myService/save");
    expect(w.config?.validationMethod).toBe("SECRET_AS_QUERY_PARAM");
    expect(w.config?.legacySecretAsQueryParam).toBe(true);
    expect(codes(w)).toContain("legacy-secret-as-query-param");
    expect(w.source).toMatch(/^var exports = function/m);
    expect(w.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("reports stray files without treating them as webhooks", async () => {
    const app = await read("messy-names");
    expect(app.webhooks).toHaveLength(2);
    expect(app.findings.filter((f) => f.code === "stray-file").map((f) => f.file)).toEqual(["http_endpoints/My Service (old)/incoming_webhooks/notes.txt"]);
  });

  it("flags services whose names differ only in case", async () => {
    const app = await read("case-collision");
    expect(app.webhooks.map((w) => w.id)).toEqual(["httpServ/webhook0", "httpserv/webhook0"]);
    expect(app.findings.map((f) => f.code)).toContain("case-collision");
  });

  it("derives every auth mode, with the legacy run_as_system winning and a conflict warning", async () => {
    const app = await read("auth-modes");
    const modes = Object.fromEntries(app.webhooks.map((w) => [w.name, w.authMode]));
    expect(modes).toEqual({
      asAuthed: "application",
      asScript: "script",
      asSystem: "system",
      asUser: "user-id",
      legacySystem: "system",
      withRule: "system",
    });
    expect(codes(byId(app, "auth/legacySystem"))).toContain("conflicting-auth");
  });
});

describe("bad input becomes findings with positions", () => {
  it("each broken webhook has its error; the good one has none", async () => {
    const app = await read("bad-input");
    const errorsOf = (id: string) => byId(app, id).findings.filter((f) => f.severity === "error");
    expect(errorsOf("api/good")).toEqual([]);
    expect(errorsOf("api/collides")).toEqual([]); // the collision is the planner's call
    expect(errorsOf("api/badJson")[0]).toMatchObject({
      code: "json-syntax",
      line: 4,
      column: 5,
      file: "http_endpoints/api/incoming_webhooks/badJson/config.json",
    });
    expect(errorsOf("api/badMethod")[0]).toMatchObject({ code: "schema", file: "http_endpoints/api/incoming_webhooks/badMethod/config.json" });
    expect(errorsOf("api/badMethod")[0]?.message).toMatch(/FETCH/);
    expect(errorsOf("api/badMethod")[0]?.line).toBeGreaterThan(1);
    expect(errorsOf("api/noSource")[0]).toMatchObject({ code: "missing-source" });
    expect(errorsOf("api/badSyntax")[0]).toMatchObject({ code: "source-syntax", line: 3 });
    expect(errorsOf("api/sourceIsDir")[0]).toMatchObject({ code: "unreadable-source" });
  });

  it("never follows a symbolic link out of the app", async () => {
    const dir = await tempDir();
    const app = await copyFixture("head-method", dir);
    await writeFile(path.join(dir, "outside.js"), "exports = function() { return 'outside'; };\n");
    const src = path.join(app, "http_endpoints/probe/incoming_webhooks/ping/source.js");
    const { rm } = await import("node:fs/promises");
    await rm(src);
    await symlink(path.join(await realpath(dir), "outside.js"), src);
    const w = (await readApp(app)).webhooks[0]!;
    expect(w.source).toBeUndefined();
    expect(w.findings.find((f) => f.severity === "error")).toMatchObject({ code: "symlink-outside-app" });
  });

  it("reports a linked folder that leaves the app, without reading it", async () => {
    const dir = await tempDir();
    const app = await copyFixture("demo", dir);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(dir, "elsewhere"));
    await writeFile(path.join(dir, "elsewhere", "private.json"), "{}");
    await symlink(path.join(dir, "elsewhere"), path.join(app, "shared"));
    const read = await readApp(app);
    expect(read.findings.find((f) => f.code === "symlink-outside-app")).toMatchObject({ file: "shared", severity: "warning" });
    expect(read.files).toContain("shared");
    expect(read.files.some((f) => f.includes("private.json"))).toBe(false);
  });

  it("validates values files against their schema", async () => {
    const app = await copyFixture("demo");
    await writeFile(path.join(app, "values", "broken.json"), '{\n    "value": 1,\n    "from_secret": "yes"\n}\n');
    const read = await readApp(app);
    const problems = read.findings.filter((f) => f.file === "values/broken.json");
    expect(problems.map((f) => f.code)).toEqual(["schema", "schema"]);
    expect(problems.map((f) => f.line).sort()).toEqual([1, 3]);
  });

  it("follows a symbolic link that stays inside the app", async () => {
    const app = await copyFixture("head-method");
    const src = path.join(app, "http_endpoints/probe/incoming_webhooks/ping/source.js");
    const { rename } = await import("node:fs/promises");
    await rename(src, path.join(app, "shared.js"));
    await symlink("../../../../shared.js", src);
    const w = (await readApp(app)).webhooks[0]!;
    expect(w.source).toMatch(/exports/);
    expect(w.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
