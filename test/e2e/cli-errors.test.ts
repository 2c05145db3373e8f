// End-to-end: the CLI's errors (bin/hookshift.js as a user runs it). Every mistake a user can fix
// on the command line exits 1 with one message, `hookshift: error: …` as stderr's first line,
// naming the argument and the resolved path, a pointer to the command's --help, and no stack trace.

import { spawnSync } from "node:child_process";
import { cp, mkdir, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, REPO, tempDir } from "../helpers.js";

// HOOKSHIFT_TEST_BIN: a private build's launcher (as the fleet tests take it).
const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin", "hookshift.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hookshift(cwd: string, args: string[], env: Record<string, string | undefined> = { NO_COLOR: "1" }): Run {
  const base: Record<string, string | undefined> = { ...process.env, COLUMNS: "100" };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  // A timeout, so a shim that serves instead of failing ends the test rather than hanging it.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...base, ...env }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const firstLine = (s: string) => s.split("\n")[0];
const STACK = /\n\s+at .+:\d+:\d+/;

/** Exit 1, exactly this first line of stderr, the pointer to `hookshift <command> --help`, no stack trace. */
function expectUsageError(r: Run, line: string, command?: string): void {
  expect(firstLine(r.stderr), r.stderr).toBe(line);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.trimEnd().split("\n").at(-1)).toBe(`Run 'hookshift ${command ? command + " " : ""}--help' for usage.`);
  expect(r.stderr.match(/hookshift: error:/g)).toHaveLength(1);
  expect(r.stderr + r.stdout).not.toMatch(STACK);
}

/**
 * A work folder (its real path, so messages show it as they are) with the shim-basic and demo
 * fixtures, an empty folder, a file, an app with no webhooks, and a folder of apps.
 */
async function workspace(): Promise<string> {
  const dir = await realpath(await tempDir("hookshift-errors-"));
  for (const n of ["shim-basic", "demo"]) await cp(path.join(FIXTURES, n), path.join(dir, n), { recursive: true });
  await mkdir(path.join(dir, "empty"));
  await writeFile(path.join(dir, "a-file.txt"), "not an app\n");
  await mkdir(path.join(dir, "no-webhooks"));
  await writeFile(
    path.join(dir, "no-webhooks", "realm_config.json"),
    JSON.stringify({ config_version: 20210101, name: "nohooks", app_id: "nohooks-abcde" }) + "\n",
  );
  await mkdir(path.join(dir, "fleet"));
  await cp(path.join(FIXTURES, "head-method"), path.join(dir, "fleet", "head-method"), { recursive: true });
  return dir;
}

const NO_APP = "holds no App Services app (no realm_config.json, root_config.json, config.json or stitch.json, and no webhook folders)";

