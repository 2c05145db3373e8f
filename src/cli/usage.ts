// One style for every error the user can fix by changing the command line:
//
//   hookshift: error: <one message>
//   <what to do, when the message alone does not say>
//   Run 'hookshift <command> --help' for usage.
//
// yargs reports some mistakes twice (a mistyped command is both "Did you mean scan?" and "Unknown
// argument: scann"; a missing positional is both "Not enough non-option arguments" and "Missing
// required argument"): commands.ts collects them and `argumentError` makes one message of them.

import type { Io } from "./io.js";

const COMMANDS = ["scan", "migrate", "shim", "serve", "serve-admin", "verify", "callers", "rules"] as const;

/** What the commands whose last positional is a list expect there (src/cli/commands.ts declares them). */
const LIST_POSITIONALS: Record<string, string> = {
  scan: "<dirs>: one or more folders to scan",
  migrate: "<apps>: an app folder, or several (or a folder of apps) for a fleet",
  callers: "<report> <dirs>: a migrate report (or fleet report) folder, then the client folders to search",
};

/** The command the arguments name, if any (the first word that is not an option). */
export function commandOf(argv: string[]): string | undefined {
  const first = argv.find((a) => !a.startsWith("-"));
  return first && (COMMANDS as readonly string[]).includes(first) ? first : undefined;
}

/**
 * With `json` (the command line asked for --json), the error is also one JSON object on stdout,
 * `{ "errors": [ { "code": "usage", "message", "hint"?, "help" } ] }` (the shape of migrate's
 * `{"written": false, "errors": [...]}`), so a script that parses stdout gets JSON whatever went
 * wrong; the text stays on stderr for the person watching. The exit code is the same (1).
 */
export function printUsageError(io: Io, message: string, opts: { hint?: string; command?: string; json?: boolean } = {}): void {
  const help = `hookshift ${opts.command ? opts.command + " " : ""}--help`;
  const lines = [`hookshift: error: ${message}`];
  if (opts.hint) lines.push(opts.hint);
  lines.push(`Run '${help}' for usage.`);
  io.err(lines.join("\n") + "\n");
  if (opts.json) printJsonError(io, { code: "usage", message, ...(opts.hint ? { hint: opts.hint } : {}), help });
}

/** One error as the JSON object --json runs print on stdout (see printUsageError). */
function printJsonError(io: Io, error: { code: string; message: string; hint?: string; help?: string }): void {
  io.out(JSON.stringify({ errors: [error] }, null, 2) + "\n");
}

/**
 * Whether the command line asks for JSON, read from the words themselves: a usage error is found
 * before (or instead of) yargs' parse. As yargs reads a boolean: the last of --json, --json=<v>,
 * --no-json wins; nothing after `--` counts.
 */
export function wantsJson(argv: string[]): boolean {
  let json = false;
  for (const a of argv) {
    if (a === "--") break;
    if (a === "--json") json = true;
    else if (a === "--no-json") json = false;
    else if (a.startsWith("--json=")) json = !["false", "0", ""].includes(a.slice("--json=".length).toLowerCase());
  }
  return json;
}

const optionName = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

/** Edit distance, for "did you mean --out?". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * One message from what yargs reported, in the words a user needs: which argument or option,
 * what was wrong with it. `options` are the command's option names, for a suggestion.
 */
export function argumentError(messages: string[], argv: string[], options: string[]): string {
  const didYouMean = messages.map((m) => /^Did you mean (.+)\?$/.exec(m)?.[1]).find(Boolean);
  const missing = messages.find((m) => m.startsWith("Missing required argument"));
  const rest = messages.filter((m) => !m.startsWith("Did you mean") && !(missing && m.startsWith("Not enough non-option arguments")));
  const first = missing ?? rest[0] ?? messages[0] ?? "invalid arguments";

  let m: RegExpExecArray | null;
  if ((m = /^Unknown arguments?: (.+)$/.exec(first))) {
    const words = m[1]!.split(", ");
    const given = (w: string) => argv.some((a) => a === `--${w}` || a.startsWith(`--${w}=`) || a === `-${w}` || a === `--no-${w}`);
    const command = commandOf(argv);
    if (!command && words.length >= 1 && !given(words[0]!)) {
      return `unknown command '${words[0]}'${didYouMean ? ` (did you mean '${didYouMean}'?)` : `; the commands are ${COMMANDS.join(", ")}`}`;
    }
    const parts = words.map((w) => {
      if (!given(w)) return `unexpected argument '${w}'`;
      const guess = closest(
        w,
        options.filter((o) => o.length > 1),
      );
      return `unknown option ${optionName(w)}${guess ? ` (did you mean ${optionName(guess)}?)` : ""}`;
    });
    return parts.join("; ");
  }
  if ((m = /^Missing required arguments?: (.+)$/.exec(first))) {
    const names = m[1]!.split(", ").map((n) => `<${n}>`);
    return `missing ${names.join(" and ")}`;
  }
  if ((m = /^Not enough arguments following: (.+)$/.exec(first))) return `${optionName(m[1]!)} needs a value`;
  if ((m = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(first))) {
    // A list positional (`scan <dirs..>`) that got nothing: yargs names no argument, only the count.
    const command = commandOf(argv);
    const what = command === undefined ? undefined : LIST_POSITIONALS[command];
    return what ? `missing ${what}` : `missing arguments: got ${m[1]}, need at least ${m[2]}`;
  }
  if ((m = /Argument: (.+?), Given: (.+?), Choices: (.+)$/m.exec(first))) {
    // A positional with choices (serve-admin's <action>): its value was given bare, never as --name.
    const [name, given] = [m[1]!, m[2]!.replace(/^"|"$/g, "")];
    const asOption = argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    const label = !asOption && argv.includes(given) ? `<${name}>` : optionName(name);
    return `${label} must be one of ${m[3]!.replace(/"/g, "")}, not '${given}'`;
  }
  if ((m = /^Too many non-option arguments: got (\d+), maximum of (\d+)$/.exec(first))) {
    return `too many arguments: got ${m[1]}, expected at most ${m[2]}`;
  }
  return first;
}

/** An error no check foresaw: one line and a hint, never a stack trace (and JSON too with --json). */
export function printInternalError(io: Io, e: unknown, json: boolean): void {
  const message = `internal error: ${e instanceof Error ? e.message : String(e)}`;
  const hint = "Please report it with the command you ran.";
  io.err(`hookshift: ${message}\n${hint}\n`);
  if (json) printJsonError(io, { code: "internal", message, hint });
}
