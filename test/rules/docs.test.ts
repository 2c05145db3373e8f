import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderRulesDoc } from "../../src/rewrite/docs.js";
import { RULES } from "../../src/rewrite/registry.js";
import { REPO } from "../helpers.js";

describe("rule documentation", () => {
  it("docs/rules.md is generated from the rules (run `npm run docs:rules` after changing a rule)", async () => {
    expect(await readFile(path.join(REPO, "docs/rules.md"), "utf8")).toBe(renderRulesDoc());
  });

  it("every rule has an id, a risk class, a description and docs", () => {
    for (const r of RULES) {
      expect(r.meta.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(["safe", "semantic-change", "needs-review"]).toContain(r.meta.risk);
      expect(r.meta.description.length).toBeGreaterThan(20);
      expect(r.meta.docs.length).toBeGreaterThan(100);
    }
  });
});