describe("hookshift verify: wrong apps and webhooks are errors", () => {
  it("verify of a path that does not exist", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "nope", "shim-basic"]);
    expectUsageError(r, `hookshift: error: original app ${path.join(dir, "nope")} does not exist`, "verify");
    expect(r.stdout).not.toContain("0 webhooks");
  });

  it("verify of an absolute path that does not exist, and a second one", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "/nope-hookshift", "other"]);
    expectUsageError(r, "hookshift: error: original app /nope-hookshift does not exist", "verify");
  });

  it("verify of a migrated app that does not exist", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "shim-basic", "missing-out"]);
    expectUsageError(r, `hookshift: error: migrated app ${path.join(dir, "missing-out")} does not exist`, "verify");
  });

  it("verify of a file", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "a-file.txt", "shim-basic"]);
    expectUsageError(r, `hookshift: error: original app ${path.join(dir, "a-file.txt")} is a file, not an app folder`, "verify");
  });

  it("verify of an empty folder", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "shim-basic", "empty"]);
    expectUsageError(r, `hookshift: error: migrated app ${path.join(dir, "empty")} ${NO_APP}`, "verify");
  });

  it("verify of a folder that holds apps only in subfolders names them", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "fleet", "shim-basic"]);
    expectUsageError(
      r,
      `hookshift: error: original app ${path.join(dir, "fleet")} holds no App Services app itself; the app is in head-method${path.sep}`,
      "verify",
    );
  });

  it("verify of an app without webhooks", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "no-webhooks", "no-webhooks"]);
    expectUsageError(r, `hookshift: error: original app ${path.join(dir, "no-webhooks")} has no incoming webhooks to verify`, "verify");
    expect(r.stdout).toBe("");
  });

  it("verify --webhook that matches nothing names it and lists the app's webhooks", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "shim-basic", "shim-basic", "--webhook", "api/nope", "--webhook", "api/created"]);
    expectUsageError(r, `hookshift: error: --webhook api/nope matches no webhook of ${path.join(dir, "shim-basic")}`, "verify");
    expect(r.stderr.split("\n")[1]).toBe("Its webhooks (service/name): api/anything, api/created, api/fails, api/guarded, api/outbound, … (8 in all).");
    expect(r.stdout).toBe("");
  });

  it("verify with missing --secrets, --users, --seed and --requests files names the option and the path", async () => {
    const dir = await workspace();
    for (const option of ["--secrets", "--users", "--seed", "--requests"]) {
      const r = hookshift(dir, ["verify", "shim-basic", "shim-basic", option, "missing.json"]);
      expectUsageError(r, `hookshift: error: ${option} file ${path.join(dir, "missing.json")} does not exist`, "verify");
    }
    const r = hookshift(dir, ["verify", "shim-basic", "shim-basic", "--seed", "empty"]);
    expectUsageError(r, `hookshift: error: --seed file ${path.join(dir, "empty")} is a folder, not a file`, "verify");
  }, 60_000);

  it("verify --cases abc", async () => {
    const dir = await workspace();
    expectUsageError(
      hookshift(dir, ["verify", "shim-basic", "shim-basic", "--cases", "abc"]),
      "hookshift: error: --cases must be a whole number 1 or more, not 'abc'",
      "verify",
    );
  });
});

describe("hookshift shim: no app, no server", () => {
  it("shim of a path that does not exist", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["shim", "nope", "--port", "0"]);
    expectUsageError(r, `hookshift: error: app ${path.join(dir, "nope")} does not exist`, "shim");
    expect(r.stdout).not.toContain("serving");
  });

  it("shim of a file", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["shim", "a-file.txt", "--port", "0"]);
    expectUsageError(r, `hookshift: error: app ${path.join(dir, "a-file.txt")} is a file, not an app folder`, "shim");
  });

  it("shim of an empty folder", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["shim", "empty", "--port", "0"]);
    expectUsageError(r, `hookshift: error: app ${path.join(dir, "empty")} ${NO_APP}`, "shim");
    expect(r.stdout).not.toContain("serving");
  });

  it("shim --port abc", async () => {
    const dir = await workspace();
    expectUsageError(
      hookshift(dir, ["shim", "shim-basic", "--port", "abc"]),
      "hookshift: error: --port must be a whole number from 0 to 65535, not 'abc'",
      "shim",
    );
    expectUsageError(
      hookshift(dir, ["shim", "shim-basic", "--port", "70000"]),
      "hookshift: error: --port must be a whole number from 0 to 65535, not 70000",
      "shim",
    );
    expectUsageError(hookshift(dir, ["shim", "shim-basic", "--port"]), "hookshift: error: --port needs a value", "shim");
  }, 60_000);

  it("shim with missing --secrets, --users and --seed files names the option and the path", async () => {
    const dir = await workspace();
    for (const option of ["--secrets", "--users", "--seed"]) {
      const r = hookshift(dir, ["shim", "shim-basic", "--port", "0", option, "missing.json"]);
      expectUsageError(r, `hookshift: error: ${option} file ${path.join(dir, "missing.json")} does not exist`, "shim");
      expect(r.stdout).not.toContain("serving");
    }
  }, 60_000);
});

