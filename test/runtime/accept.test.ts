// The endpoint's Accept negotiation (src/runtime/accept.ts; docs/parity.md, "Responses").

import { describe, expect, it } from "vitest";
import { negotiateEncoding, parseAccept, weightOf } from "../../src/runtime/accept.js";
import { chooseEncoding } from "../../src/runtime/endpoint.js";

describe("Accept header parsing", () => {
  it("reads media ranges with q values, case-insensitively, skipping malformed elements", () => {
    expect(parseAccept('Application/JSON;q=0.5, text/plain; charset="a,b", */*;q=0.1, bogus, */json, x/y;q=2')).toEqual([
      { type: "application", subtype: "json", q: 0.5 },
      { type: "text", subtype: "plain", q: 1 },
      { type: "*", subtype: "*", q: 0.1 },
    ]);
  });

  it("weighs a type by its most specific matching range", () => {
    const r = parseAccept("application/*;q=0.4, */*;q=0.2, application/ejson;q=0.9");
    expect(weightOf(r, "application", "ejson")).toBe(0.9);
    expect(weightOf(r, "application", "json")).toBe(0.4);
    expect(weightOf(parseAccept("text/html"), "application", "json")).toBe(0);
  });
});

describe("endpoint encoding", () => {
  it("a single named format overrides return_type (the documented headers)", () => {
    expect(chooseEncoding("application/json", "EJSON")).toBe("JSON");
    expect(chooseEncoding("application/ejson", "JSON")).toBe("EJSON");
    expect(negotiateEncoding("application/ejson", "JSON")).toEqual({ encoding: "EJSON", explicit: true });
  });

  it("axios' and browsers' `application/json, text/plain, */*` keeps an EJSON endpoint EJSON", () => {
    expect(negotiateEncoding("application/json, text/plain, */*", "EJSON")).toEqual({ encoding: "EJSON", explicit: false });
    expect(chooseEncoding("application/json, text/plain, */*", undefined)).toBe("EJSON");
    expect(chooseEncoding("*/*", "JSON")).toBe("JSON");
    expect(chooseEncoding("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "EJSON")).toBe("EJSON");
  });

  it("q values decide: a format weighed above the other wins, q=0 refuses one", () => {
    expect(chooseEncoding("application/json, */*;q=0.8", "EJSON")).toBe("JSON");
    expect(chooseEncoding("application/json;q=0.5, application/ejson", "JSON")).toBe("EJSON");
    expect(chooseEncoding("application/ejson;q=0, */*", "EJSON")).toBe("JSON");
    // A header that substring-matched "application/ejson" before, without accepting it.
    expect(chooseEncoding("application/json, application/ejson;q=0", "EJSON")).toBe("JSON");
  });

  it("no or no valid Accept header falls back to return_type; a missing return_type reads as EJSON", () => {
    expect(chooseEncoding(undefined, "JSON")).toBe("JSON");
    expect(chooseEncoding("text/html", "JSON")).toBe("JSON");
    expect(chooseEncoding("not a media type", undefined)).toBe("EJSON");
  });
});
