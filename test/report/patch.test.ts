// twoFilesPatch trims the shared head and tail before jsdiff sees the texts: its patches must
// apply to give the new text, and equal jsdiff's own where the alignment is unambiguous.

import { applyPatch, createTwoFilesPatch } from "diff";
import { describe, expect, it } from "vitest";
import { twoFilesPatch } from "../../src/report/patch.js";

/** A small deterministic random source, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function randomCase(seed: number, unique: boolean): { before: string; after: string } {
  const r = rng(seed);
  const n = 150 + Math.floor(r() * 400);
  const line = (i: number) => (unique ? `line ${seed}-${i}` : `v${Math.floor(r() * 4)}`);
  const a = Array.from({ length: n }, (_, i) => line(i));
  const b = [...a];
  for (let e = 0, edits = 1 + Math.floor(r() * 4); e < edits; e++) {
    const at = Math.floor(r() * b.length);
    const kind = r();
    if (kind < 0.4) b.splice(at, 0, ...Array.from({ length: 1 + Math.floor(r() * 30) }, (_, i) => `added ${seed}-${e}-${i}`));
    else if (kind < 0.7) b.splice(at, 1 + Math.floor(r() * 5));
    else b[at] = `changed ${seed}-${e}`;
  }
  const end = (lines: string[], newline: boolean) => lines.join("\n") + (newline ? "\n" : "");
  return { before: end(a, r() < 0.8), after: end(b, r() < 0.8) };
}

describe("twoFilesPatch", () => {
  it("gives jsdiff's own patch when every line is distinct (an append to a long manifest, say)", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { before, after } = randomCase(seed, true);
      expect(twoFilesPatch("a/f", "b/f", before, after), `seed ${seed}`).toBe(
        createTwoFilesPatch("a/f", "b/f", before, after, undefined, undefined, { context: 3 }),
      );
    }
  });

  it("gives a patch that turns the old text into the new one when lines repeat", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { before, after } = randomCase(seed, false);
      expect(applyPatch(before, twoFilesPatch("a/f", "b/f", before, after)), `seed ${seed}`).toBe(after);
    }
  });

  it("has no hunk for equal texts and handles empty sides", () => {
    const text = Array.from({ length: 300 }, (_, i) => `l${i}`).join("\n") + "\n";
    expect(twoFilesPatch("a/f", "b/f", text, text)).not.toContain("@@");
    expect(applyPatch("", twoFilesPatch("/dev/null", "b/f", "", text))).toBe(text);
    expect(applyPatch(text, twoFilesPatch("a/f", "/dev/null", text, ""))).toBe("");
  });

  it("gives jsdiff's own patch for a file added or removed whole", () => {
    const texts = ["x", "x\n", "\n", "\n\n", "a\r\nb\r\n", "a\nb", "a\n\nb\n", "exports = function () {\n  return 1;\n};\n"];
    for (let seed = 1; seed <= 30; seed++) {
      const { before } = randomCase(seed, seed % 2 === 0);
      texts.push(before.slice(0, 40 + seed * 7));
    }
    const jsdiff = (o: string, n: string, a: string, b: string) => createTwoFilesPatch(o, n, a, b, undefined, undefined, { context: 3 });
    for (const text of texts) {
      expect(twoFilesPatch("/dev/null", "b/f", "", text), JSON.stringify(text)).toBe(jsdiff("/dev/null", "b/f", "", text));
      expect(twoFilesPatch("a/f", "/dev/null", text, ""), JSON.stringify(text)).toBe(jsdiff("a/f", "/dev/null", text, ""));
    }
  });

  it("gives jsdiff's own patch for one block of change in a small file, at either end too", () => {
    const jsdiff = (a: string, b: string) => createTwoFilesPatch("a/f", "b/f", a, b, undefined, undefined, { context: 3 });
    let checked = 0;
    for (const n of [1, 2, 5, 9]) {
      for (const newline of [true, false]) {
        const lines = Array.from({ length: n }, (_, i) => `line ${i}`);
        const text = (l: string[]) => l.join("\n") + (newline && l.length > 0 ? "\n" : "");
        for (let at = 0; at <= n; at++) {
          for (const [cut, insert] of [
            [1, ["new"]],
            [0, ["new 1", "new 2"]],
            [2, []],
            [1, []],
          ] as const) {
            if (at + cut > n) continue;
            const after = [...lines];
            after.splice(at, cut, ...insert);
            expect(twoFilesPatch("a/f", "b/f", text(lines), text(after)), `${n} ${newline} ${at} ${cut}`).toBe(jsdiff(text(lines), text(after)));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(80);
  });
});
