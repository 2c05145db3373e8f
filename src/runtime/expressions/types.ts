// The shapes the expression evaluator takes and gives: what the expansions read (`%%request`,
// `%%user`, `%%values` …), how bare field names read, and the result with its trace.

export interface ExpressionEnv {
  /** %%request (context.request shape; requestHeaders: {Name: [values]}) */
  request?: Record<string, unknown>;
  /** %%user (id, type, data, custom_data, identities) */
  user?: Record<string, unknown>;
  /** %%values.<name> (secrets already resolved) */
  values?: Record<string, unknown>;
  /** %%environment */
  environment?: { tag: string; values: Record<string, unknown> };
  /** %%args (service rules) */
  args?: Record<string, unknown>;
  /** %%root / %%prevRoot (MongoDB rules, optional) */
  root?: unknown;
  prevRoot?: unknown;
  /** %function: calls an app function; may return a Promise. */
  callFunction?: (name: string, args: unknown[]) => unknown | Promise<unknown>;
}

export interface EvaluationResult {
  allowed: boolean;
  /** why, for logs and verify reports */
  trace: string[];
}

/**
 * What a bare (non-`%%`) field name refers to; undocumented for `can_evaluate` (docs/parity.md).
 * "args": `%%args.<name>` (service rules, the default). "root": `%%root.<name>` (MongoDB rules).
 * "request": `%%request.<name>`. "literal": the key itself, as a string.
 */
export type BareFieldsAs = "args" | "request" | "literal" | "root";

export interface EvaluateOptions {
  bareFieldsAs?: BareFieldsAs;
}
