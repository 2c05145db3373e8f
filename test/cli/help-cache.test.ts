// `--help` from the help cache (src/cli/help-cache.ts) prints exactly what yargs renders, and any
// change of what the text depends on (environment, code) renders it again. Runs the built CLI as a
// fresh process, each with its own cache folder (XDG_CACHE_HOME); its speed is in bench/startup.mjs.

import { spawnSync } from "node:child_process";
import { cp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, tempDir } from "../helpers.js";

// HOOKSHIFT_TEST_BIN: a private build's launcher (as the other CLI tests take it).
const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin/hookshift.js");

function run(bin: string, args: string[], env: Record<string, string | undefined>): string {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", PORT: undefined, ...env } });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

/** What yargs renders: with a file where the cache folder would be, nothing can be kept or read. */
async function rendered(bin: string, args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const noCache = path.join(await tempDir(), "not-a-folder");
  await writeFile(noCache, "");
  return run(bin, args, { ...env, XDG_CACHE_HOME: noCache });
}

async function helpFiles(cache: string): Promise<string[]> {
  const [version] = await readdir(path.join(cache, "hookshift"));
  return (await readdir(path.join(cache, "hookshift", version!, "help"))).map((f) => path.join(cache, "hookshift", version!, "help", f));
}

describe("help cache", () => {
  it("prints yargs' own text, the first time and from the cache", async () => {
    const cache = await tempDir();
    const requests = [["--help"], ["-h"], ["scan", "--help"], ["migrate", "--help"], ["serve", "-h"], ["verify", "--help"]];
    for (const args of requests) {
      const expected = await rendered(BIN, args);
      expect(expected).toContain("hookshift");
      expect(run(BIN, args, { XDG_CACHE_HOME: cache }), `${args} (rendered and kept)`).toBe(expected);
      expect(run(BIN, args, { XDG_CACHE_HOME: cache }), `${args} (from the cache)`).toBe(expected);
    }
    // One file per request, and the second runs did read them: a changed text is what is printed.
    const files = await helpFiles(cache);
    expect(files).toHaveLength(requests.length);
    for (const file of files) {
      const stored = JSON.parse(await readFile(file, "utf8")) as { key: string; text: string };
      await writeFile(file, JSON.stringify({ ...stored, text: "from the cache\n" }));
    }
    expect(run(BIN, ["scan", "--help"], { XDG_CACHE_HOME: cache })).toBe("from the cache\n");
  });

  it("renders again for another environment (LANG picks yargs' language)", async () => {
    const cache = await tempDir();
    const lang = (LANG: string) => ({ XDG_CACHE_HOME: cache, LANG, LC_ALL: undefined, LC_MESSAGES: undefined, LANGUAGE: undefined });
    const english = run(BIN, ["--help"], lang("C"));
    expect(english).toContain("Commands:");
    const german = run(BIN, ["--help"], lang("de_DE.UTF-8"));
    expect(german).toBe(await rendered(BIN, ["--help"], lang("de_DE.UTF-8")));
    expect(german).toContain("Kommandos:");
    expect(run(BIN, ["--help"], lang("C"))).toBe(english);
  });

  it("renders again when a module the options come from changed (a rebuild, an edit of dist/)", async () => {
    // A copy of the build, so its verify defaults can be edited.
    const copy = await tempDir();
    const built = path.resolve(path.dirname(BIN), "..");
    await cp(path.join(built, "bin"), path.join(copy, "bin"), { recursive: true });
    await cp(path.join(built, "dist"), path.join(copy, "dist"), { recursive: true });
    await cp(path.join(built, "package.json"), path.join(copy, "package.json"));
    await symlink(path.join(REPO, "node_modules"), path.join(copy, "node_modules"));
    const bin = path.join(copy, "bin/hookshift.js");
    const cache = await tempDir();
    const defaults = path.join(copy, "dist/src/verify/defaults.js");
    const text = await readFile(defaults, "utf8");
    const cases = Number(/DEFAULT_MAX_CASES = (\d+)/.exec(text)![1]);
    expect(run(bin, ["verify", "--help"], { XDG_CACHE_HOME: cache })).toMatch(new RegExp(`--cases .*\\[default: ${cases}\\]`));
    await writeFile(defaults, text.replace(`DEFAULT_MAX_CASES = ${cases}`, `DEFAULT_MAX_CASES = ${cases + 37}`));
    expect(run(bin, ["verify", "--help"], { XDG_CACHE_HOME: cache })).toMatch(new RegExp(`--cases .*\\[default: ${cases + 37}\\]`));
  });
});
