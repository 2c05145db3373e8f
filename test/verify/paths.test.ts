// verify reaches the real paths of a function: cases built from what the source reads (query,
// JSON and form bodies, database filters), documents that make reads find something, a second
// round aimed at branches not taken; a function that fails on every request is unproven.

import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exitCode } from "../../src/cli/verify.js";
import { migrate } from "../../src/commands/migrate.js";
import { percent } from "../../src/verify/coverage.js";
import { verify, type VerifyResult } from "../../src/commands/verify.js";
import { fixture, tempDir } from "../helpers.js";

const base = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };

async function migrated(app: string): Promise<string> {
  const out = path.join(await tempDir(), "out");
  const m = await migrate({ ...base, app, out });
  expect(m.code).not.toBe(1);
  return out;
}

/** How many cases the config alone gives each webhook of verify-paths (no body, JSON, EJSON, form, other method). */
const CONFIG_CASES = { "shop/order": 5, "shop/command": 5, "shop/lookup": 3, "shop/plan": 3 };

let full: VerifyResult;
let generic: Record<string, VerifyResult>;

beforeAll(async () => {
  const out = await migrated(fixture("verify-paths"));
  full = await verify({ original: fixture("verify-paths"), migrated: out, timeLimitMs: 5000 });
  generic = {};
  for (const [id, n] of Object.entries(CONFIG_CASES)) {
    generic[id] = await verify({ original: fixture("verify-paths"), migrated: out, timeLimitMs: 5000, webhooks: [id], maxCases: n });
  }
}, 120_000);

const byId = (r: VerifyResult, id: string) => r.webhooks.find((w) => w.id === id)!;

describe("cases from what the source reads", () => {
  it("generic requests leave branches on body, query and database results unreached", () => {
    for (const id of Object.keys(CONFIG_CASES)) {
      const w = byId(generic[id]!, id);
      expect(
        w.cases.every((c) => c.round === 1 && !c.name.includes("source reads")),
        id,
      ).toBe(true);
      expect(percent(w.coverage!.lines), id).toBeLessThan(95);
    }
    expect(byId(generic["shop/order"]!, "shop/order").coverage!.uncoveredLines).toEqual(expect.arrayContaining([11, 12, 13, 14, 15, 17, 20]));
  });

  it("source-informed cases reach every line and branch of each function", () => {
    for (const id of Object.keys(CONFIG_CASES)) {
      const w = byId(full, id);
      expect(w.verdict, id).toBe("equal");
      expect(w.coverage!.uncoveredLines, id).toEqual([]);
      expect(w.coverage!.branches.covered, id).toBe(w.coverage!.branches.total);
    }
  });

  it("a JSON body with the fields the function reads, the literals it compares with, and each field left out", () => {
    const names = byId(full, "shop/order").cases.map((c) => c.name);
    expect(names).toContain("POST fields the source reads");
    expect(names).toContain('POST body type = "staff"');
    expect(names).toContain("POST without body email");
  });

  it("documents that match the function's filter, and the same case on an empty database", () => {
    const cases = byId(full, "shop/lookup").cases;
    expect(cases.find((c) => c.name === "GET fields the source reads")!.webhookStatus).toBe(200);
    expect(cases.find((c) => c.name === "GET fields the source reads, empty database")!.webhookStatus).toBe(404);
  });

  it("documents hold the fields the function reads from them; a later round tries values for the branch on one", () => {
    const cases = byId(full, "shop/plan").cases;
    expect(cases.find((c) => c.name === "GET fields the source reads")!.outcome).toBe("equal");
    expect(cases.map((c) => c.name)).toContain("GET without document shop.customers plan");
    expect(cases.filter((c) => c.round === 2).map((c) => c.name)).toContain("GET document shop.customers credits = 11 (for line 10)");
  });

  it("a form body for a function that parses its body with URLSearchParams", () => {
    const names = byId(full, "shop/command").cases.map((c) => c.name);
    expect(names).toContain('POST body action = "echo"');
  });

  it("a second round aims at the branch the first left (qty > 100)", () => {
    const round2 = byId(full, "shop/order").cases.filter((c) => c.round === 2);
    expect(round2.map((c) => c.name)).toContain("POST body qty = 101 (for line 17)");
  });

  it("sums up the four outcomes and the median coverage", () => {
    const s = full.summary;
    expect(s.equal + s.different + s.bothFailed + s.emulatorDefault).toBe(s.cases);
    expect(s.bothFailed).toBeGreaterThan(0); // POST with no body: payload.body.text() throws on both sides
    expect(s.medianLineCoverage).toBe(100);
    expect(s.line).toBe(
      `4 webhooks, ${s.cases} cases: ${s.equal} equal, 0 different, ${s.bothFailed} both failed, ${s.emulatorDefault} emulator default; lines 100% (median)`,
    );
    expect(exitCode(full)).toBe(0);
  });
});

