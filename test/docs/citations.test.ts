// The repository stands alone: code, docs, tests and fixtures cite public sources (a MongoDB
// documentation URL, a path in a public repository) or this repository's own docs/, never the
// project's private domain notes or their section numbers. The patterns are built from parts so
// that this file does not match itself.

import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers.js";

const ROOTS = ["src", "docs", "test", "fixtures", "bench", "scripts", "README.md"];
const SKIP_DIRS = new Set(["node_modules", "dist", ".git"]);

const SECTION = String.fromCharCode(0xa7);
const NOTES_FILE = new RegExp(["domain", "md"].join("\\."), "i");
// A section sign followed by a number, unless it is a section of a named public standard (an RFC).
const BARE_SECTION = new RegExp(`(?<!RFC \\d+ )${SECTION}\\s*\\d`);

async function filesUnder(rel: string): Promise<string[]> {
  const abs = path.join(REPO, rel);
  const st = await lstat(abs).catch(() => undefined);
  if (!st || st.isSymbolicLink()) return [];
  if (st.isFile()) return [rel];
  if (!st.isDirectory()) return [];
  const out: string[] = [];
  for (const entry of await readdir(abs, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    out.push(...(await filesUnder(path.join(rel, entry.name))));
  }
  return out;
}

function offendingLines(text: string): string[] {
  const hits: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (NOTES_FILE.test(line) || BARE_SECTION.test(line)) hits.push(`${i + 1}: ${line.trim().slice(0, 160)}`);
  });
  return hits;
}

describe("citations", () => {
  it("the patterns catch what they should and nothing else", () => {
    expect(offendingLines(`see ${["domain", "md"].join(".")} ${SECTION}3.4`)).toHaveLength(1);
    expect(offendingLines(`(domain ${SECTION}7.1)`)).toHaveLength(1);
    expect(offendingLines(`(${SECTION}9 Q10)`)).toHaveLength(1);
    expect(offendingLines(`parsed as RFC 9110 ${SECTION}12.5.1 defines it`)).toHaveLength(0);
    expect(offendingLines("https://www.mongodb.com/docs/atlas/app-services/functions/#function-constraints")).toHaveLength(0);
  });

  it("no file cites the private domain notes or a bare section number", async () => {
    const offenders: string[] = [];
    for (const root of ROOTS) {
      for (const rel of await filesUnder(root)) {
        const buf = await readFile(path.join(REPO, rel));
        if (buf.includes(0)) continue; // binary
        for (const hit of offendingLines(buf.toString("utf8"))) offenders.push(`${rel}:${hit}`);
      }
    }
    expect(offenders, "cite a public URL, a public repository path or docs/ instead").toEqual([]);
  });
});
