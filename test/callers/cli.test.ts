// `hookshift callers` through the CLI, in-process: output, exit codes, --json and its documentation,
// help text, usage errors, and no secret value in any output.

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { REPO, tempDir } from "../helpers.js";
import { clientTree, DEMO_REPORT, REPORTS, SECRET } from "./clients.js";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(["callers", ...argv], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("hookshift callers", () => {
  it("prints each URL with its place, the new URL and the caller changes; exit 2; a next step", async () => {
    const root = await clientTree();
    const r = await run(REPORTS, root);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${path.join(root, "android/Probe.kt")}:4:23  probe/ping`);
    expect(r.out).toContain("→ https://data.mongodb-api.com/app/headmeth-hijkl/endpoint/probe/ping");
    expect(r.out).toContain("method: send GET instead of HEAD");
    expect(r.out).toContain("To review (not rewritten):");
    expect(r.out).toContain("Next steps:");
    expect(r.out).toContain("--dry-run");
  });

  it("never prints a secret value, whatever the mode", async () => {
    const root = await clientTree();
    for (const mode of [[], ["--json"], ["--dry-run"], ["--dry-run", "--json"], ["--write"]]) {
      const r = await run(REPORTS, root, ...mode);
      expect(r.out + r.err, mode.join(" ")).not.toContain(SECRET);
    }
  });

  it("--json prints one document whose fields docs/callers.md documents", async () => {
    const root = await clientTree();
    const r = await run(REPORTS, root, "--json", "--dry-run");
    const doc = JSON.parse(r.out);
    expect(doc.exitCode).toBe(r.code);
    const docs = await readFile(path.join(REPO, "docs/callers.md"), "utf8");
    const keys = new Set<string>([
      ...Object.keys(doc),
      ...Object.keys(doc.summary),
      ...Object.keys(doc.files),
      ...doc.matches.flatMap((m: object) => Object.keys(m)),
    ]);
    for (const k of keys) expect(docs, `docs/callers.md documents "${k}"`).toMatch(new RegExp(`"${k}"`));
  });

  it("exits 0 when nothing is found, 1 on errors", async () => {
    const empty = await tempDir();
    await writeFile(path.join(empty, "a.txt"), "nothing here\n");
    const none = await run(DEMO_REPORT, empty);
    expect(none.code).toBe(0);
    expect(none.out).toContain("No caller of the app here");
    const missing = await run(path.join(empty, "no-report"), empty);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("hookshift: error: report");
    expect(missing.err).not.toMatch(/\n\s+at /); // no stack trace
    const both = await run(DEMO_REPORT, empty, "--write", "--dry-run");
    expect(both.code).toBe(1);
    expect(both.err).toContain("--write and --dry-run exclude each other");
    const dirty = await run(DEMO_REPORT, empty, "--allow-dirty");
    expect(dirty.err).toContain("--allow-dirty only applies with --write");
    const noDir = await run(DEMO_REPORT, path.join(empty, "nowhere"));
    expect(noDir.err).toContain(`hookshift: error: folder ${path.join(empty, "nowhere")} does not exist\nAfter the report, pass the folders`);
    await writeFile(path.join(empty, "report.html"), "<!DOCTYPE html>\n");
    const notJson = await run(path.join(empty, "report.html"), empty);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toContain(`${path.join(empty, "report.html")}:1:1 is not valid JSON`);
    expect(notJson.err).toContain("Pass the report folder migrate wrote");
  });

  it("has help with examples and the exit codes", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("hookshift callers <report> <dirs..>");
    expect(r.out).toContain("Examples:");
    expect(r.out).toContain("--dry-run");
    expect(r.out).toContain("Exit codes: 0");
  });
});
