// Start-up: a command loads only the modules it needs (issue 14; timings are in bench/startup.mjs).
// A resolve hook and a require hook in the child process list every package the CLI imports, so these fail as soon
// as a heavy module is imported at the top of main.ts again.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, fixture, tempDir } from "../helpers.js";

// HOOKSHIFT_TEST_BIN: a private build's launcher (as the fleet tests take it).
const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin/hookshift.js");
const HOOK = `data:text/javascript,${encodeURIComponent(`
import Module, { register } from "node:module";
// require() (the TypeScript compiler is loaded with it: src/util/compiler.ts)
const load = Module._load;
Module._load = function (request, ...rest) {
  // A package by name, or a file inside one by its path.
  const m = /node_modules\\/(@[^/]+\\/[^/]+|[^/]+)\\//.exec(request) ?? /^(@[^/]+\\/[^/]+|[^./][^/:]*)/.exec(request);
  if (m && !request.startsWith("node:")) process.stderr.write("import " + m[1] + "\\n");
  return load.call(this, request, ...rest);
};
// and the CommonJS files loaded past Module._load (src/util/code-cache.ts puts them in require.cache)
process.on("exit", () => {
  for (const file of Object.keys(Module._cache)) {
    const m = /node_modules\\/(@[^/]+\\/[^/]+|[^/]+)\\//.exec(file);
    if (m) process.stderr.write("import " + m[1] + "\\n");
  }
});
// import
register("data:text/javascript," + encodeURIComponent(\`
export async function resolve(spec, ctx, next) {
  const m = /^(@[^/]+\\\\/[^/]+|[^./][^/:]*)/.exec(spec);
  if (m && !spec.startsWith("node:")) process.stderr.write("import " + m[1] + "\\\\n");
  // and the yargs commands (src/cli/commands.ts), which main.ts loads only when it cannot answer alone
  if (spec === "./commands.js") process.stderr.write("module commands.js\\\\n");
  return next(spec, ctx);
}\`));`)}`;

function packagesLoaded(args: string[], env: Record<string, string> = {}): { out: string; packages: Set<string>; commands: boolean } {
  const r = spawnSync(process.execPath, ["--import", HOOK, BIN, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  const packages = new Set([...r.stderr.matchAll(/^import (\S+)$/gm)].map((m) => m[1]));
  return { out: r.stdout, packages, commands: /^module commands\.js$/m.test(r.stderr) };
}

describe("start-up", () => {
  it("--version prints the package version without loading yargs or the compiler", () => {
    const { out, packages } = packagesLoaded(["--version"]);
    const version = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
    expect(out).toBe(version + "\n");
    expect(packages.has("yargs")).toBe(false);
    expect(packages.has("typescript")).toBe(false);
  });

  it("--help loads yargs but no command's modules; the same --help again loads no yargs (src/cli/help-cache.ts)", async () => {
    const env = { XDG_CACHE_HOME: await tempDir() };
    const { out, packages } = packagesLoaded(["--help"], env);
    expect(out).toContain("Usage: hookshift <command>");
    expect(packages.has("yargs")).toBe(true);
    for (const heavy of ["typescript", "@ts-morph/common", "ts-morph", "mongodb", "mingo", "ajv", "diff2html"]) expect(packages.has(heavy), heavy).toBe(false);
    const again = packagesLoaded(["--help"], env);
    expect(again.out).toBe(out);
    expect(again.packages.has("yargs")).toBe(false);
    // Nor the commands' declarations (src/cli/commands.ts and the option modules it imports).
    expect(again.commands).toBe(false);
    expect(packagesLoaded(["--help", "--no-color"], env).commands).toBe(true);
  });

  it("callers loads no compiler, no runtime and no report renderer (it redacts plain text only)", () => {
    const clients = path.join(REPO, "fixtures/clients");
    const { out, packages } = packagesLoaded(["callers", path.join(clients, "reports/demo"), path.join(clients, "mixed"), "--dry-run"]);
    expect(out).toContain("diff --git"); // it ran, diff and redaction included
    expect(packages.has("ignore")).toBe(true);
    for (const heavy of ["typescript", "@ts-morph/common", "ts-morph", "mongodb", "mingo", "ajv", "diff2html"]) expect(packages.has(heavy), heavy).toBe(false);
  });

  it("rules lists the rules without loading the compiler (it parses nothing)", () => {
    const { out, packages } = packagesLoaded(["rules"]);
    expect(out).toContain("respond-result-off");
    for (const heavy of ["typescript", "@ts-morph/common", "ts-morph"]) expect(packages.has(heavy), heavy).toBe(false);
  });

  it("scan parses with one TypeScript compiler and loads neither ts-morph (its rules only detect: src/rewrite/engine.ts) nor yargs; again, no compiler either", async () => {
    // A cache folder of its own: the first scan of the app parses its sources.
    const env = { XDG_CACHE_HOME: await tempDir() };
    const loaded = packagesLoaded(["scan", fixture("demo"), "--json"], env);
    const { out, packages } = loaded;
    // It ran, and the rules whose edits need ts-morph's tree were among those deciding its findings.
    const demo = (JSON.parse(out) as { apps: { webhooks: { respondResult: boolean | null; validationMethod: string | null }[] }[] }).apps[0]!;
    expect(demo.webhooks.some((w) => w.respondResult === false)).toBe(true);
    expect(demo.webhooks.some((w) => w.validationMethod === "VERIFY_PAYLOAD")).toBe(true);
    // The parser is the compiler ts-morph bundles (src/util/compiler.ts): the typescript package
    // as well would be a second 9 MB compiler to load.
    expect(packages.has("@ts-morph/common")).toBe(true);
    expect(packages.has("typescript")).toBe(false);
    expect(packages.has("ts-morph")).toBe(false);
    // Its plain form runs without yargs (src/cli/plain-scan.ts) or the commands' declarations.
    expect(packages.has("yargs")).toBe(false);
    expect(loaded.commands).toBe(false);
    // The second scan of the same sources reads their analyses (src/app/read/analysis-cache.ts):
    // the same output, and no compiler at all.
    const again = packagesLoaded(["scan", fixture("demo"), "--json"], env);
    expect(again.out).toBe(out);
    expect(again.packages.has("@ts-morph/common")).toBe(false);
    expect(again.packages.has("typescript")).toBe(false);
  });

  it("migrate --dry-run of the same app still writes its rewrites with ts-morph", () => {
    const { out, packages } = packagesLoaded(["migrate", fixture("demo"), "--dry-run"]);
    expect(out).toContain("hookshift:respond-result-off");
    expect(packages.has("ts-morph")).toBe(true);
  });
});
