// The progress bar of long runs (scan, migrate, verify), on stderr when it is a terminal:
// cli-progress draws it (https://github.com/npkgz/cli-progress); nothing here writes cursor codes.
// With stderr not a terminal (pipes, CI logs, tests) or with --json, a run shows no progress.

import type cliProgressTypes from "cli-progress";
import { createRequire } from "node:module";
import type { Progress } from "../util/progress.js";
import type { Io } from "./io.js";

const PHASE: Record<string, string> = {
  read: "Reading the app",
  plan: "Planning and rewriting",
  write: "Writing the converted app",
  report: "Writing the reports",
  scan: "Scanning apps",
  verify: "Verifying webhooks",
  fleet: "Migrating apps",
  "fleet-verify": "Verifying apps",
};

export interface ProgressBar {
  /** Shows a phase and n of N (n/N is left out when the phase has no count). */
  update(p: Progress): void;
  /** Prints `text` above the bar (or just prints it when there is no bar). */
  log(text: string): void;
  /** Removes the bar. */
  stop(): void;
}

/** A bar when stderr is a terminal and the output is not JSON; otherwise one that shows nothing. */
export function progressBar(io: Io, opts: { json?: boolean } = {}): ProgressBar {
  if (!io.errIsTTY || opts.json) return { update: () => undefined, log: (t) => io.out(t), stop: () => undefined };
  // Loaded only for a bar: a run into a pipe or a file (scripts, CI, bench/startup.mjs) does not pay for it.
  const cliProgress = createRequire(import.meta.url)("cli-progress") as typeof cliProgressTypes;
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: (_options, params, payload: { phase?: string; counted?: boolean; unit?: string; detail?: string }) => {
        const phase = payload.phase ?? "";
        if (!payload.counted) return `${phase} ...`;
        const width = 24;
        const filled = params.total > 0 ? Math.min(width, Math.round((params.value / params.total) * width)) : 0;
        const line = `${phase} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${params.value}/${params.total}${payload.unit ? ` ${payload.unit}` : ""}${payload.detail ? `; ${payload.detail}` : ""}`;
        // One terminal line: a wrapped bar would be drawn again below itself on every redraw.
        // (A pseudo-terminal may report no width: 0.)
        const columns = process.stderr.columns || 100;
        return columns >= 40 && line.length > columns - 1 ? line.slice(0, columns - 2) + "…" : line;
      },
      clearOnComplete: true,
      // The cursor stays visible: a run killed by Ctrl-C must not leave the terminal without one
      // (cli-progress's gracefulExit would catch SIGINT and keep the process running).
      hideCursor: false,
      // Draws at most every 100 ms, whatever the number of updates.
      fps: 10,
    },
    cliProgress.Presets.legacy,
  );
  let bar: cliProgressTypes.SingleBar | undefined;
  let stopped = false;
  let phase = "";
  let drawn = 0;
  return {
    update(p) {
      if (stopped) return;
      const payload = { phase: PHASE[p.phase] ?? p.phase, counted: p.total > 0, unit: p.unit, detail: p.detail };
      if (!bar) bar = multi.create(Math.max(p.total, 1), p.done, payload);
      else {
        bar.setTotal(Math.max(p.total, 1));
        bar.update(p.done, payload);
      }
      // cli-progress redraws on a timer, which never fires while a phase runs synchronously
      // (planning 5,000 webhooks): redraw now on a new phase, and at most every 100 ms.
      const now = Date.now();
      if (p.phase !== phase || now - drawn >= 100) {
        phase = p.phase;
        drawn = now;
        multi.update();
      }
    },
    log(text) {
      // While the bar is up, lines for the same terminal go above it (cli-progress writes them
      // on its next redraw); lines for a pipe or a file go there as usual.
      if (bar && !stopped && process.stdout.isTTY) multi.log(text.endsWith("\n") ? text : text + "\n");
      else io.out(text);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (bar) multi.update(); // writes the lines logged since the last redraw
      multi.stop();
    },
  };
}
