// Every rule against its fixtures, as ESLint's RuleTester checks a rule: each case's output is
// exact, skip_ cases stay unchanged, a second run changes nothing (OpenRewrite's rule), and where a
// case lists them, the findings (detection and fix: code, message, position) and the endpoint
// fields are exactly those; every output compiles. Each rule with a fix has a comment and a CRLF case.
// HOOKSHIFT_UPDATE_EXPECTED=1 writes missing or changed outputs for review.

import { writeFileSync } from "node:fs";
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import { detectCase, ruleCases, runCase, type RuleCase } from "../../src/rewrite/fixtures.js";
import { RULES } from "../../src/rewrite/registry.js";
import type { Rule } from "../../src/rewrite/types.js";

const update = process.env.HOOKSHIFT_UPDATE_EXPECTED === "1";

function endpointAfter(c: RuleCase, rule: Rule): Record<string, unknown> {
  const out = runCase(rule, c);
  const endpoint: Record<string, unknown> = { ...c.context.endpoint, ...out.endpointPatch };
  for (const k of out.endpointDrop) delete endpoint[k];
  return endpoint;
}

for (const rule of RULES) {
  describe(`rule ${rule.meta.id}`, () => {
    const cases = ruleCases(rule.meta.id);

    it(rule.transform ? "has fixtures: a basic, a comment and a CRLF case, and a skip case" : "has fixtures: a case it reports and a skip case", () => {
      const names = cases.map((c) => c.name);
      if (rule.transform) expect(names).toEqual(expect.arrayContaining(["basic", "comments", "crlf"]));
      else expect(cases.some((c) => !c.skip && (c.findings?.length ?? 0) > 0)).toBe(true);
      expect(names.some((n) => n.startsWith("skip_"))).toBe(true);
    });

    for (const c of cases) {
      it(`${c.name}: ${c.skip || !rule.transform ? "comes out unchanged" : "matches its output"}, and a second run changes nothing`, () => {
        const once = runCase(rule, c);
        if (c.skip || !rule.transform) {
          expect(once.text).toBe(c.input);
          expect(once.applied).toEqual([]);
        } else {
          if (update && once.text !== c.output) writeFileSync(c.outputFile, once.text);
          else expect(once.text).toBe(c.output);
          expect(() => new Script(once.text), "the rewritten source compiles").not.toThrow();
          expect(runCase(rule, c, once.text).text).toBe(once.text);
        }
        if (c.findings) {
          const found = [...detectCase(rule, c), ...once.findings];
          expect(found.map((f) => f.code)).toEqual(c.findings.map((f) => f.code));
          c.findings.forEach((want, i) => {
            const got = found[i]!;
            if (want.message !== undefined) expect(got.message).toBe(want.message);
            if (want.line !== undefined) expect([got.line, got.column]).toEqual([want.line, want.column]);
          });
        }
        if (c.endpoint) {
          const endpoint = endpointAfter(c, rule);
          for (const [k, v] of Object.entries(c.endpoint)) expect(endpoint[k], k).toEqual(v === null ? undefined : v);
        }
      });
    }

    if (rule.transform) {
      it("keeps comments and quotes byte for byte, and CRLF line endings", () => {
        const comments = cases.find((c) => c.name === "comments")!;
        const out = runCase(rule, comments).text;
        for (const line of comments.input.split("\n").filter((l) => /\/\/|\/\*|'/.test(l))) {
          // A rewritten line keeps its comment; an untouched one is there whole.
          const comment = /(\/\/.*|\/\*.*)$/.exec(line)?.[1];
          expect(out).toContain(comment ?? line);
        }
        const crlf = cases.find((c) => c.name === "crlf")!;
        const crlfOut = runCase(rule, crlf).text;
        expect(crlfOut.replace(/\r\n/g, "")).not.toContain("\n");
      });
    }
  });
}

describe("legacy-http-service reads the reader's parse, not a ts-morph tree", () => {
  const noTree = () => {
    throw new Error("tree() called");
  };
  it("edits every fixture case without building a tree", () => {
    const rule = RULES.find((r) => r.meta.id === "legacy-http-service")!;
    for (const c of ruleCases(rule.meta.id)) {
      const withTree = runCase(rule, c).text;
      const edits = rule.transform!(c.input, { ...c.context, eol: c.input.includes("\r\n") ? "\r\n" : "\n" }, noTree).edits;
      expect(edits.length > 0).toBe(withTree !== c.input);
    }
  });
});
