// No write of migrate follows a symbolic link, and nothing outside the app is read (README
// "Symbolic links"): every byte outside --out and the report folder stays as it was.

import { lstat, mkdir, readFile, readdir, readlink, rename, symlink, writeFile } from "node:fs/promises";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import { copyFixture, tempDir, treeFingerprint } from "../helpers.js";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };
const MARKER = "SHARED_ONLY_MARKER_7f3a";

/** The fingerprint of `tmp` without the output and report folders. */
async function outsideOut(tmp: string): Promise<Record<string, string>> {
  const all = await treeFingerprint(tmp);
  return Object.fromEntries(Object.entries(all).filter(([k]) => !/^(out|report)(\/|$)/.test(k)));
}

/** `tmp/demo` with its functions/ moved to `tmp/shared-functions` and linked (relative or absolute). */
async function linkedFunctions(absolute: boolean): Promise<{ tmp: string; app: string }> {
  const tmp = await tempDir();
  const app = await copyFixture("demo", tmp);
  await rename(path.join(app, "functions"), path.join(tmp, "shared-functions"));
  await writeFile(path.join(tmp, "shared-functions", "sharedOnly.js"), `exports = function() { return "${MARKER}"; };\n`);
  await symlink(absolute ? path.join(tmp, "shared-functions") : "../shared-functions", path.join(app, "functions"));
  return { tmp, app };
}

async function reportTexts(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((n) => /^report\.(md|html|json)$/.test(n));
  expect(names.sort()).toEqual(["report.html", "report.json", "report.md"]);
  return (await Promise.all(names.map((n) => readFile(path.join(dir, n), "utf8")))).join("\n");
}

