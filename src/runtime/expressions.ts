// The App Services JSON expression language, as used by `can_evaluate` on webhooks, endpoint
// functions and service rules (https://www.mongodb.com/docs/atlas/app-services/rules/expressions/).
//
// An expression is `true`, `false`, or an object. Every key of an object must hold (logical AND), and
// `{}` is true. A key is an expansion (`%%request.httpMethod`), an operator (`%or`, `$in`, ...) or a
// literal field name. `{ <key>: <value> }` compares the key's value with the value for equality;
// `{ <key>: { <operator>: ... } }` applies operators to the key's value.
//
// Choices the documentation leaves open are marked INFERRED in ./expressions/ and listed here:
// - bare field names (undocumented for `can_evaluate`): `opts.bareFieldsAs` decides ("args" by
//   default, as in service rules; "root" as in MongoDB rules; "request"; or "literal", i.e. the key is compared as a string).
// - headers (the docs' examples spell names in both cases): `%%request.requestHeaders.<Name>`
//   matches the header name case-insensitively, and because header values are arrays, an array
//   value matches a scalar when ANY element matches (MongoDB array semantics, applied to every array value, not only headers).
// - `%not` (negation) and `%nor` (none holds) are supported though undocumented, and the `$`
//   spellings `$and`, `$or`, `$not`, `$nor` are accepted like the `$` forms of the comparison operators.
// - `null` as a value matches a missing value too (MongoDB query semantics); a value that comes from an
//   expansion of something missing (e.g. an unknown `%%values.x`) never equals anything, so a missing
//   secret cannot match a missing header.
// - `{ <key>: {} }` compares the key's value with an empty document (it is no empty operator list).
// - A whole expression may be a string expansion that yields a boolean (`"%%true"`); an expanded value
//   is never re-read as an expression, so request data cannot inject operators.
// - EJSON wrappers written in an expression (`{"$oid": "…"}`, `{"$numberLong": "5"}`, ...) are literals of
//   that BSON type, not operators.
// - `%%this`, `%%prev` (field-level MongoDB rules) and `%%partition` (sync) are rejected as unsupported.
//
// The whole expression is checked before it is evaluated, so an unknown operator throws even when an
// earlier clause already decides the result. Evaluation short-circuits (an `%and`/AND stops at the first
// failing clause, an `%or` at the first holding one), so `%function` is not called needlessly. Nothing
// passed in is mutated.
//
// The parts live in ./expressions/: syntax.ts (operators and shapes), validate.ts (the static
// check), expand.ts (expansions), evaluator.ts (evaluation), compare.ts (equality and order),
// conversions.ts (%stringToOid …), trace.ts (the trace and its redaction), types.ts. This file is
// the language's entry point: the rest of hookshift imports from here.

import { Evaluator } from "./expressions/evaluator.js";
import type { EvaluateOptions, EvaluationResult, ExpressionEnv } from "./expressions/types.js";
import { validateExpression } from "./expressions/validate.js";

export type { EvaluateOptions, EvaluationResult, ExpressionEnv } from "./expressions/types.js";
export { expand } from "./expressions/expand.js";
export { validateExpression } from "./expressions/validate.js";

/**
 * Evaluates an expression. `undefined`/`null` (no expression) and `{}` allow. Throws on a malformed
 * expression (unknown operator, bad operand), when a `$in` list does not expand to an array, when
 * `%function` is used without `env.callFunction` or the function throws, and on a failed conversion.
 */
export async function evaluateExpression(expr: unknown, env: ExpressionEnv, opts: EvaluateOptions = {}): Promise<EvaluationResult> {
  const problems = validateExpression(expr, opts);
  if (problems.length > 0) throw new Error(`invalid expression: ${problems.join("; ")}`);
  const ev = new Evaluator(env, opts.bareFieldsAs ?? "args");
  if (expr === undefined || expr === null) {
    return { allowed: true, trace: ["no expression: allowed"] };
  }
  const allowed = await ev.expression(expr);
  ev.trace.push(allowed ? "result: allowed" : `result: denied${ev.firstFailure ? ` (failed: ${ev.firstFailure})` : ""}`);
  return { allowed, trace: ev.trace };
}
