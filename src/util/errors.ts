// An error in what the user asked for (a path, an option), as opposed to a failure while doing it.
// The CLI prints it as `hookshift: error: <message>`, the hint on the next line, and a pointer to
// the command's --help; never with a stack trace.

export class UsageError extends Error {
  constructor(
    message: string,
    /** A second line saying what to do, when the message alone does not. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