describe("an honest verdict", () => {
  let result: VerifyResult;
  beforeAll(async () => {
    const app = path.join(await tempDir(), "app");
    await cp(fixture("verify-paths"), app, { recursive: true });
    const dir = path.join(app, "http_endpoints/shop/incoming_webhooks/broken");
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, "config.json"),
      JSON.stringify({ name: "broken", options: { httpMethod: "POST", validationMethod: "NO_VALIDATION" }, respond_result: true }),
    );
    await writeFile(
      path.join(dir, "source.js"),
      'exports = function (payload) {\n  const store = context.values.get("missing");\n  return store.orders;\n};\n',
    );
    result = await verify({ original: app, migrated: await migrated(app), timeLimitMs: 5000 });
  }, 120_000);

  it("a function that throws on every request is unproven, with the error and its line", () => {
    const w = byId(result, "shop/broken");
    expect(w.verdict).toBe("unproven");
    expect(w.result).toBe("equal"); // no difference: the old field keeps its meaning
    expect(w.counts.equal).toBe(0);
    expect(w.cases.filter((c) => c.outcome === "bothFailed").length).toBeGreaterThan(0);
    expect(w.unprovenReason).toMatch(/failed the same way on both sides: Cannot read properties of undefined \(reading 'orders'\) \(line 3\)/);
    expect(result.summary.unproven).toBe(1);
    expect(result.summary.line).toMatch(/; 1 unproven$/);
  });

  it("exits 2 for unproven webhooks and webhooks below --min-coverage, 0 otherwise", async () => {
    expect(exitCode(result)).toBe(2);
    const out = await migrated(fixture("verify-paths"));
    const weak = await verify({ original: fixture("verify-paths"), migrated: out, webhooks: ["shop/order"], maxCases: 5, minCoverage: 90, timeLimitMs: 5000 });
    expect(weak.summary.belowMinCoverage).toEqual(["shop/order"]);
    expect(exitCode(weak)).toBe(2);
    const strong = await verify({ original: fixture("verify-paths"), migrated: out, webhooks: ["shop/order"], minCoverage: 90, timeLimitMs: 5000 });
    expect(strong.summary.belowMinCoverage).toEqual([]);
    expect(exitCode(strong)).toBe(0);
  }, 60_000);

  it("platform answers shared by both sides are emulator defaults, not evidence", () => {
    const notAllowed = byId(result, "shop/order").cases.find((c) => c.name === "GET (method not allowed)")!;
    expect(notAllowed.outcome).toBe("emulatorDefault");
    expect(notAllowed.reason).toBe("method-not-allowed (405)");
  });
});

