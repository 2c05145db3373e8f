// Every rule against its fixtures: each case's output is exact, skip_ cases stay unchanged, and a
// second run changes nothing (OpenRewrite's rule). Each rule has a comment and a CRLF case.
// HOOKSHIFT_UPDATE_EXPECTED=1 writes missing or changed outputs for review.

import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ruleCases, runCase } from "../../src/rewrite/fixtures.js";
import { RULES } from "../../src/rewrite/registry.js";

const update = process.env.HOOKSHIFT_UPDATE_EXPECTED === "1";

for (const rule of RULES) {
  describe(`rule ${rule.meta.id}`, () => {
    const cases = ruleCases(rule.meta.id);

    it("has fixtures: a basic, a comment and a CRLF case, and a skip case", () => {
      const names = cases.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(["basic", "comments", "crlf"]));
      expect(names.some((n) => n.startsWith("skip_"))).toBe(true);
    });

    for (const c of cases) {
      it(`${c.name}: ${c.skip ? "comes out unchanged" : "matches its output"}, and a second run changes nothing`, () => {
        const once = runCase(rule, c);
        if (c.skip) {
          expect(once.text).toBe(c.input);
          expect(once.applied).toEqual([]);
          return;
        }
        if (update && once.text !== c.output) writeFileSync(c.outputFile, once.text);
        else expect(once.text).toBe(c.output);
        expect(once.text.startsWith(c.input.slice(0, Math.min(40, c.input.length))) || once.text.includes("hookshift")).toBe(true);
        const twice = runCase(rule, c, once.text);
        expect(twice.text).toBe(once.text);
      });
    }

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
  });
}

describe("the service-client rules read the reader's parse, not a ts-morph tree", () => {
  const noTree = () => {
    throw new Error("tree() called");
  };
  for (const id of ["legacy-http-service", "twilio-payload"]) {
    it(`${id} edits every fixture case without building a tree`, () => {
      const rule = RULES.find((r) => r.meta.id === id)!;
      for (const c of ruleCases(id)) {
        const withTree = runCase(rule, c).text;
        const edits = rule.transform(c.input, { ...c.context, eol: c.input.includes("\r\n") ? "\r\n" : "\n" }, noTree).edits;
        expect(edits.length > 0).toBe(withTree !== c.input);
      }
    });
  }
});
