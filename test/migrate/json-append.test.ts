import { describe, expect, it } from "vitest";
import { appendToArray, newArrayFile } from "../../src/migrate/json-append.js";

const entry = { route: "/s/w", respond_result: true, nested: { a: [1] } };

describe("appendToArray keeps every existing byte", () => {
  it("appends after the last element in the file's own indentation", () => {
    const text = '[\n  {\n    "route": "/a",\n    "x": 1\n  }\n]\n';
    const out = appendToArray(text, [entry]);
    expect(out.ok).toBe(true);
    expect(out.text.startsWith('[\n  {\n    "route": "/a",\n    "x": 1\n  }')).toBe(true);
    expect(out.text).toBe(
      '[\n  {\n    "route": "/a",\n    "x": 1\n  },\n  {\n    "route": "/s/w",\n    "respond_result": true,\n    "nested": {\n      "a": [\n        1\n      ]\n    }\n  }\n]\n',
    );
    expect(JSON.parse(out.text)).toEqual([{ route: "/a", x: 1 }, entry]);
  });

  it("fills an empty array in the export style (4 spaces)", () => {
    const out = appendToArray("[]\n", [{ a: 1 }, { b: 2 }]);
    expect(out.text).toBe('[\n    {\n        "a": 1\n    },\n    {\n        "b": 2\n    }\n]\n');
  });

  it("keeps CRLF line endings", () => {
    const text = '[\r\n    {\r\n        "a": 1\r\n    }\r\n]\r\n';
    const out = appendToArray(text, [{ b: 2 }]);
    expect(out.text).toBe('[\r\n    {\r\n        "a": 1\r\n    },\r\n    {\r\n        "b": 2\r\n    }\r\n]\r\n');
  });

  it("leaves odd formatting of existing entries alone", () => {
    const text = '[\n  {"a": 1},\n  {"b": 2}\n]\n';
    const out = appendToArray(text, [{ c: 3 }]);
    expect(out.text.startsWith('[\n  {"a": 1},\n  {"b": 2}')).toBe(true);
    expect(JSON.parse(out.text)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it("keeps a trailing comma and comments", () => {
    const text = '[\n    // hand-written\n    {"a": 1},\n]\n';
    const out = appendToArray(text, [{ c: 3 }]);
    expect(out.text.startsWith('[\n    // hand-written\n    {"a": 1},')).toBe(true);
    expect(out.text).toContain('"c": 3');
  });

  it("handles a one-line array", () => {
    expect(appendToArray('[{"a":1}]', [{ b: 2 }]).text).toBe('[{"a":1}, {"b":2}]');
  });

  it("refuses a file that is not an array", () => {
    expect(appendToArray('{"a":1}', [{ b: 2 }]).ok).toBe(false);
  });

  it("writes new files as App Services exports do", () => {
    expect(newArrayFile([{ a: 1 }])).toBe('[\n    {\n        "a": 1\n    }\n]\n');
  });
});
