// The streaming sinks write exactly what the renderers used to build as one string.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileSink, LineWriter, StringSink } from "../../src/report/sink.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "hookshift-test-sink-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function viaLineWriter(lines: string[]): string {
  const sink = new StringSink();
  const w = new LineWriter(sink);
  for (const l of lines) w.line(l);
  w.end();
  return sink.text();
}

describe("LineWriter", () => {
  const cases: string[][] = [
    ["# title", "", "text", "", ""],
    ["a", "", "", "b"],
    ["only"],
    ["", "", "x", "", "y\n", "", ""],
    ["ends with newlines\n\n"],
    ["", "lead"],
    ["a\n\n", "\n", "", "b\n", "c"],
    ["\n\n", "x\n\ny", "\n"],
  ];
  for (const lines of cases) {
    it(`joins ${JSON.stringify(lines)} like join("\\n") with the trailing newlines trimmed to one`, () => {
      expect(viaLineWriter(lines)).toBe(lines.join("\n").replace(/\n+$/, "") + "\n");
    });
  }
});

describe("FileSink", () => {
  it("writes every part in order across its chunk boundary, and the file equals the joined text", () => {
    const file = path.join(dir, "out.txt");
    const sink = new FileSink(file);
    const parts = Array.from({ length: 3000 }, (_, i) => `part ${i} ${"é\u{1F600}".repeat(i % 700)}\n`);
    parts.splice(1500, 0, "a large part ".repeat(20_000), "\u4E2D".repeat(50_000)); // larger than the buffer
    for (const p of parts) sink.write(p);
    sink.close();
    expect(readFileSync(file, "utf8")).toBe(parts.join(""));
  });

  it("hands its buffer to the next sink: each file holds only its own text, and a write after close is refused", () => {
    const [a, b] = [path.join(dir, "a.txt"), path.join(dir, "b.txt")];
    const first = new FileSink(a);
    first.write("first file\n");
    first.close();
    first.close(); // a second close does nothing
    const second = new FileSink(b);
    expect(() => first.write("late")).toThrow(/write after close/);
    second.write("second\n");
    second.close();
    expect(readFileSync(a, "utf8")).toBe("first file\n");
    expect(readFileSync(b, "utf8")).toBe("second\n");
  });
});
