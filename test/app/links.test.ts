// Reading an app with symbolic links (README "Symbolic links"): links that leave the app are never
// followed, links inside it are read once, and no link loops.

import { mkdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { discoverApps } from "../../src/app/discover.js";
import { readApp } from "../../src/app/read/index.js";
import { scanFolders } from "../../src/commands/scan.js";
import { copyFixture, tempDir } from "../helpers.js";

const MARKER = "OUTSIDE_ONLY_MARKER_51c2";

describe("links that leave the app", () => {
  it.each([
    ["relative", false],
    ["absolute", true],
  ])("a linked functions/ folder outside the app is not read (%s link)", async (_kind, absolute) => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await rename(path.join(app, "functions"), path.join(tmp, "shared-functions"));
    await writeFile(path.join(tmp, "shared-functions", "outsideOnly.js"), `exports = function() { return "${MARKER}"; };\n`);
    await symlink(absolute ? path.join(tmp, "shared-functions") : "../shared-functions", path.join(app, "functions"));
    const read = await readApp(app);
    expect(read.functionManifest).toBeUndefined();
    expect(read.functionNames).toEqual([]);
    expect(read.files.filter((f) => f.startsWith("functions"))).toEqual(["functions"]);
    const link = read.findings.find((f) => f.code === "symlink-outside-app");
    expect(link).toMatchObject({ file: "functions", severity: "warning" });
    expect(link!.message).toContain("shared-functions");
    expect(link!.hint).toMatch(/Copy the files into the app/);
    // The manifest behind the link is named as unread, with what to do.
    expect(read.findings.find((f) => f.code === "config-outside-app")).toMatchObject({ file: "functions/config.json" });
    expect(JSON.stringify(read)).not.toContain(MARKER);
  });

  it("webhooks in a linked service folder outside the app are not read", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await rename(path.join(app, "http_endpoints/orders"), path.join(tmp, "orders"));
    await symlink(path.join(tmp, "orders"), path.join(app, "http_endpoints/orders"));
    const read = await readApp(app);
    expect(read.webhooks).toEqual([]);
    expect(read.findings.find((f) => f.code === "symlink-outside-app")).toMatchObject({ file: "http_endpoints/orders" });
    const result = (await scanFolders([app])).inventory;
    expect(JSON.stringify(result)).not.toContain("createOrder");
  });

  it("a file read through a linked folder outside the app is refused, naming the link", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await rename(path.join(app, "http_endpoints/orders/incoming_webhooks/createOrder"), path.join(tmp, "createOrder"));
    await symlink("../../../../createOrder", path.join(app, "http_endpoints/orders/incoming_webhooks/createOrder"));
    const read = await readApp(app);
    expect(read.webhooks.map((w) => w.id)).toEqual(["orders/orderStatus", "orders/paymentEvent"]);
    expect(read.findings.find((f) => f.code === "symlink-outside-app")).toMatchObject({
      file: "http_endpoints/orders/incoming_webhooks/createOrder",
    });
  });
});

describe("links inside the app", () => {
  it("a linked service folder inside the app is read once, under the link's path", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await mkdir(path.join(app, "lib"));
    await rename(path.join(app, "http_endpoints/orders"), path.join(app, "lib/orders"));
    await symlink("../lib/orders", path.join(app, "http_endpoints/orders"));
    const read = await readApp(app);
    expect(read.webhooks.map((w) => w.id)).toEqual(["orders/createOrder", "orders/orderStatus", "orders/paymentEvent"]);
    expect(read.webhooks[0]!.source).toBe(await readFile(path.join(app, "lib/orders/incoming_webhooks/createOrder/source.js"), "utf8"));
    expect(read.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(read.findings.filter((f) => f.code.startsWith("symlink"))).toEqual([]);
  });

  it("a link to an ancestor folder does not loop", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const wh = path.join(app, "http_endpoints/orders/incoming_webhooks/createOrder");
    await symlink("../../..", path.join(wh, "up"));
    await symlink(".", path.join(wh, "self"));
    await symlink(app, path.join(app, "functions/root"));
    const read = await readApp(app);
    expect(read.webhooks.map((w) => w.id)).toEqual(["orders/createOrder", "orders/orderStatus", "orders/paymentEvent"]);
    expect(read.findings.filter((f) => f.code === "symlink-loop").map((f) => f.file)).toEqual([
      "functions/root",
      "http_endpoints/orders/incoming_webhooks/createOrder/self",
      "http_endpoints/orders/incoming_webhooks/createOrder/up",
    ]);
    expect(read.files).toContain("functions/root");
    expect(read.files.some((f) => f.startsWith("functions/root/"))).toBe(false);
    // scan walks the folder the same way: one app, and it ends.
    expect((await discoverApps(tmp)).map((f) => f.root)).toEqual([app]);
  });

  it("two links that lead into each other are followed once each, then stop", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    await mkdir(path.join(app, "lib/a"), { recursive: true });
    await mkdir(path.join(app, "lib/b"), { recursive: true });
    await writeFile(path.join(app, "lib/a/one.js"), "exports = () => 1;\n");
    await symlink("../b", path.join(app, "lib/a/to-b"));
    await symlink("../a", path.join(app, "lib/b/to-a"));
    const read = await readApp(app);
    const lib = read.files.filter((f) => f.startsWith("lib/")).sort();
    expect(lib).toEqual(["lib/a/one.js", "lib/a/to-b/to-a", "lib/b/to-a/one.js", "lib/b/to-a/to-b"]);
    expect(read.findings.filter((f) => f.code === "symlink-loop").map((f) => f.file)).toEqual(["lib/a/to-b/to-a", "lib/b/to-a/to-b"]);
  });
});
