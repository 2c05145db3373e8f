// report.json's bytes go to the Markdown worker in shared memory; they must be exactly the UTF-8 of
// the JSON text and its final newline, whatever characters the migrated sources hold.

import { describe, expect, it } from "vitest";
import { sharedUtf8 } from "../../src/report/render-files.js";

describe("sharedUtf8", () => {
  it("holds the UTF-8 of the text and then of the end, in a SharedArrayBuffer", () => {
    for (const text of ["", "{}", '{ "a": "«redacted»" }', "emoji \u{1F600} and é and \u4E2D", "x".repeat(70_000)]) {
      const bytes = sharedUtf8(text, "\n");
      expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.from(bytes).equals(Buffer.from(text + "\n", "utf8"))).toBe(true);
    }
    expect(new TextDecoder().decode(sharedUtf8("é"))).toBe("é");
  });
});