describe("context.user.custom_data", () => {
  // A webhook that runs as the calling user and fetches custom user data: its branches depend on
  // the user's document in the custom user data collection, which verify seeds per case.
  const source = [
    "exports = async function (payload) {",
    "  const tier = context.user.custom_data.tier;",
    "  if (!tier) {",
    "    return { discount: 0 };",
    "  }",
    '  if (tier === "gold") {',
    "    return { discount: 20 };",
    "  }",
    "  return { discount: context.user.custom_data.orders > 5 ? 10 : 5 };",
    "};",
    "",
  ].join("\n");
  let result: VerifyResult;
  beforeAll(async () => {
    const app = path.join(await tempDir(), "app");
    await cp(fixture("verify-paths"), app, { recursive: true });
    await mkdir(path.join(app, "auth"), { recursive: true });
    await writeFile(
      path.join(app, "auth/custom_user_data.json"),
      JSON.stringify({ enabled: true, mongo_service_name: "mongodb-atlas", database_name: "shop", collection_name: "members", user_id_field: "user_id" }),
    );
    const dir = path.join(app, "http_endpoints/shop/incoming_webhooks/member");
    await mkdir(dir, { recursive: true });
    const config = {
      name: "member",
      run_as_authed_user: true,
      fetch_custom_user_data: true,
      options: { httpMethod: "GET", validationMethod: "NO_VALIDATION" },
      respond_result: true,
    };
    await writeFile(path.join(dir, "config.json"), JSON.stringify(config));
    await writeFile(path.join(dir, "source.js"), source);
    result = await verify({ original: app, migrated: await migrated(app), webhooks: ["shop/member"], timeLimitMs: 5000 });
  }, 120_000);

  it("seeds the signed-in user's custom data document and varies the fields the function compares", () => {
    const w = byId(result, "shop/member");
    const names = w.cases.map((c) => c.name);
    expect(names).toContain("GET fields the source reads"); // tier "gold", the first literal compared with
    expect(names).toContain("GET without document shop.members tier");
    expect(names).toContain("GET document shop.members orders = 6 (for line 9)");
    expect(w.verdict).toBe("equal");
    // Lines 4 (no tier), 7 (gold) and 9 are reached only through the user's custom data document.
    expect(w.coverage!.uncoveredLines).toEqual([]);
  });
});

describe("recorded requests and realistic events for GitHub and Twilio webhooks", () => {
  it("uses recorded requests for every service type, and sends push, pull_request and ping events", async () => {
    const out = await migrated(fixture("layout-a-20180301"));
    const requests = path.join(await tempDir(), "requests.jsonl");
    await writeFile(
      requests,
      '{"method":"POST","headers":{"Content-Type":"application/json","X-GitHub-Event":"push"},"body":"{\\"ref\\":\\"refs/heads/recorded\\"}"}\n',
    );
    const r = await verify({ original: fixture("layout-a-20180301"), migrated: out, requestsFile: requests, timeLimitMs: 5000 });
    for (const id of ["gh/onPush", "sms/inbound"])
      expect(
        byId(r, id).cases.map((c) => c.name),
        id,
      ).toContain("recorded #1 POST");
    expect(byId(r, "gh/onPush").cases.map((c) => c.name)).toEqual(
      expect.arrayContaining(["github push event", "github pull_request event", "github ping event"]),
    );
  }, 60_000);
});

describe("--seed", () => {
  it("is read once for the run: a bad seed file stops verify with its reason; a good one seeds every case", async () => {
    const out = await migrated(fixture("verify-paths"));
    const dir = await tempDir();
    await writeFile(path.join(dir, "bad.json"), "{bad");
    await expect(verify({ original: fixture("verify-paths"), migrated: out, seedFile: path.join(dir, "bad.json"), timeLimitMs: 5000 })).rejects.toThrow(
      /seed file is not valid Extended JSON/,
    );
    await writeFile(
      path.join(dir, "seed.json"),
      JSON.stringify({ shop: { customers: [{ _id: { $oid: "64a000000000000000000099" }, email: "seeded@example.com", plan: "pro" }] } }),
    );
    const r = await verify({
      original: fixture("verify-paths"),
      migrated: out,
      seedFile: path.join(dir, "seed.json"),
      webhooks: ["shop/plan"],
      timeLimitMs: 5000,
    });
    expect(byId(r, "shop/plan").verdict).toBe("equal");
  }, 60_000);
});
