// Where the CLI prints. Commands write through this so tests can capture output in-process.

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
  columns: number;
}

export function processIo(): Io {
  // A reader that goes away (`hookshift scan … | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const color = process.stdout.isTTY === true && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    color,
    columns: process.stdout.columns ?? 100,
  };
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
