// The rewrite engine's own contract, with small made-up rules and the real ones: the ts-morph tree
// wraps the reader's own parse (no second one), edits apply in one pass leaving other bytes alone,
// the rules' run-time parts make one compat block, overlapping edits and a throwing rule become
// findings while the other rules still apply.

import { describe, expect, it } from "vitest";
import type { SourceFile } from "ts-morph";
import { SyntaxKind, ts as morphTs } from "ts-morph";
import { ts } from "../../src/util/typescript.js";
import { factsOf, parseSource, treeOf } from "../../src/app/source-facts.js";
import { checkSource } from "../../src/app/read/source.js";
import { rewriteSource } from "../../src/rewrite/engine.js";
import { ruleCases, webhookContext } from "../../src/rewrite/fixtures.js";
import { RULES } from "../../src/rewrite/registry.js";
import type { Rule, RuleResult } from "../../src/rewrite/types.js";

const ctx = ruleCases("legacy-http-service").find((c) => c.name === "basic")!.context;
const SOURCE = "exports = function (payload) {\r\n  // keep me\r\n  return payload.query.a; /* and me */\r\n};\r\n";

function rule(id: string, transform: Rule["transform"]): Rule {
  return { meta: { id, description: id, risk: "safe", docs: id }, transform };
}

describe("rewrite engine", () => {
  it("builds one ts-morph tree for all the rules that ask, and edits in one pass", () => {
    const trees: SourceFile[] = [];
    const renameReturn = rule("rename", () => ({
      edits: [],
      findings: [],
      inFunction(tree) {
        const sf = tree();
        trees.push(sf);
        const ret = sf.getDescendantsOfKind(SyntaxKind.ReturnStatement)[0]!.getExpressionOrThrow();
        return { edits: [{ start: ret.getStart(), end: ret.getEnd(), text: "payload.query.b" }] };
      },
    }));
    const alsoTree = rule("also", () => ({
      edits: [],
      findings: [],
      inFunction(tree) {
        trees.push(tree());
        return { edits: [] };
      },
    }));
    const out = rewriteSource(SOURCE, "f.js", [renameReturn, alsoTree], ctx);
    expect(out.text).toBe(SOURCE.replace("payload.query.a", "payload.query.b"));
    expect(trees).toHaveLength(2);
    expect(trees[0]).toBe(trees[1]);
    expect(trees[0]!.getFullText()).toBe(SOURCE);
    expect(out.applied).toEqual([
      { rule: "rename", risk: "safe" },
      { rule: "also", risk: "safe" },
    ]);
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

  it("a rule whose part inside the function throws changes nothing: its endpoint fields and Values go with it", () => {
    const half = rule("half", () => ({
      edits: [],
      findings: [],
      endpointPatch: { validation_method: "NO_VALIDATION" },
      values: [{ name: "v", value: "s", from_secret: true }],
      inFunction() {
        throw new Error("no tree for this");
      },
    }));
    const out = rewriteSource(SOURCE, "f.js", [half], ctx);
    expect(out.text).toBe(SOURCE);
    expect(out.findings.map((f) => [f.code, f.rule])).toEqual([["rule-failed", "half"]]);
    expect([out.applied, out.endpointPatch, out.values]).toEqual([[], {}, []]);
  });

  it("the reader's compiler and ts-morph's bundled one number syntax kinds alike (createWrappedNode over the reader's tree needs it)", () => {
    const names = Object.keys(ts.SyntaxKind).filter((k) => Number.isNaN(Number(k)));
    expect(names.length).toBeGreaterThan(300);
    for (const k of names) expect(morphTs.SyntaxKind[k as keyof typeof morphTs.SyntaxKind], k).toBe(ts.SyntaxKind[k as keyof typeof ts.SyntaxKind]);
  });

  it("wraps the reader's parse: the tree rules get is the one the reader's facts came from", () => {
    const facts = factsOf(parseSource(SOURCE));
    const readers = treeOf(facts);
    let seen: unknown;
    const look = rule("look", () => ({
      edits: [],
      findings: [],
      inFunction(tree) {
        seen = tree().compilerNode;
        return { edits: [] };
      },
    }));
    rewriteSource(SOURCE, "f.js", [look], ctx, facts);
    expect(seen).toBe(readers);
    expect(treeOf(facts)).toBeUndefined(); // released after its last use
  });

  it("files every tree at the root of ts-morph's file system, whatever the source's path", () => {
    // createWrappedNode builds (and stats) a folder per level of the tree's name, for every source:
    // the reader's trees are named /source.js, and findings still carry the real path.
    const file = "http_endpoints/svc12/incoming_webhooks/hook600/source.js";
    const bad = "exports = function (payload) {\n  return payload.;\n};\n";
    const { facts, findings } = checkSource(bad.replace("payload.;", "payload.query;"), file);
    let filed: string | undefined;
    const look = rule("look", () => ({
      edits: [],
      findings: [],
      inFunction(tree) {
        filed = tree().getFilePath();
        return { edits: [] };
      },
    }));
    rewriteSource(bad.replace("payload.;", "payload.query;"), file, [look], ctx, facts);
    expect(findings).toEqual([]);
    expect(filed).toBe("/source.js");
    expect(checkSource(bad, file).findings[0]).toMatchObject({ file, line: 2, severity: "error" });
  });

  it("puts every rule's run-time part in one compat block, and adds a missing parameter once for all the rules that need it", () => {
    const source = 'exports = function(payload) {\n    context.functions.execute("ping", payload.query);\n    return { ok: true };\n};\n';
    const pick = (...ids: string[]) => RULES.filter((r) => ids.includes(r.meta.id));
    // HEAD, VERIFY_PAYLOAD, Respond With Result off: two statements at the start, one block after.
    const c = webhookContext({ config: { httpMethod: "HEAD", validationMethod: "VERIFY_PAYLOAD", secret: "s", respondResult: false } });
    const out = rewriteSource(source, "f.js", pick("respond-result-off", "signature-header", "head-method"), c);
    expect(out.text!.startsWith("exports = function(payload, response) {\n    // hookshift:respond-result-off - ")).toBe(true);
    expect(out.text!.match(/exports = \(function \(handler\)/g)).toHaveLength(1);
    expect(out.text).toContain("// - hookshift:head-method - ");
    expect(out.applied.map((a) => a.rule)).toEqual(["respond-result-off", "signature-header", "head-method"]);
    expect(out.findings).toEqual([]);
    // A second run changes nothing.
    expect(rewriteSource(out.text!, "f.js", pick("respond-result-off", "signature-header", "head-method"), c).text).toBe(out.text);

    // Response methods and HEAD: both run-time parts share one block and one tracked response.
    const methods = "exports = function(payload, response) {\n    response.setStatusCode(201);\n    return { ok: true };\n};\n";
    const both = rewriteSource(methods, "f.js", pick("respond-result-response-methods", "head-method"), webhookContext({ config: { httpMethod: "HEAD" } }));
    expect(both.text!.startsWith(methods)).toBe(true);
    const block = both.text!.slice(methods.length);
    expect(block.match(/hookshift:/g)).toHaveLength(3);
    expect(block).toContain('if (used && !bodySet) response.setBody("");\n      response.setBody("");');
  });
});