describe("migrate never writes through a symbolic link", () => {
  it.each([
    ["relative", false],
    ["absolute", true],
  ])("--out, functions/ linked to a folder outside the app (%s link): input and linked folder unchanged", async (_kind, absolute) => {
    const { tmp, app } = await linkedFunctions(absolute);
    const before = await outsideOut(tmp);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, report: path.join(tmp, "report") });
    expect(r.errors).toEqual([]);
    expect(await outsideOut(tmp)).toEqual(before);
    // The output's functions/ is a real folder with hookshift's files only.
    expect((await lstat(path.join(out, "functions"))).isDirectory()).toBe(true);
    expect((await readdir(path.join(out, "functions"))).sort()).toEqual([
      "config.json",
      "orders_createOrder.js",
      "orders_orderStatus.js",
      "orders_paymentEvent.js",
    ]);
    const f = r.plan!.findings.find((x) => x.code === "symlink-materialised");
    expect(f).toMatchObject({ file: "functions", severity: "warning", needsReview: true });
    expect(f!.hint).toMatch(/Copy the files into the app/);
    expect(r.code).toBe(2);
    // Nothing of the linked folder was read: not in the output, not in any report.
    const texts = await reportTexts(path.join(tmp, "report"));
    expect(texts).not.toContain(MARKER);
    expect(texts).toContain("symlink-outside-app");
    expect(JSON.stringify(r.report)).not.toContain(MARKER);
  });

  it.each([
    ["relative", false],
    ["absolute", true],
  ])("--out, http_endpoints/config.json linked inside the app (%s link): the input's file is unchanged", async (_kind, absolute) => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    // Inside the app (read, then materialised) and outside it (not read, then replaced).
    await rename(path.join(app, "http_endpoints/config.json"), path.join(app, "endpoints.json"));
    await symlink(absolute ? path.join(app, "endpoints.json") : "../endpoints.json", path.join(app, "http_endpoints/config.json"));
    const before = await outsideOut(tmp);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, report: path.join(tmp, "report") });
    expect(r.errors).toEqual([]);
    expect(await outsideOut(tmp)).toEqual(before);
    const written = path.join(out, "http_endpoints/config.json");
    expect((await lstat(written)).isFile()).toBe(true);
    const original = await readFile(path.join(app, "endpoints.json"), "utf8");
    const text = await readFile(written, "utf8");
    expect(text).not.toBe(original);
    expect(text).toContain("/orders/createOrder");
    // The link's target in the output is the input's, byte for byte.
    expect(await readFile(path.join(out, "endpoints.json"), "utf8")).toBe(original);
    expect(r.plan!.findings.find((x) => x.code === "symlink-materialised")).toMatchObject({ file: "http_endpoints/config.json" });
  });

  it.each([
    ["relative", false],
    ["absolute", true],
  ])(
    "--out, http_endpoints/config.json linked to a file outside the app (%s link): replaced by a real file, the linked file unchanged",
    async (_kind, absolute) => {
      const tmp = await tempDir();
      const app = await copyFixture("demo", tmp);
      await rename(path.join(app, "http_endpoints/config.json"), path.join(tmp, "endpoints.json"));
      await symlink(absolute ? path.join(tmp, "endpoints.json") : "../../endpoints.json", path.join(app, "http_endpoints/config.json"));
      const before = await outsideOut(tmp);
      const out = path.join(tmp, "out");
      const r = await migrate({ ...base, app, out, report: path.join(tmp, "report") });
      expect(r.errors).toEqual([]);
      expect(await outsideOut(tmp)).toEqual(before);
      expect((await lstat(path.join(out, "http_endpoints/config.json"))).isFile()).toBe(true);
      expect(r.plan!.findings.find((x) => x.code === "symlink-materialised")).toMatchObject({ file: "http_endpoints/config.json", needsReview: true });
    },
  );

  it("--out with a functions/ link inside the app: a real copy in the output, the linked folder unchanged", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await mkdir(path.join(app, "lib"));
    await rename(path.join(app, "functions"), path.join(app, "lib/functions"));
    await symlink("lib/functions", path.join(app, "functions"));
    // A link inside the linked folder keeps leading where it led.
    await symlink("../../realm_config.json", path.join(app, "lib/functions/root-link.json"));
    const before = await outsideOut(tmp);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, report: path.join(tmp, "report") });
    expect(r.errors).toEqual([]);
    expect(await outsideOut(tmp)).toEqual(before);
    expect((await lstat(path.join(out, "functions"))).isDirectory()).toBe(true);
    // The existing functions were read through the link: the manifest is merged, not replaced.
    const manifest = JSON.parse(await readFile(path.join(out, "functions/config.json"), "utf8")) as { name: string }[];
    expect(manifest.map((e) => e.name)).toEqual(["getStatus", "helpers/format", "orders_createOrder", "orders_orderStatus", "orders_paymentEvent"]);
    expect(await readFile(path.join(out, "functions/getStatus.js"), "utf8")).toBe(await readFile(path.join(app, "lib/functions/getStatus.js"), "utf8"));
    expect(await readFile(path.join(out, "lib/functions/config.json"), "utf8")).toBe(await readFile(path.join(app, "lib/functions/config.json"), "utf8"));
    expect(await readlink(path.join(out, "functions/root-link.json"))).toBe("../realm_config.json");
    expect(await readFile(path.join(out, "functions/root-link.json"), "utf8")).toBe(await readFile(path.join(app, "realm_config.json"), "utf8"));
    const f = r.plan!.findings.find((x) => x.code === "symlink-materialised");
    expect(f).toMatchObject({ file: "functions", severity: "warning" });
    expect(f!.needsReview).toBeUndefined();
  });

  it("--out with a functions/ link inside the app holding a name that is not valid UTF-8: the copy leaves that file out, as the app's copy does", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await mkdir(path.join(app, "lib"));
    await rename(path.join(app, "functions"), path.join(app, "lib/functions"));
    await symlink("lib/functions", path.join(app, "functions"));
    writeFileSync(Buffer.concat([Buffer.from(path.join(app, "lib/functions/bad")), Buffer.from([0xff])]), "{}");
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, report: path.join(tmp, "report") });
    expect(r.errors).toEqual([]);
    expect(r.plan!.findings.filter((x) => x.code === "invalid-file-name").map((x) => x.file)).toContain("functions/bad\uFFFD");
    expect((await lstat(path.join(out, "functions"))).isDirectory()).toBe(true);
    const copied = await readdir(path.join(out, "functions"));
    expect(copied).toContain("getStatus.js");
    expect(copied.filter((n) => n.startsWith("bad"))).toEqual([]);
  });

  it.each([
    ["relative folder", false, "functions"],
    ["absolute folder", true, "functions"],
  ])("--in-place refuses to write through a link (%s) and names it; nothing anywhere changes", async (_kind, absolute, link) => {
    const { tmp, app } = await linkedFunctions(absolute);
    const before = await treeFingerprint(tmp);
    const r = await migrate({ ...base, app, inPlace: true, report: path.join(tmp, "report") });
    expect(r.code).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ severity: "error", code: "symlink-write-refused", file: link });
    expect(r.errors[0]!.message).toContain("functions → ");
    expect(r.errors[0]!.message).toContain("functions/config.json");
    expect(await treeFingerprint(tmp)).toEqual(before);
  });

  it.each([
    ["relative", false],
    ["absolute", true],
  ])("--in-place refuses a linked http_endpoints/config.json inside the app (%s link)", async (_kind, absolute) => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await rename(path.join(app, "http_endpoints/config.json"), path.join(app, "endpoints.json"));
    await symlink(absolute ? path.join(app, "endpoints.json") : "../endpoints.json", path.join(app, "http_endpoints/config.json"));
    const before = await treeFingerprint(tmp);
    const r = await migrate({ ...base, app, inPlace: true, report: path.join(tmp, "report") });
    expect(r.code).toBe(1);
    expect(r.errors[0]).toMatchObject({ code: "symlink-write-refused", file: "http_endpoints/config.json" });
    expect(await treeFingerprint(tmp)).toEqual(before);
  });

  it("--dry-run lists the links --out would replace", async () => {
    const { app } = await linkedFunctions(false);
    const r = await migrate({ ...base, app, dryRun: true });
    expect(r.plan!.findings.filter((x) => x.code === "symlink-materialised").map((x) => x.file)).toEqual(["functions"]);
  });
});

