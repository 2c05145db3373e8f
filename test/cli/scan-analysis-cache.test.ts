// scan's cache of source analyses (src/app/read/analysis-cache.ts): a scan from the cache prints
// exactly what a scan that parses prints, on every fixture app; a changed source, a changed build
// or a damaged file is analysed again; the file keeps the app's current sources only; a cache that
// cannot be written changes nothing. Runs the built CLI as a fresh process with its own cache folder
// (XDG_CACHE_HOME): the cache is off when run from the TypeScript sources. Its speed is in
// bench/startup.mjs.

import { spawnSync } from "node:child_process";
import { cp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, FIXTURES, REPO, tempDir } from "../helpers.js";

// HOOKSHIFT_TEST_BIN: a private build's launcher (as the other CLI tests take it).
const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin/hookshift.js");

interface Stored {
  key: string;
  entries: Record<string, { findings: { file: string; message: string }[]; facts?: { responseMethods: string[] } }>;
}

function scan(bin: string, dir: string, cache: string): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [bin, "scan", dir, "--json"], {
    encoding: "utf8",
    cwd: path.dirname(dir),
    env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: cache },
  });
  expect(r.stderr).toBe("");
  return { status: r.status, stdout: r.stdout };
}

/** A cache "folder" that is a file: nothing can be kept or read, every source is parsed. */
async function noCache(): Promise<string> {
  const file = path.join(await tempDir(), "not-a-folder");
  await writeFile(file, "");
  return file;
}

async function analysisFiles(cache: string): Promise<string[]> {
  const [version] = await readdir(path.join(cache, "hookshift"));
  const dir = path.join(cache, "hookshift", version!, "analyses");
  return (await readdir(dir)).map((f) => path.join(dir, f));
}

const readStored = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Stored;

