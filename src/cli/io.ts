// Where the CLI prints. Commands write through this so tests can capture output in-process.

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
  columns: number;
  /** stderr is a terminal: progress bars go there (progress.ts); never in tests or pipes. */
  errIsTTY?: boolean;
}

export function processIo(): Io {
  // A reader that goes away (`hookshift scan … | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const color = colorFromEnv(process.env, process.stdout.isTTY === true);
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    color,
    columns: process.stdout.columns ?? 100,
    errIsTTY: process.stderr.isTTY === true && process.env.TERM !== "dumb",
  };
}

/**
 * Whether to colour output, before `--color` / `--no-color` (which win, commands.ts). As Node's own
 * tty.getColorDepth: FORCE_COLOR wins over NO_COLOR (FORCE_COLOR=0 or false turns colour off);
 * NO_COLOR (https://no-color.org) turns it off; otherwise colour on a terminal that is not dumb.
 */
export function colorFromEnv(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY && env.TERM !== "dumb";
}

/** An Io that collects output; used by tests and by --json runs that must print one document. */
export function bufferIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    color: false,
    columns: 100,
    stdout: () => out,
    stderr: () => err,
  };
}
