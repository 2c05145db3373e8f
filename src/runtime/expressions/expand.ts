// Expansions (`%%request.httpMethod`, `%%values.secret`, `%%user.id` …): which roots exist, what is
// wrong with one, and what one reads in an environment
// (https://www.mongodb.com/docs/atlas/app-services/rules/expressions/).

import type { ExpressionEnv } from "./types.js";
import { hasOwn, isDocument, isExpansion } from "./syntax.js";

const EXPANSION_ROOTS = new Set(["true", "false", "values", "environment", "request", "user", "args", "root", "prevRoot"]);
const UNSUPPORTED_ROOTS: Record<string, string> = {
  this: "%%this is only defined in field-level MongoDB rules, which this evaluator does not run",
  prev: "%%prev is only defined in field-level MongoDB rules, which this evaluator does not run",
  partition: "%%partition is only defined for partition-based sync, which this evaluator does not run",
};

export function expansionProblem(s: string): string | undefined {
  const segments = s.slice(2).split(".");
  const root = segments[0] ?? "";
  const unsupported = UNSUPPORTED_ROOTS[root];
  if (unsupported !== undefined) return `unsupported expansion ${JSON.stringify(s)}: ${unsupported}`;
  if (!EXPANSION_ROOTS.has(root)) {
    return `unknown expansion ${JSON.stringify(s)} (known: ${[...EXPANSION_ROOTS].map((r) => `%%${r}`).join(", ")})`;
  }
  if ((root === "true" || root === "false") && segments.length > 1) return `${JSON.stringify(s)}: %%${root} has no fields`;
  if (segments.some((p) => p === "")) return `malformed expansion ${JSON.stringify(s)}: empty path segment`;
  return undefined;
}

/**
 * Replaces every `%%…` string in a value (deeply, in arrays and documents) by what it expands to.
 * A path that does not exist expands to `undefined`. Operators are not evaluated and the input is not
 * modified. Throws on an unknown or unsupported expansion.
 */
export function expand(value: unknown, env: ExpressionEnv): unknown {
  if (isExpansion(value)) return expandOne(value, env);
  if (Array.isArray(value)) return value.map((e) => expand(e, env));
  if (isDocument(value)) return Object.fromEntries(Object.entries(value).map(([k, e]) => [k, expand(e, env)]));
  return value;
}

export function expandOne(s: string, env: ExpressionEnv): unknown {
  const problem = expansionProblem(s);
  if (problem) throw new Error(problem);
  const [root, ...path] = s.slice(2).split(".") as [string, ...string[]];
  switch (root) {
    case "true":
      return true;
    case "false":
      return false;
    case "request":
      return walkRequest(env.request, path);
    case "environment":
      return walk(env.environment, path);
    case "values":
      return walk(env.values, path);
    case "user":
      return walk(env.user, path);
    case "args":
      return walk(env.args, path);
    case "root":
      return walk(env.root, path);
    case "prevRoot":
      return walk(env.prevRoot, path);
    default:
      throw new Error(`unknown expansion ${JSON.stringify(s)}`);
  }
}

function step(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(segment) ? value[Number(segment)] : undefined;
  if (isDocument(value) && hasOwn(value, segment)) return value[segment];
  return undefined;
}

export function walk(value: unknown, path: string[]): unknown {
  let v = value;
  for (const segment of path) {
    if (v === undefined) return undefined;
    v = step(v, segment);
  }
  return v;
}

/** `requestHeaders.<Name>` matches the header name case-insensitively (INFERRED, docs/parity.md). */
export function walkRequest(request: unknown, path: string[]): unknown {
  if (path[0] !== "requestHeaders" || path.length < 2) return walk(request, path);
  const headers = step(request, "requestHeaders");
  if (!isDocument(headers)) return undefined;
  const name = path[1]!;
  let v: unknown;
  if (hasOwn(headers, name)) v = headers[name];
  else {
    const matches = Object.keys(headers).filter((k) => k.toLowerCase() === name.toLowerCase());
    if (matches.length === 1) v = headers[matches[0]!];
    // The same header sent under several spellings: one header with all their values.
    else if (matches.length > 1) v = matches.flatMap((k) => headers[k] as unknown);
  }
  return walk(v, path.slice(2));
}