describe("migrate with links inside the app", () => {
  it("--remove-webhooks through a linked service folder: removed in a real copy in the output, the input unchanged", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await mkdir(path.join(app, "lib"));
    await rename(path.join(app, "http_endpoints/orders"), path.join(app, "lib/orders"));
    await symlink("../lib/orders", path.join(app, "http_endpoints/orders"));
    const before = await outsideOut(tmp);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, report: path.join(tmp, "report"), removeWebhooks: true });
    expect(r.errors).toEqual([]);
    expect(r.plan!.webhooks.map((w) => w.status)).not.toContain("failed");
    expect(await outsideOut(tmp)).toEqual(before);
    expect((await lstat(path.join(out, "http_endpoints/orders"))).isDirectory()).toBe(true);
    expect(await readdir(path.join(out, "http_endpoints/orders"))).toEqual(["config.json"]);
    expect((await readdir(path.join(out, "lib/orders/incoming_webhooks"))).sort()).toEqual(["createOrder", "orderStatus", "paymentEvent"]);
    expect(r.plan!.findings.filter((x) => x.code === "symlink-materialised").map((x) => x.file)).toEqual(["http_endpoints/orders"]);
  });

  it("a link loop is copied as a link and the run ends", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await symlink("..", path.join(app, "functions/up"));
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, report: path.join(tmp, "report") });
    expect(r.errors).toEqual([]);
    expect(await readlink(path.join(out, "functions/up"))).toBe("..");
    expect(r.plan!.findings.filter((x) => x.code === "symlink-materialised")).toEqual([]);
  });
});

describe("migrate with a format upgrade and a linked functions/ folder", () => {
  it.each([
    ["inside the app", false],
    ["outside the app", true],
  ])("a 20200603 app whose functions/ is a link %s: upgraded in the output, nothing else changes", async (_where, outside) => {
    const tmp = await tempDir();
    const app = await copyFixture("layout-a-20200603", tmp);
    if (outside) {
      await rename(path.join(app, "functions"), path.join(tmp, "shared-functions"));
      await symlink("../shared-functions", path.join(app, "functions"));
    } else {
      await mkdir(path.join(app, "lib"));
      await rename(path.join(app, "functions"), path.join(app, "lib/functions"));
      await symlink("lib/functions", path.join(app, "functions"));
    }
    const before = await outsideOut(tmp);
    const out = path.join(tmp, "out");
    const r = await migrate({ ...base, app, out, report: path.join(tmp, "report") });
    expect(r.errors).toEqual([]);
    expect(await outsideOut(tmp)).toEqual(before);
    expect((await lstat(path.join(out, "functions"))).isDirectory()).toBe(true);
    const names = (await readdir(path.join(out, "functions"))).sort();
    expect(names).toContain("legacyHttp_submit.js");
    // The linked function is upgraded only when hookshift could read it.
    expect(names.includes("recordSubmission.js")).toBe(!outside);
    expect(r.plan!.findings.find((x) => x.code === "symlink-materialised")).toMatchObject({ file: "functions" });
  });
});
