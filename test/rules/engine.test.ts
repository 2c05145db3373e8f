// The rewrite engine's own contract, with small made-up rules: the ts-morph tree is built once per
// source, edits apply in one pass leaving other bytes alone, overlapping edits and a
// throwing rule become findings while the other rules still apply.

import { describe, expect, it } from "vitest";
import type { SourceFile } from "ts-morph";
import { SyntaxKind } from "ts-morph";
import { rewriteSource } from "../../src/rewrite/engine.js";
import { ruleCases } from "../../src/rewrite/fixtures.js";
import type { Rule, RuleResult } from "../../src/rewrite/types.js";

const ctx = ruleCases("legacy-http-service").find((c) => c.name === "basic")!.context;
const SOURCE = 'exports = function (payload) {\r\n  // keep me\r\n  return payload.query.a; /* and me */\r\n};\r\n';

function rule(id: string, transform: Rule["transform"]): Rule {
  return { meta: { id, description: id, risk: "safe", docs: id }, transform };
}

describe("rewrite engine", () => {
  it("builds one ts-morph tree for all the rules that ask, and edits in one pass", () => {
    const trees: SourceFile[] = [];
    const renameReturn = rule("rename", (text, _ctx, tree) => {
      const sf = tree();
      trees.push(sf);
      const ret = sf.getDescendantsOfKind(SyntaxKind.ReturnStatement)[0]!.getExpressionOrThrow();
      return { edits: [{ start: ret.getStart(), end: ret.getEnd(), text: "payload.query.b" }], findings: [] };
    });
    const alsoTree = rule("also", (_text, _ctx, tree) => {
      trees.push(tree());
      return { edits: [], findings: [] };
    });
    const out = rewriteSource(SOURCE, "f.js", [renameReturn, alsoTree], ctx);
    expect(out.text).toBe(SOURCE.replace("payload.query.a", "payload.query.b"));
    expect(trees).toHaveLength(2);
    expect(trees[0]).toBe(trees[1]);
    expect(trees[0]!.getFullText()).toBe(SOURCE);
    expect(out.applied).toEqual([{ rule: "rename", risk: "safe" }]);

  });

  it("reports overlapping edits and a throwing rule as findings, and applies the rest", () => {
    const at = SOURCE.indexOf("payload.query.a");
    const edit = (text: string): RuleResult => ({ edits: [{ start: at, end: at + "payload.query.a".length, text }], findings: [] });
    const first = rule("first", () => edit("x"));
    const second = rule("second", () => edit("y"));
    const broken = rule("broken", () => {
      throw new Error("cannot read this");
    });
    const out = rewriteSource(SOURCE, "f.js", [first, broken, second], ctx);
    expect(out.text).toBe(SOURCE.replace("payload.query.a", "x"));
    expect(out.findings.map((f) => [f.code, f.rule])).toEqual([
      ["rule-failed", "broken"],
      ["overlapping-edits", "second"],
    ]);
    expect(out.findings[1]).toMatchObject({ line: 3, needsReview: true });
  });
});
