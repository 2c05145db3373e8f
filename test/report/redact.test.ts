import { describe, expect, it } from "vitest";
import { REDACTED, redact, trieSource } from "../../src/report/build.js";

describe("secret redaction", () => {
  it("replaces every secret, the longest first when one contains another, in every string of a value", () => {
    const out = redact({ a: "x ab abc abd abz", b: ["a.b", { c: "q-ab-1" }], n: 1 }, ["ab", "abc", "abd", "a.b"]);
    expect(out).toEqual({ a: `x ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED}z`, b: [REDACTED, { c: `q-${REDACTED}-1` }], n: 1 });
  });

  it("escapes regex characters and builds one trie-shaped pattern", () => {
    expect(trieSource(["abc", "abd", "ab", "x.y"])).toBe("(?:ab(?:c|d|)|x\\.y)");
    expect(redact("(s3cr3t)+[x]", ["(s3cr3t)+[x]"])).toBe(REDACTED);
  });

  it("thousands of secrets sharing a prefix: each one whole", () => {
    const secrets = Array.from({ length: 5000 }, (_, i) => `fixture-secret-${i}`);
    expect(redact("a fixture-secret-4999 b fixture-secret-12 c", secrets)).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });
});
