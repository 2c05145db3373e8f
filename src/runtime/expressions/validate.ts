// The static check of an expression, run before every evaluation (so that an unknown operator
// throws even where an earlier clause decides) and on its own by whoever wants findings.

import type { EvaluateOptions } from "./types.js";
import { expansionProblem } from "./expand.js";
import {
  at,
  isDocument,
  isEjsonWrapper,
  isExpansion,
  isOperatorKey,
  isOperatorObject,
  isValueOpObject,
  LOGICAL,
  PREDICATES,
  unknownOperator,
  VALUE_OPS,
} from "./syntax.js";
import { show } from "./trace.js";

/**
 * Problems in an expression that make it impossible to evaluate (unknown operators, malformed
 * operands, unknown expansions). Empty when the expression is well formed. Needs no environment,
 * so a scanner can report these as findings.
 */
export function validateExpression(expr: unknown, opts: EvaluateOptions = {}): string[] {
  const problems: string[] = [];
  if (opts.bareFieldsAs !== undefined && !["args", "request", "literal", "root"].includes(opts.bareFieldsAs)) {
    problems.push(`bareFieldsAs must be "args", "request", "literal" or "root", not ${JSON.stringify(opts.bareFieldsAs)}`);
  }
  if (expr === undefined || expr === null) return problems;
  checkExpr(expr, "", problems);
  return problems;
}

function checkExpansion(s: string, path: string, problems: string[]): void {
  const problem = expansionProblem(s);
  if (problem) problems.push(`${problem} (${at(path)})`);
}

function checkExpr(expr: unknown, path: string, problems: string[]): void {
  if (typeof expr === "boolean") return;
  if (isExpansion(expr)) return checkExpansion(expr, path, problems);
  if (!isDocument(expr)) {
    problems.push(`an expression must be true, false, an object or an expansion, not ${show(expr)} (${at(path)})`);
    return;
  }
  for (const [key, value] of Object.entries(expr)) {
    const here = path === "" ? key : `${path}.${key}`;
    if (key.startsWith("%%")) {
      checkExpansion(key, here, problems);
      checkSpec(value, here, problems);
    } else if (isOperatorKey(key)) {
      const logical = LOGICAL[key];
      if (logical === "not") checkExpr(value, here, problems);
      else if (logical !== undefined) {
        if (!Array.isArray(value)) problems.push(`${key} needs an array of expressions, not ${show(value)} (${at(here)})`);
        else value.forEach((e, i) => checkExpr(e, `${here}[${i}]`, problems));
      } else if (PREDICATES[key] !== undefined || VALUE_OPS[key] !== undefined) {
        problems.push(`operator ${key} must be applied to a field, e.g. {"%%args.x": {"${key}": …}} (${at(here)})`);
      } else problems.push(unknownOperator(key, here));
    } else checkSpec(value, here, problems);
  }
}

/** The value side of `{ <key>: <spec> }`. */
function checkSpec(spec: unknown, path: string, problems: string[]): void {
  if (!isOperatorObject(spec)) return checkValue(spec, path, problems);
  const keys = Object.keys(spec);
  const nonOps = keys.filter((k) => !isOperatorKey(k));
  if (nonOps.length > 0) {
    problems.push(`an object mixes operators and field names (${keys.join(", ")}) (${at(path)})`);
    return;
  }
  const valueOps = keys.filter((k) => VALUE_OPS[k] !== undefined);
  if (valueOps.length > 0) return checkValue(spec, path, problems);
  for (const [op, arg] of Object.entries(spec)) {
    const here = `${path}.${op}`;
    const logical = LOGICAL[op];
    const pred = PREDICATES[op];
    if (logical === "not") checkSpec(arg, here, problems);
    else if (logical !== undefined) {
      if (!Array.isArray(arg)) problems.push(`${op} needs an array, not ${show(arg)} (${at(here)})`);
      else arg.forEach((s, i) => checkSpec(s, `${here}[${i}]`, problems));
    } else if (pred === "exists") {
      if (typeof arg === "boolean" || typeof arg === "number") continue;
      if (isExpansion(arg)) checkExpansion(arg, here, problems);
      else problems.push(`${op} needs true or false, not ${show(arg)} (${at(here)})`);
    } else if (pred === "in" || pred === "nin") {
      if (Array.isArray(arg) || isExpansion(arg) || isValueOpObject(arg)) checkValue(arg, here, problems);
      else problems.push(`${op} needs an array or an expansion that yields one, not ${show(arg)} (${at(here)})`);
    } else if (pred !== undefined) checkValue(arg, here, problems);
    else problems.push(unknownOperator(op, here));
  }
}

/** A value: a literal, an expansion, an array or document of values, or one value operator. */
function checkValue(v: unknown, path: string, problems: string[]): void {
  if (isExpansion(v)) return checkExpansion(v, path, problems);
  if (Array.isArray(v)) return v.forEach((e, i) => checkValue(e, `${path}[${i}]`, problems));
  if (!isDocument(v) || isEjsonWrapper(v)) return;
  const keys = Object.keys(v);
  const ops = keys.filter(isOperatorKey);
  if (ops.length === 0) {
    for (const [k, e] of Object.entries(v)) checkValue(e, `${path}.${k}`, problems);
    return;
  }
  if (keys.length !== 1 || VALUE_OPS[keys[0]!] === undefined) {
    const op = ops.find((k) => VALUE_OPS[k] === undefined && PREDICATES[k] === undefined && LOGICAL[k] === undefined);
    if (op !== undefined) problems.push(unknownOperator(op, `${path}.${op}`));
    else
      problems.push(
        `operators (${ops.join(", ")}) cannot be used as a value here; only ${Object.keys(VALUE_OPS).join(", ")} can, each alone in its object (${at(path)})`,
      );
    return;
  }
  const op = keys[0]!;
  const arg = v[op];
  const here = `${path}.${op}`;
  if (VALUE_OPS[op] === "function") {
    if (!isDocument(arg)) {
      problems.push(`%function needs {"name": …, "arguments": […]}, not ${show(arg)} (${at(here)})`);
      return;
    }
    const { name, arguments: args } = arg;
    if (typeof name !== "string" || name === "") problems.push(`%function needs a function name (${at(here)})`);
    const extra = Object.keys(arg).filter((k) => k !== "name" && k !== "arguments");
    if (extra.length > 0) problems.push(`%function has unknown fields ${extra.join(", ")} (${at(here)})`);
    if (args !== undefined && !Array.isArray(args)) problems.push(`%function arguments must be an array (${at(here)})`);
    if (Array.isArray(args)) collectExpansions(args).forEach((s) => checkExpansion(s, here, problems));
    return;
  }
  // Conversions: "the argument must be a literal or an expansion (operators are not evaluated inside)".
  if (isExpansion(arg)) checkExpansion(arg, here, problems);
  else if (Array.isArray(arg) || (isDocument(arg) && !isEjsonWrapper(arg))) {
    problems.push(`${op} needs a literal or an expansion, not ${show(arg)} (${at(here)})`);
  }
}

function collectExpansions(v: unknown, out: string[] = []): string[] {
  if (isExpansion(v)) out.push(v);
  else if (Array.isArray(v)) v.forEach((e) => collectExpansions(e, out));
  else if (isDocument(v)) Object.values(v).forEach((e) => collectExpansions(e, out));
  return out;
}
