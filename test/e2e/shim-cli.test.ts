// `hookshift shim` as a user runs it: starts, prints the URL table, serves, and on SIGTERM writes
// --dump and exits 0.

import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { EJSON } from "bson";
import { describe, expect, it } from "vitest";
import { fixture, REPO, tempDir } from "../helpers.js";

describe("hookshift shim", () => {
  it("serves webhooks, seeds and dumps the embedded database", async () => {
    const tmp = await tempDir();
    const seed = path.join(tmp, "seed.json");
    const dump = path.join(tmp, "dump.json");
    await writeFile(seed, EJSON.stringify({ shop: { orders: [{ _id: { $oid: "64a0000000000000000000cc" }, items: [1] }] } }));
    const child = spawn(
      process.execPath,
      [process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin/hookshift.js"), "shim", fixture("shim-basic"), "--port", "0", "--seed", seed, "--dump", dump],
      {
        env: { ...process.env, NO_COLOR: "1" },
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`shim did not start: ${out} ${err}`)), 20_000);
      child.stdout.on("data", () => {
        const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m && out.includes("Stop with Ctrl-C")) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    expect(out).toMatch(/webhook {2}POST {3}http:\/\/127\.0\.0\.1:\d+\/api\/client\/v2\.0\/app\/shimbasic-abcde\/service\/api\/incoming_webhook\/created/);
    const r = await fetch(`${url}/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/created?secret=fixture-secret-21`, {
      method: "POST",
      body: '{"items":[2]}',
    });
    expect(r.status).toBe(201);
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(err).toMatch(/POST \/api\/client\/v2\.0\/app\/shimbasic-abcde\/service\/api\/incoming_webhook\/created\?secret=«redacted» → 201 ok/);
    expect(err).not.toContain("fixture-secret-21");
    const dumped = EJSON.parse(await readFile(dump, "utf8"), { relaxed: false }) as { shop: { orders: { items: unknown[] }[] } };
    expect(dumped.shop.orders).toHaveLength(2);
  }, 40_000);
});
