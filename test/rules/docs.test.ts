import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { explainRule, renderRulesDoc } from "../../src/rewrite/docs.js";
import { RULES } from "../../src/rewrite/registry.js";
import { ruleCases } from "../../src/rewrite/fixtures.js";
import { REPO } from "../helpers.js";
// @ts-expect-error: a plain .mjs script, without types
import { renderRuleDocsModule } from "../../scripts/gen-rule-docs.mjs";

describe("rule documentation", () => {
  it("docs/rules.md is generated from the rules (run `npm run docs:rules` after changing a rule)", async () => {
    expect(await readFile(path.join(REPO, "docs/rules.md"), "utf8")).toBe(renderRulesDoc());
  });

  it("the embedded pages and examples match src/rewrite/rules/*.md and the basic fixtures (run `npm run docs:rules`)", async () => {
    expect(await readFile(path.join(REPO, "src/rewrite/rules/docs.generated.ts"), "utf8")).toBe(renderRuleDocsModule());
  });

  it("every rule has an id, a risk class, a description, a page of its own, and an example when it has a fix", async () => {
    for (const r of RULES) {
      expect(r.meta.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(["safe", "semantic-change", "needs-review"]).toContain(r.meta.risk);
      expect(r.meta.description.length).toBeGreaterThan(20);
      expect(r.meta.docs).toBe((await readFile(path.join(REPO, "src/rewrite/rules", `${r.meta.id}.md`), "utf8")).trimEnd());
      const basic = ruleCases(r.meta.id).find((c) => c.name === "basic");
      if (r.transform) expect(explainRule(r)).toContain(basic!.output!.trimEnd());
    }
  });
});