describe("scan's analysis cache", () => {
  it("prints the same as a scan that parses, on every fixture app, the first time and from the cache", async () => {
    // One scan of the folder of all fixture apps: each app is read with its own cache file.
    const cache = await tempDir();
    const expected = scan(BIN, FIXTURES, await noCache());
    expect(expected.stdout).toContain("JavaScript syntax error");
    expect(scan(BIN, FIXTURES, cache), "analysed and kept").toEqual(expected);
    const files = await analysisFiles(cache);
    expect(files.length).toBeGreaterThan(10);
    expect(scan(BIN, FIXTURES, cache), "from the cache").toEqual(expected);
  });

  it("is what the second scan reads: a changed entry is what it prints", async () => {
    const cache = await tempDir();
    const app = fixture("bad-input");
    const first = scan(BIN, app, cache).stdout;
    expect(first).toContain("JavaScript syntax error");
    const [file] = await analysisFiles(cache);
    const stored = await readStored(file!);
    for (const e of Object.values(stored.entries)) for (const f of e.findings) f.message = f.message.replace("JavaScript syntax error", "From the cache");
    await writeFile(file!, JSON.stringify(stored));
    const second = scan(BIN, app, cache).stdout;
    expect(second).toContain("From the cache");
    expect(second).not.toContain("JavaScript syntax error");
  });

  it("gives each webhook with the same source its own file in the findings", async () => {
    const root = await copyFixture("bad-input");
    const hooks = path.join(root, "http_endpoints/api/incoming_webhooks");
    await cp(path.join(hooks, "badSyntax"), path.join(hooks, "badSyntaxCopy"), { recursive: true });
    await writeFile(
      path.join(hooks, "badSyntaxCopy/config.json"),
      (await readFile(path.join(hooks, "badSyntax/config.json"), "utf8")).replace(/"badSyntax"/g, '"badSyntaxCopy"'),
    );
    const cache = await tempDir();
    const expected = scan(BIN, root, await noCache());
    expect(expected.stdout).toContain("badSyntaxCopy/source.js");
    scan(BIN, root, cache);
    expect(scan(BIN, root, cache)).toEqual(expected);
    // The two sources are one entry, whose finding each webhook gets under its own path.
    const [file] = await analysisFiles(cache);
    const syntaxEntries = Object.values((await readStored(file!)).entries).filter((e) => e.findings.some((f) => f.message.includes("syntax error")));
    expect(syntaxEntries).toHaveLength(1);
    expect(expected.stdout).toMatch(/badSyntax\/source\.js[\s\S]*badSyntaxCopy\/source\.js|badSyntaxCopy\/source\.js[\s\S]*badSyntax\/source\.js/);
  });

  it("analyses a changed source again, and keeps only the app's current sources", async () => {
    const root = await copyFixture("demo");
    const cache = await tempDir();
    scan(BIN, root, cache);
    const [file] = await analysisFiles(cache);
    const before = Object.keys((await readStored(file!)).entries);
    expect(before).toHaveLength(3);
    const source = path.join(root, "http_endpoints/orders/incoming_webhooks/orderStatus/source.js");
    await writeFile(source, `${await readFile(source, "utf8")}\nexports = function( {\n`);
    const changed = scan(BIN, root, cache);
    expect(changed).toEqual(scan(BIN, root, await noCache()));
    expect(changed.stdout).toContain("orderStatus/source.js");
    expect(changed.stdout).toContain("JavaScript syntax error");
    const after = Object.keys((await readStored(file!)).entries);
    expect(after).toHaveLength(3);
    expect(after.filter((k) => before.includes(k))).toHaveLength(2);
    // A webhook gone: its entry goes with it.
    await rm(path.join(root, "http_endpoints/orders/incoming_webhooks/paymentEvent"), { recursive: true });
    scan(BIN, root, cache);
    expect(Object.keys((await readStored(file!)).entries)).toHaveLength(2);
  });

  it("analyses again when the analysing code changed (a rebuild, an edit of dist/)", async () => {
    // A copy of the build, so a module of the analysis can be edited.
    const copy = await tempDir();
    const built = path.resolve(path.dirname(BIN), "..");
    await cp(path.join(built, "bin"), path.join(copy, "bin"), { recursive: true });
    await cp(path.join(built, "dist"), path.join(copy, "dist"), { recursive: true });
    await cp(path.join(built, "package.json"), path.join(copy, "package.json"));
    await symlink(path.join(REPO, "node_modules"), path.join(copy, "node_modules"));
    const bin = path.join(copy, "bin/hookshift.js");
    const cache = await tempDir();
    const app = fixture("bad-input");
    expect(scan(bin, app, cache).stdout).toContain("JavaScript syntax error");
    const source = path.join(copy, "dist/src/app/read/source.js");
    await writeFile(source, (await readFile(source, "utf8")).replace("JavaScript syntax error", "Syntax error (rebuilt)"));
    const rebuilt = scan(bin, app, cache).stdout;
    expect(rebuilt).toContain("Syntax error (rebuilt)");
    expect(rebuilt).not.toContain("JavaScript syntax error");
  });

  it("parses as without it when its file is damaged or the cache cannot be written", async () => {
    const app = fixture("demo");
    const expected = scan(BIN, app, await noCache());
    const cache = await tempDir();
    scan(BIN, app, cache);
    const [file] = await analysisFiles(cache);
    await writeFile(file!, "{ not json");
    expect(scan(BIN, app, cache)).toEqual(expected);
    // Written again, whole.
    const stored = await readStored(file!);
    expect(Object.keys(stored.entries)).toHaveLength(3);
    // Entries of another shape (JSON, the right key, but edited by hand) are parsed again.
    for (const id of Object.keys(stored.entries)) (stored.entries as Record<string, unknown>)[id] = { findings: "none" };
    await writeFile(file!, JSON.stringify(stored));
    expect(scan(BIN, app, cache)).toEqual(expected);
  });
});

function fixture(name: string): string {
  return path.join(FIXTURES, name);
}