describe("hookshift migrate: precise messages", () => {
  it("migrate of an empty folder", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["migrate", "empty", "--dry-run"]);
    expectUsageError(r, `hookshift: error: app ${path.join(dir, "empty")} ${NO_APP}`, "migrate");
    expect(r.stdout).toBe("");
  });

  it("migrate of a path that does not exist", async () => {
    const dir = await workspace();
    expectUsageError(hookshift(dir, ["migrate", "nope", "--out", "out"]), `hookshift: error: app ${path.join(dir, "nope")} does not exist`, "migrate");
  });

  it("migrate without --out, --in-place or --dry-run", async () => {
    const dir = await workspace();
    expectUsageError(
      hookshift(dir, ["migrate", "demo"]),
      "hookshift: error: Say where to write: --out <dir>, --in-place, or --dry-run to only look",
      "migrate",
    );
  });
});

describe("argument errors: one message, one pointer", () => {
  it("a mistyped command", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["scann", "demo"]);
    expectUsageError(r, "hookshift: error: unknown command 'scann' (did you mean 'scan'?)");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(2);
  });

  it("a mistyped option", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["migrate", "demo", "--outt", "x"]);
    expectUsageError(r, "hookshift: error: unknown option --outt (did you mean --out?)", "migrate");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(2);
  });

  it("a missing argument", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["verify", "shim-basic"]);
    expectUsageError(r, "hookshift: error: missing <migrated>", "verify");
    // <original> and <migrated> are optional to yargs since `verify --fleet`: the check is ours, with the fleet form as the hint.
    expect(r.stderr.trimEnd().split("\n")[1]).toBe("hookshift verify <original> <migrated>, or --fleet <report-dir> for a fleet run.");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(3);
  });

  it("a value that is not one of the choices", async () => {
    const dir = await workspace();
    const r = hookshift(dir, ["migrate", "demo", "--dry-run", "--target-format", "2019"]);
    expectUsageError(r, "hookshift: error: --target-format must be one of 20210101, 20230101, not '2019'", "migrate");
  });

  it("an unknown rule", async () => {
    const dir = await workspace();
    expectUsageError(hookshift(dir, ["rules", "--explain", "nope"]), "hookshift: error: no rule 'nope'", "rules");
  });

  it("no command", async () => {
    const dir = await workspace();
    expectUsageError(
      hookshift(dir, []),
      "hookshift: error: Name a command: scan, migrate, verify, callers, shim, serve, serve-admin or rules (hookshift --help lists them).",
    );
  });
});

describe("colour and help", () => {
  const ESC = "\u001b[";

  it("FORCE_COLOR colours piped output; --no-color and NO_COLOR turn it off; --color turns it on", async () => {
    const dir = await workspace();
    const args = ["scan", path.join(FIXTURES, "bad-input")];
    expect(hookshift(dir, args, {}).stdout).not.toContain(ESC);
    expect(hookshift(dir, args, { FORCE_COLOR: "1" }).stdout).toContain(ESC);
    expect(hookshift(dir, [...args, "--no-color"], { FORCE_COLOR: "1" }).stdout).not.toContain(ESC);
    expect(hookshift(dir, args, { FORCE_COLOR: "0" }).stdout).not.toContain(ESC);
    expect(hookshift(dir, args, { NO_COLOR: "1" }).stdout).not.toContain(ESC);
    expect(hookshift(dir, [...args, "--color"], { NO_COLOR: "1" }).stdout).toContain(ESC);
  }, 60_000);

  it("every command's --help ends with its exit codes", async () => {
    const dir = await workspace();
    for (const command of ["scan", "migrate", "shim", "verify", "rules"]) {
      const r = hookshift(dir, [command, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout, command).toMatch(/\nExit codes: 0 .*; 1 /s);
    }
  }, 60_000);
});
