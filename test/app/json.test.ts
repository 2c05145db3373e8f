// parseJson: plain JSON through JSON.parse with the position tree built only when asked; anything
// else through the lenient parser, with findings at their positions.

import { describe, expect, it } from "vitest";
import { keepTree, locate, locateIn, parseJson } from "../../src/app/json.js";

describe("parseJson", () => {
  const text = '{\n    "name": "hook",\n    "options": { "httpMethod": "POST" }\n}\n';

  it("reads plain JSON with no findings and places values when asked", () => {
    const parsed = parseJson(text, "config.json");
    expect(parsed.findings).toEqual([]);
    expect(parsed.value).toEqual({ name: "hook", options: { httpMethod: "POST" } });
    expect(locate(parsed.tree, text, ["options", "httpMethod"])).toEqual({ line: 3, column: 18 });
  });

  it("keeps JSON.parse's own-property reading of a __proto__ key", () => {
    const parsed = parseJson('{ "__proto__": { "x": 1 } }', "config.json");
    expect(Object.keys(parsed.value as object)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
  });

  it("reads comments and trailing commas with a warning, and reports syntax errors at their position", () => {
    const lenient = parseJson('{\n  // note\n  "a": 1,\n}\n', "c.json");
    expect(lenient.value).toEqual({ a: 1 });
    expect(lenient.findings.map((f) => f.code)).toEqual(["json-nonstandard"]);
    const broken = parseJson('{\n  "a": 1\n  "b": 2\n}\n', "c.json");
    expect(broken.value).toBeUndefined();
    expect(broken.findings[0]).toMatchObject({ code: "json-syntax", line: 3, column: 3 });
    expect(parseJson("", "c.json").findings[0]).toMatchObject({ code: "json-syntax", line: 1, column: 1 });
  });

  it("locateIn uses the kept parse, and parses a file it was not given", () => {
    const file = { path: "config.json", text };
    expect(locateIn(keepTree(file, parseJson(text, file.path)), ["name"])).toEqual({ line: 2, column: 5 });
    expect(locateIn({ path: "other.json", text }, ["options"])).toEqual({ line: 3, column: 5 });
  });

  it("places a path in plain JSON without the tree exactly where the tree does", () => {
    const texts = [
      text,
      '\ufeff{"a": [1, {"b": [true, null, "x"]}, [[]]], "a": {"dup": 1}, "c": {"d": {}}}',
      '[\r\n  {"name": "one"},\r\n  {"name": "two", "options": {"secret": "s"}}\r\n]',
      '  \n\t"just a string"\n',
      '{"esc\\"aped": {"k\\u0041": 2}, "0": [0, 1, 2]}',
    ];
    const paths: (string | number)[][] = [
      [],
      ["name"],
      ["options", "httpMethod"],
      ["options", "missing"],
      ["a"],
      ["a", 1, "b", 2],
      ["a", 2, 0],
      ["a", 5],
      ["a", "dup"],
      ["c", "d", "e"],
      [1, "options", "secret"],
      [1, "name"],
      [2],
      [0, "name", 0],
      ['esc"aped', "kA"],
      ["0", 2],
      [0],
    ];
    for (const t of texts) {
      for (const p of paths) {
        const parsed = parseJson(t, "c.json");
        const plain = parsed.locate(p); // before anything builds the tree
        expect({ t, p, at: plain }).toEqual({ t, p, at: locate(parseJson(t, "c.json").tree, t, p) });
        expect({ t, p, at: parsed.locate(p) }).toEqual({ t, p, at: locate(parsed.tree, t, p) }); // and with the tree
      }
    }
  });
});
