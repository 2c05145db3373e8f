// verify's defaults, in a file of their own so the CLI can show them in its help without loading
// verify (src/cli/commands.ts builds every command's options, and start-up time matters).

/** Most cases per webhook, over every round (`--cases`): enough for a webhook's config cases, its source cases and two rounds aimed at branches, on 2 cores. */
export const DEFAULT_MAX_CASES = 40;

/** Seconds one function call may run under verify (`--time-limit`): a looping function fails its case, not the run. */
export const DEFAULT_VERIFY_TIME_LIMIT_S = 10;
