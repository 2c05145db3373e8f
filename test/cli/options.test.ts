// Each option is declared once, with its default from one place (src/cli/options.ts, the runtime's
// defaultSemantics and DEFAULT_LIMITS), and a --json run gets its usage errors as JSON on stdout.

import yargs from "yargs";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { semanticsArgs, semanticsFrom, semanticsOptions } from "../../src/cli/semantics-flags.js";
import { wantsJson } from "../../src/cli/usage.js";
import { DEFAULT_LIMITS } from "../../src/runtime/limits.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { fixture } from "../helpers.js";

/** The semantics flags parsed from `words`, as `shim` and `serve` pass them on. */
function parsed(words: string[]) {
  return semanticsArgs(semanticsOptions(yargs(words)).strict().parseSync());
}

/** `[default: …]` of an option in a command's help (the option's lines up to the next option). */
async function helpDefault(command: string, option: string): Promise<string | undefined> {
  const io = bufferIo();
  expect(await main([command, "--help"], io)).toBe(0);
  const block = new RegExp(`\\n\\s+--${option}\\s[\\s\\S]*?(?=\\n\\s+-{1,2}[a-z]|\\n\\n|$)`).exec(io.stdout())?.[0];
  return block && /\[default: ([^\]]+)\]/.exec(block)?.[1];
}

describe("one default for each option", () => {
  it("the semantics flags, unset, give exactly the runtime's default semantics", () => {
    expect(semanticsFrom(parsed([]))).toEqual({ ok: true, sem: defaultSemantics() });
    // …and so does a caller that sets none of them (runShim / runServe called directly).
    expect(semanticsFrom({})).toEqual({ ok: true, sem: defaultSemantics() });
  });

  it("each semantics flag sets its field and only that", () => {
    const r = semanticsFrom(
      parsed(["--header-case", "as-sent", "--query-secret", "hidden", "--no-await-pending", "--time-limit", "5", "--error-status", "timeout=504"]),
    );
    const expected = defaultSemantics();
    Object.assign(expected, { headerCase: "as-sent", querySecretVisible: false, awaitPending: false, timeLimitMs: 5000 });
    expected.errors.timeout.status = 504;
    expect(r).toEqual({ ok: true, sem: expected });
  });

  it("shim and serve show the same defaults for the options they share, taken from the runtime", async () => {
    const d = defaultSemantics();
    const shared: [string, string][] = [
      ["time-limit", String(d.timeLimitMs / 1000)],
      ["webhook-no-result-status", String(d.webhookNoResultStatus)],
      ["endpoint-no-result-status", String(d.endpointNoResultStatus)],
      ["header-case", JSON.stringify(d.headerCase)],
      ["set-body-other", JSON.stringify(d.setBodyOther)],
      ["await-pending", String(d.awaitPending)],
      ["max-inflight-body-mb", String(DEFAULT_LIMITS.maxInflightBodyBytes / 1024 / 1024)],
      ["host", '"127.0.0.1"'],
      ["sandbox-permissions", "true"],
      ["allow-network", "false"],
    ];
    for (const [option, value] of shared) {
      expect(await helpDefault("shim", option), `shim --${option}`).toBe(value);
      expect(await helpDefault("serve", option), `serve --${option}`).toBe(value);
    }
  });
});

describe("--json usage errors", () => {
  async function run(argv: string[]) {
    const io = bufferIo();
    const code = await main(argv, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  it("an unknown option: one JSON object on stdout, the text on stderr, exit 1", async () => {
    const r = await run(["migrate", fixture("demo"), "--outt", "x", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      errors: [{ code: "usage", message: "unknown option --outt (did you mean --out?)", help: "hookshift migrate --help" }],
    });
    expect(r.stderr.split("\n")[0]).toBe("hookshift: error: unknown option --outt (did you mean --out?)");
  });

  it("a missing argument, with its hint", async () => {
    const r = await run(["verify", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      errors: [
        {
          code: "usage",
          message: "missing <original> and <migrated>",
          hint: "hookshift verify <original> <migrated>, or --fleet <report-dir> for a fleet run.",
          help: "hookshift verify --help",
        },
      ],
    });
  });

  it("an option without its value", async () => {
    const r = await run(["verify", "a", "b", "--json", "--cases"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors[0]).toMatchObject({ code: "usage", message: "--cases needs a value" });
  });

  it("prints nothing on stdout without --json (or after --no-json)", async () => {
    for (const argv of [
      ["migrate", fixture("demo"), "--outt", "x"],
      ["migrate", fixture("demo"), "--json", "--no-json", "--outt", "x"],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("unknown option --outt");
    }
  });

  it("reads --json as yargs reads a boolean", () => {
    expect(wantsJson(["scan", "--json"])).toBe(true);
    expect(wantsJson(["scan", "--json=true"])).toBe(true);
    expect(wantsJson(["scan", "--json=false"])).toBe(false);
    expect(wantsJson(["scan", "--json", "--no-json"])).toBe(false);
    expect(wantsJson(["scan", "--", "--json"])).toBe(false);
    expect(wantsJson(["scan", "--jsonx"])).toBe(false);
  });
});
