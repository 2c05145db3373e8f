import { describe, expect, it } from "vitest";
import { removeProperties } from "../../src/upgrade/json-edit.js";
import { applyChanges, changesBetween, composeTrees, identityTree, textsOf, type Tree } from "../../src/upgrade/tree.js";

describe("removeProperties cuts only the key's text", () => {
  it("first, middle and last keys", () => {
    const text = '{\n    "id": "5f01",\n    "name": "svc",\n    "_id": 2,\n    "type": "http"\n}\n';
    expect(removeProperties(text, ["id"])).toBe('{\n    "name": "svc",\n    "_id": 2,\n    "type": "http"\n}\n');
    expect(removeProperties(text, ["_id"])).toBe('{\n    "id": "5f01",\n    "name": "svc",\n    "type": "http"\n}\n');
    expect(removeProperties(text, ["type"])).toBe('{\n    "id": "5f01",\n    "name": "svc",\n    "_id": 2\n}\n');
  });
  it("one-line objects, the only key, and absent keys", () => {
    expect(removeProperties('{"a": 1, "id": 2, "b": 3}', ["id"])).toBe('{"a": 1, "b": 3}');
    expect(removeProperties('{"id": 1}', ["id"])).toBe("{}");
    expect(removeProperties('{"a": 1}\n', ["id"])).toBe('{"a": 1}\n');
  });
  it("keeps CRLF", () => {
    expect(removeProperties('{\r\n    "id": 1,\r\n    "a": 2\r\n}\r\n', ["id"])).toBe('{\r\n    "a": 2\r\n}\r\n');
  });
});

describe("virtual trees", () => {
  const files = ["a.json", "dir/b.js", "img.png", "gone.txt"];
  const texts = new Map([
    ["a.json", '{"x":1}'],
    ["dir/b.js", "exports = 1;"],
    ["gone.txt", "bye"],
  ]);

  it("reports moves as renames, edits after a move as renames with content, and removals", () => {
    const tree: Tree = new Map([
      ["a.json", { from: "a.json" }],
      ["moved/b.js", { from: "dir/b.js" }],
      ["new/img.png", { from: "img.png" }],
      ["edited.json", { text: '{"x":2}', origin: "gone.txt" }],
      ["fresh.json", { text: "[]" }],
    ]);
    const changes = changesBetween(files, texts, tree, (p) => [`rule-for-${p}`]);
    expect(changes.map((c) => [c.kind, c.from ?? "", c.path])).toEqual([
      ["renamed", "gone.txt", "edited.json"],
      ["added", "", "fresh.json"],
      ["renamed", "dir/b.js", "moved/b.js"],
      ["renamed", "img.png", "new/img.png"],
    ]);
    expect(changes[0]).toMatchObject({ before: "bye", after: '{"x":2}' });
  });

  it("a file kept in place and also copied elsewhere is a copy, not a rename", () => {
    const tree: Tree = new Map([...identityTree(files), ["copy.png", { from: "img.png" }]]);
    const [c] = changesBetween(files, texts, tree, () => []);
    expect(c).toMatchObject({ kind: "added", from: "img.png", path: "copy.png" });
  });

  it("composes two steps to point at the original files", () => {
    const first: Tree = new Map([
      ["x/b.js", { from: "dir/b.js" }],
      ["made.json", { text: "{}", origin: "a.json" }],
    ]);
    const second: Tree = new Map([
      ["y/b.js", { from: "x/b.js" }],
      ["final.json", { text: "[]", origin: "made.json" }],
    ]);
    expect([...composeTrees(first, second)]).toEqual([
      ["y/b.js", { from: "dir/b.js" }],
      ["final.json", { text: "[]", origin: "a.json" }],
    ]);
    expect(textsOf(first, texts).get("x/b.js")).toBe("exports = 1;");
  });

  it("applies a conversion's changes on top", () => {
    const tree = applyChanges(identityTree(["a.json"]), [
      { path: "a.json", kind: "modified", before: '{"x":1}', after: '{"x":3}', rules: [] },
      { path: "f.js", kind: "added", after: "exports = 2;", rules: [] },
    ]);
    expect([...tree]).toEqual([
      ["a.json", { text: '{"x":3}', origin: "a.json" }],
      ["f.js", { text: "exports = 2;", origin: undefined }],
    ]);
  });
});
