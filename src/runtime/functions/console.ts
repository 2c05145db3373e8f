// The `console` global: one log line per call, kept for the shim's output and verify's reports.

import { format } from "node:util";

/** At most this many lines are kept per call (the shim shows them; App Services keeps 25). */
const MAX_LOG_LINES = 1000;

function logText(arg: unknown): string {
  if (typeof arg === "string") return arg;
  try {
    return String(arg);
  } catch {
    return Object.prototype.toString.call(arg);
  }
}

/**
 * A `console` that appends one line per call to `lines`. Arguments are joined with spaces after
 * `String()` (so an object logs as `[object Object]`, as App Services' logs show; inferred),
 * except that a leading format string with `%s`/`%d`/`%o` placeholders is formatted Node-style.
 */
export function makeConsole(lines: string[]) {
  const write = (args: unknown[]) => {
    if (lines.length >= MAX_LOG_LINES) return;
    let text: string;
    if (typeof args[0] === "string" && /%[sdifjoOc%]/.test(args[0])) text = format(...(args as [string, ...unknown[]]));
    else text = args.map(logText).join(" ");
    lines.push(text);
    if (lines.length === MAX_LOG_LINES) lines.push(`... further log lines dropped (more than ${MAX_LOG_LINES})`);
  };
  const method = (...args: unknown[]) => write(args);
  return Object.freeze({ log: method, info: method, debug: method, warn: method, error: method, trace: method });
}
