// The reader's listing answers what readdir and lstat would have, from one walk.

import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Listing } from "../../src/app/read/listing.js";
import { walkTree } from "../../src/util/walk-tree.js";

const root = mkdtempSync(path.join(os.tmpdir(), "hookshift-test-listing-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("Listing", () => {
  mkdirSync(path.join(root, "http_endpoints/api/incoming_webhooks/b"), { recursive: true });
  mkdirSync(path.join(root, "http_endpoints/api/incoming_webhooks/a"), { recursive: true });
  writeFileSync(path.join(root, "http_endpoints/api/config.json"), "{}");
  writeFileSync(path.join(root, "http_endpoints/api/incoming_webhooks/a/source.js"), "exports = 1;");
  writeFileSync(path.join(root, "http_endpoints/api/incoming_webhooks/stray.txt"), "");
  symlinkSync("source.js", path.join(root, "http_endpoints/api/incoming_webhooks/a/link.js"));
  const listing = new Listing(walkTree(root));

  it("lists folders and non-folders per folder, sorted, the root as an empty path", () => {
    expect(listing.subdirs("")).toEqual(["http_endpoints"]);
    expect(listing.subdirs("http_endpoints/api/incoming_webhooks")).toEqual(["a", "b"]);
    expect(listing.files("http_endpoints/api/incoming_webhooks")).toEqual(["stray.txt"]);
    expect(listing.files("http_endpoints/api/incoming_webhooks/a")).toEqual(["link.js", "source.js"]);
    expect(listing.subdirs("missing/folder")).toEqual([]);
  });

  it("knows plain files from links and folders", () => {
    expect(listing.isPlainFile("http_endpoints/api/incoming_webhooks/a/source.js")).toBe(true);
    expect(listing.isPlainFile("http_endpoints/api/incoming_webhooks/a/link.js")).toBe(false);
    expect(listing.isPlainFile("http_endpoints/api/incoming_webhooks/a")).toBe(false);
    expect(listing.isPlainFile("http_endpoints/api/incoming_webhooks/a/missing.js")).toBe(false);
  });
});
