// Coverage figures against hand-counted lines and branches, from V8's own coverage of the real
// function runtime (worker threads, node:vm), and the split of rule-added lines.

import { afterAll, describe, expect, it } from "vitest";
import { FunctionRuntime } from "../../dist/src/runtime/functions/pool.js";
import type { AppSpec, ScriptCoverage } from "../../src/runtime/functions/protocol.js";
import { addedLines, measure, percent, summarise } from "../../src/verify/coverage.js";

const APP: AppSpec = {
  app: { id: "", clientAppId: "", name: "", projectId: "", deployment: { model: "", providerRegion: "" }, lastDeployed: "", hostingUri: "" },
  environment: { tag: "", values: {} },
  functions: {},
  values: {},
  services: {},
};
const USER = { id: "u", type: "system" as const, data: {}, custom_data: {}, identities: [] };

const runtime = new FunctionRuntime({ db: async () => "null", coverage: true });
runtime.setApp(APP);
afterAll(() => runtime.close());

async function run(source: string, file: string, ...queries: Record<string, string>[]): Promise<ScriptCoverage[]> {
  for (const query of queries) {
    await runtime.call({
      source,
      sourceFile: file,
      args: JSON.stringify([{ query }]),
      withResponse: true,
      user: USER,
      runningAsSystem: true,
      timeLimitMs: 5000,
      allowNetwork: false,
    });
  }
  return (await runtime.takeCoverage()).filter((s) => s.url === file);
}

// Counted by hand (docs/verify.md, "Reading coverage"): lines where a node starts are 1-7 and 11
// (8: only a brace, 9: a comment, 10: blank, 12: `};` starts no node). Branches: the outer if's
// then and else (line 3, line 6), the inner if's then and implicit else (line 6 both), the
// conditional's two sides (line 11).
const SOURCE = [
  "exports = function (payload, response) {",
  "  const q = payload.query;",
  '  if (q.kind === "a") {',
  "    response.setStatusCode(201);",
  '    return "a";',
  '  } else if (q.kind === "b") {',
  '    return "b";',
  "  }",
  "  // a comment",
  "",
  '  return q.n > 3 ? "big" : "small";',
  "};",
  "",
].join("\n");

describe("coverage of a function's lines and branches", () => {
  it("one case down the first branch: 5 of 8 lines, 1 of 6 branches", async () => {
    const takes = await run(SOURCE, "hand/one.js", { kind: "a" });
    const c = summarise(measure(SOURCE, takes));
    expect(c.lines).toEqual({ covered: 5, total: 8 });
    expect(c.uncoveredLines).toEqual([6, 7, 11]);
    expect(c.branches).toEqual({ covered: 1, total: 6 });
  });

  it("takes add up: a second case through the else reaches lines 6 and 11 and three more branches", async () => {
    const first = await run(SOURCE, "hand/two.js", { kind: "a" });
    const second = await run(SOURCE, "hand/two.js", { kind: "c", n: "5" });
    const c = summarise(measure(SOURCE, [...first, ...second]));
    expect(c.lines).toEqual({ covered: 7, total: 8 });
    expect(c.uncoveredLines).toEqual([7]);
    expect(c.branches).toEqual({ covered: 4, total: 6 });
    expect(percent(c.lines)).toBe(87.5);
  });

  it("a function that never ran: every counted line uncovered but the top-level assignment", async () => {
    const c = summarise(measure(SOURCE, []));
    expect(c.lines).toEqual({ covered: 0, total: 8 });
    const loaded = summarise(measure(SOURCE, await run(SOURCE, "hand/none.js")));
    expect(loaded.lines).toEqual({ covered: 0, total: 8 });
  });

  it("a script that only loaded: its top-level lines ran, its handler did not", async () => {
    const takes = await run(SOURCE, "hand/loaded.js");
    expect(takes).toEqual([]); // no call, no script: nothing was compiled
    const twoScripts = await run("exports = function () {\n  return 1;\n};\n", "hand/other.js", {});
    expect(summarise(measure("exports = function () {\n  return 1;\n};\n", twoScripts)).lines).toEqual({ covered: 2, total: 2 });
  });

  it("logical operators count both ways", async () => {
    const src = 'exports = function ({ query }) {\n  const name = query.name || "anonymous";\n  return name;\n};\n';
    const one = summarise(measure(src, await run(src, "hand/or.js", { name: "x" })));
    expect(one.branches).toEqual({ covered: 1, total: 2 });
    const both = summarise(measure(src, [...(await run(src, "hand/or2.js", { name: "x" })), ...(await run(src, "hand/or2.js", {}))]));
    expect(both.branches).toEqual({ covered: 2, total: 2 });
  });
});

