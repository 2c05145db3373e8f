// Early Stitch ("namespace") collection rules in a pre-2021 export: the upgrade turns them into a
// 20210101 data source rule (rules.json + schema.json) instead of setting them aside, and names
// every part it cannot carry over at its line and column. Input: test/upgrade/fixtures/stitch-rules.

import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/app/findings.js";
import { readApp } from "../../src/app/read/index.js";
import { migrate, type MigrateOptions, type MigrateResult } from "../../src/commands/migrate.js";
import { convertStitchRule, splitNamespace } from "../../src/upgrade/stitch-rules.js";
import { REPO, tempDir, treeFingerprint } from "../helpers.js";

const INPUT = path.join(REPO, "test", "upgrade", "fixtures", "stitch-rules", "app");
const RULE_FILE = "services/mongodb-atlas/rules/restaurants.reviews.json";
const OUT_DIR = "data_sources/mongodb-atlas/restaurants/reviews";
const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };

/** 1-based line and column of `needle` in `text`, searching from the first `after` (when given). */
function pos(text: string, needle: string, after?: string): { line: number; column: number } {
  const from = after === undefined ? 0 : text.indexOf(after);
  expect(from, `anchor ${after}`).toBeGreaterThanOrEqual(0);
  const i = text.indexOf(needle, from);
  expect(i, `needle ${needle}`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, i).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe("early Stitch namespace rule in a 20180301 export → data_sources/<svc>/<db>/<coll>/", () => {
  let input: string;
  let out: string;
  let before: Record<string, string>;
  let result: MigrateResult;
  let ruleText: string;
  let findings: Finding[];
  const json = async (p: string) => JSON.parse(await readFile(path.join(out, p), "utf8"));

  beforeAll(async () => {
    const tmp = await tempDir();
    input = path.join(tmp, "app");
    await cp(INPUT, input, { recursive: true });
    before = await treeFingerprint(input);
    out = path.join(tmp, "out");
    result = await migrate({ ...base, app: input, out });
    ruleText = await readFile(path.join(input, RULE_FILE), "utf8");
    findings = result.plan!.findings.filter((f) => f.file === RULE_FILE);
  });

  it("places the rule by its namespace instead of setting it aside", async () => {
    const files = Object.keys(await treeFingerprint(out));
    expect(files).toContain(`${OUT_DIR}/rules.json`);
    expect(files).toContain(`${OUT_DIR}/schema.json`);
    expect(files.some((f) => f.startsWith("hookshift-unplaced"))).toBe(false);
    expect(findings.map((f) => f.code)).not.toContain("rule-without-collection");
    expect(await treeFingerprint(input)).toEqual(before);
    const app = await readApp(out);
    expect(app.configVersion).toBe("20210101");
    expect(app.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("rules.json: one role from read/write/fields/other_fields, filters from when/match_expression", async () => {
    expect(await json(`${OUT_DIR}/rules.json`)).toEqual({
      database: "restaurants",
      collection: "reviews",
      roles: [
        {
          name: "stitch_rule",
          apply_when: {},
          insert: true,
          delete: true,
          read: { "%or": [{ owner_id: "%%user.id" }, { published: true }] },
          // %%prevRoot is documented for role write expressions: carried as is.
          write: { "%or": [{ "%%prevRoot.owner_id": "%%user.id" }, { "%%prevRoot": { "%exists": false } }] },
          fields: {
            // %%prev / %%this of a field rule name that field from the document.
            rating: { read: {}, write: { "%%prevRoot.rating": { "%exists": false } } },
            // Unmappable permissions deny, so additional_fields does not decide for the field.
            moderator_notes: { read: false, write: false },
            address: { fields: { city: { read: {}, write: { "%%root.address.city": { "%exists": true } } } } },
          },
          additional_fields: { read: { owner_id: "%%user.id" }, write: {} },
        },
      ],
      filters: [{ name: "stitch_filter_1", apply_when: { "%%user.data.role": "guest" }, query: { published: true }, projection: {} }],
    });
  });

  it("schema.json: the valid rules become validate expressions (a bare value means the field equals it)", async () => {
    expect(await json(`${OUT_DIR}/schema.json`)).toEqual({
      bsonType: "object",
      validate: { "%%root.restaurant_id": { "%exists": true } },
      properties: {
        owner_id: { validate: { "%%this": "%%user.id" } },
        rating: { validate: { "%%this": { "%gte": 1 } } },
      },
    });
  });

  it("each part without a 20210101 equivalent is a finding at its line:column with what to do", () => {
    const unmappable = findings.filter((f) => f.code === "stitch-rule-unmappable");
    const at = (f: Finding) => ({ line: f.line, column: f.column });
    expect(unmappable).toHaveLength(3);
    for (const f of unmappable) {
      expect(f).toMatchObject({ severity: "warning", needsReview: true, rule: "upgrade/stitch-rules", file: RULE_FILE });
      expect(f.hint).toBeTruthy();
    }
    const prevRead = unmappable.find((f) => f.message.includes("moderator_notes's read"))!;
    expect(at(prevRead)).toEqual(pos(ruleText, '"%%prevRoot.owner_id"', '"moderator_notes"'));
    expect(prevRead.message).toContain('{"%%prevRoot.owner_id":"%%user.id"}');
    expect(prevRead.hint).toMatch(/write|validate/);
    const pipeline = unmappable.find((f) => f.message.includes("%pipeline"))!;
    expect(at(pipeline)).toEqual(pos(ruleText, '"%pipeline"'));
    expect(pipeline.message).toContain("isModerator");
    expect(pipeline.hint).toMatch(/%function/);
    const filter = unmappable.find((f) => f.message.includes("filter 2"))!;
    expect(at(filter)).toEqual(pos(ruleText, '"%%prevRoot.owner_id"', '"filters"'));
    expect(filter.message).toContain('{"owner_id":"%%user.id"}');

    const converted = findings.find((f) => f.code === "stitch-rule-converted")!;
    expect(converted).toMatchObject({ needsReview: true, ...pos(ruleText, '"namespace"') });
    expect(findings.find((f) => f.code === "dropped-server-id")).toMatchObject(pos(ruleText, '"id"'));
  });

  it("the report lists the move and marks the new files for review", () => {
    const move = result.report!.upgrade!.moves.find((m) => m.from === RULE_FILE);
    expect(move).toMatchObject({ to: [`${OUT_DIR}/rules.json`, `${OUT_DIR}/schema.json`], kind: "split into", rule: "upgrade/stitch-rules" });
    const file = result.report!.files.find((f) => f.path === `${OUT_DIR}/rules.json`);
    expect(file?.ruleRisks).toEqual([{ rule: "upgrade/stitch-rules", risk: "needs-review" }]);
  });

  it("re-running migrate on the output changes nothing", async () => {
    const again = await migrate({ ...base, app: out, out: path.join(out, "..", "out2") });
    expect(again.plan!.files).toEqual([]);
  });
});

describe("convertStitchRule (pure)", () => {
  const run = (rule: Record<string, unknown>) => {
    const text = JSON.stringify(rule, null, 4);
    return convertStitchRule(rule, text, "services/m/rules/r.json")!;
  };

  it("splits the namespace at the first dot (collection names may hold dots)", () => {
    expect(splitNamespace("shop.orders.archive")).toEqual({ database: "shop", collection: "orders.archive" });
    expect(splitNamespace("nodot")).toBeUndefined();
    expect(splitNamespace(".coll")).toBeUndefined();
    expect(convertStitchRule({ namespace: "nodot" }, "{}", "r.json")).toBeUndefined();
  });

  it("a document read on %%prevRoot is left out (fields decide); other_fields with %%this is left out", () => {
    const r = run({ namespace: "a.b", read: { "%%prevRoot.x": 1 }, write: true, other_fields: { read: { "%%this": 1 }, write: false } });
    const role = (r.rules.roles as Record<string, unknown>[])[0]!;
    expect(role).not.toHaveProperty("read");
    expect(role.write).toBe(true);
    expect(role.additional_fields).toEqual({ write: false });
    expect(r.findings.filter((f) => f.code === "stitch-rule-unmappable")).toHaveLength(2);
    expect(r.schema).toBeUndefined();
  });

  it("a filter with a named pipeline is left out; a filter already in the new shape keeps its fields", () => {
    const r = run({
      namespace: "a.b",
      filters: [
        { when: {}, match_expression: { owner: { "%%true": { "%pipeline": { name: "p" } } } } },
        { name: "mine", apply_when: { "%%user.id": { "%exists": true } }, query: { owner: "%%user.id" }, projection: { secret: 0 } },
      ],
    });
    expect(r.rules.filters).toEqual([
      { name: "mine", apply_when: { "%%user.id": { "%exists": true } }, query: { owner: "%%user.id" }, projection: { secret: 0 } },
    ]);
    const f = r.findings.find((x) => x.code === "stitch-rule-unmappable")!;
    expect(f.message).toContain("filter 1's match_expression calls a named pipeline");
    expect(f.line).toBeGreaterThan(1);
  });

  it("other_fields.valid and unknown keys are findings; dotted field names nest", () => {
    const r = run({
      namespace: "a.b",
      fields: { "address.zip": { write: {}, valid: { "%%this": { "%exists": true } } } },
      other_fields: { valid: {} },
      shards: 2,
    });
    const role = (r.rules.roles as Record<string, unknown>[])[0]!;
    expect(role.fields).toEqual({ address: { fields: { zip: { write: {} } } } });
    expect(r.schema).toEqual({ bsonType: "object", properties: { address: { properties: { zip: { validate: { "%%this": { "%exists": true } } } } } } });
    const messages = r.findings.filter((f) => f.code === "stitch-rule-unmappable").map((f) => f.message);
    expect(messages.some((m) => m.includes("other_fields has a valid rule"))).toBe(true);
    expect(messages.some((m) => m.includes('"shards"'))).toBe(true);
  });
});
