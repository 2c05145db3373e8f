// The CLI's error wording (one message from what yargs reports) and its colour decision.

import { describe, expect, it } from "vitest";
import { colorFromEnv } from "../../src/cli/io.js";
import { argumentError, commandOf } from "../../src/cli/usage.js";

describe("argumentError", () => {
  it("makes one message of yargs' two for a mistyped command", () => {
    expect(argumentError(["Did you mean scan?", "Unknown argument: scann"], ["scann", "x"], [])).toBe("unknown command 'scann' (did you mean 'scan'?)");
    expect(argumentError(["Unknown argument: foo"], ["foo"], [])).toBe(
      "unknown command 'foo'; the commands are scan, migrate, shim, serve, serve-admin, verify, callers, rules",
    );
  });

  it("names an unknown option and the closest known one", () => {
    expect(argumentError(["Unknown argument: outt"], ["migrate", "a", "--outt", "x"], ["out", "report", "help"])).toBe(
      "unknown option --outt (did you mean --out?)",
    );
    expect(argumentError(["Unknown argument: zzz"], ["migrate", "a", "--zzz"], ["out"])).toBe("unknown option --zzz");
    expect(argumentError(["Unknown argument: c"], ["verify", "a", "b", "c"], ["out"])).toBe("unexpected argument 'c'");
  });

  it("prefers the missing argument's name to the count", () => {
    const msgs = ["Not enough non-option arguments: got 1, need at least 2", "Missing required argument: migrated"];
    expect(argumentError(msgs, ["verify", "a"], [])).toBe("missing <migrated>");
    expect(argumentError(["Missing required arguments: original, migrated"], ["verify"], [])).toBe("missing <original> and <migrated>");
  });

  it("names what a list positional expects when nothing was given for it", () => {
    expect(argumentError(["Not enough non-option arguments: got 0, need at least 1"], ["scan"], [])).toBe("missing <dirs>: one or more folders to scan");
    expect(argumentError(["Not enough non-option arguments: got 0, need at least 1"], ["migrate", "--json"], [])).toMatch(/^missing <apps>: /);
  });

  it("words choices and missing values by option", () => {
    const choices = 'Invalid values:\n  Argument: target-format, Given: "2019", Choices: "20210101", "20230101"';
    expect(argumentError([choices], ["migrate"], [])).toBe("--target-format must be one of 20210101, 20230101, not '2019'");
    expect(argumentError(["Not enough arguments following: port"], ["shim"], [])).toBe("--port needs a value");
    // A positional with choices is named as one.
    const action = 'Invalid values:\n  Argument: action, Given: "bogus", Choices: "user-add", "key-add"';
    expect(argumentError([action], ["serve-admin", "bogus"], [])).toBe("<action> must be one of user-add, key-add, not 'bogus'");
  });

  it("finds the command", () => {
    expect(commandOf(["--no-color", "verify", "a"])).toBe("verify");
    expect(commandOf(["scann"])).toBeUndefined();
  });
});

describe("colorFromEnv", () => {
  it("follows Node: FORCE_COLOR wins over NO_COLOR; otherwise a terminal that is not dumb", () => {
    expect(colorFromEnv({}, true)).toBe(true);
    expect(colorFromEnv({}, false)).toBe(false);
    expect(colorFromEnv({ TERM: "dumb" }, true)).toBe(false);
    expect(colorFromEnv({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colorFromEnv({ NO_COLOR: "" }, true)).toBe(true);
    expect(colorFromEnv({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorFromEnv({ FORCE_COLOR: "" }, false)).toBe(true);
    expect(colorFromEnv({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colorFromEnv({ FORCE_COLOR: "false" }, true)).toBe(false);
    expect(colorFromEnv({ FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
  });
});