it("one take tells tagged copies of a script apart, and leaves out a script that did not run since the last take", async () => {
  const call = (file: string, query: Record<string, string>) =>
    runtime.call({
      source: SOURCE,
      sourceFile: file,
      args: JSON.stringify([{ query }]),
      withResponse: true,
      user: USER,
      runningAsSystem: true,
      timeLimitMs: 5000,
      allowNetwork: false,
    });
  await call("tag/a.js", { kind: "b" });
  await runtime.takeCoverage(); // a.js ran before this take: the next one leaves it out
  await call("tag/a.js#case-0", { kind: "a" });
  await call("tag/a.js#case-1", { kind: "c", n: "1" });
  await call("tag/other.js", { kind: "a" });
  const take = await runtime.takeCoverage("tag/a.js");
  expect(take.map((s) => s.url).sort()).toEqual(["tag/a.js#case-0", "tag/a.js#case-1"]);
  const of = (url: string) =>
    summarise(
      measure(
        SOURCE,
        take.filter((s) => s.url === url),
      ),
    );
  expect(of("tag/a.js#case-0").uncoveredLines).toEqual([6, 7, 11]);
  expect(of("tag/a.js#case-1").uncoveredLines).toEqual([4, 5, 7]);
});

describe("lines a rewrite rule added", () => {
  it("are the migrated file's lines that the original does not have", () => {
    const original = "exports = function (payload) {\n  return 1;\n};\n";
    const migrated = "exports = function (payload, response) {\n  response.setStatusCode(200); // hookshift\n  return 1;\n};\n";
    expect(addedLines(original, migrated)).toEqual([1, 2]);
    expect(addedLines(original, original)).toEqual([]);
  });

  it("split the migrated function's figures from the user's own", async () => {
    const migrated = "exports = function (payload, response) {\n  if (!payload.query.x) response.setStatusCode(200);\n  return 1;\n};\n";
    const m = measure(migrated, await run(migrated, "functions/split.js", { x: "1" }));
    const added = new Set(addedLines("exports = function (payload, response) {\n  return 1;\n};\n", migrated));
    expect([...added]).toEqual([2]);
    expect(summarise(m, (l) => !added.has(l)).lines).toEqual({ covered: 2, total: 2 });
    expect(summarise(m, (l) => added.has(l))).toEqual({ lines: { covered: 1, total: 1 }, branches: { covered: 1, total: 2 }, uncoveredLines: [] });
  });
});

describe("a coverage worker's replacement", () => {
  it("after 1,000 calls a fresh worker takes over between takes, and every call is counted once", async () => {
    const pool = new FunctionRuntime({ db: async () => "null", coverage: true });
    pool.setApp(APP);
    try {
      const source = "exports = function () {\n  return 1;\n};\n";
      const counted: number[] = [];
      for (let round = 0; round < 12; round++) {
        for (let i = 0; i < 100; i++) {
          const r = await pool.call({
            source,
            sourceFile: "recycle/one.js",
            args: "[]",
            withResponse: false,
            user: USER,
            runningAsSystem: true,
            timeLimitMs: 5000,
            allowNetwork: false,
          });
          expect(r.ok).toBe(true);
        }
        const take = await pool.takeCoverage("recycle/one.js");
        // The handler's own range: its count is the calls that ran it since the previous take.
        counted.push(
          take
            .flatMap((s) => s.functions)
            .filter((f) => f.ranges[0]!.startOffset === 10)
            .reduce((n, f) => n + f.ranges[0]!.count, 0),
        );
      }
      expect(counted).toEqual(new Array(12).fill(100));
    } finally {
      await pool.close();
    }
  }, 60_000);
});
