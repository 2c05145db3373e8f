// The App Services JSON expression language, as used by `can_evaluate` on webhooks, endpoint
// functions and service rules (https://www.mongodb.com/docs/atlas/app-services/rules/expressions/).
//
// An expression is `true`, `false`, or an object. Every key of an object must hold (logical AND), and
// `{}` is true. A key is an expansion (`%%request.httpMethod`), an operator (`%or`, `$in`, ...) or a
// literal field name. `{ <key>: <value> }` compares the key's value with the value for equality;
// `{ <key>: { <operator>: ... } }` applies operators to the key's value.
//
// Choices the documentation leaves open are marked INFERRED below and listed here:
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

import { EJSON, ObjectId, UUID } from "bson";

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

// ---------------------------------------------------------------------------------------------------
// Operators

/** Logical operators. `%not`/`%nor` and all `$` forms here are INFERRED (the docs list neither). */
const LOGICAL: Record<string, "and" | "or" | "nor" | "not"> = {
  "%and": "and",
  $and: "and",
  "%or": "or",
  $or: "or",
  "%nor": "nor",
  $nor: "nor",
  "%not": "not",
  $not: "not",
};

type Predicate = "exists" | "in" | "nin" | "eq" | "ne" | "gt" | "gte" | "lt" | "lte";
const PREDICATES: Record<string, Predicate> = {};
for (const p of ["exists", "in", "nin", "eq", "ne", "gt", "gte", "lt", "lte"] as const) {
  PREDICATES[`$${p}`] = p;
  PREDICATES[`%${p}`] = p;
}

/** Operators that produce a value (only the `%` spelling is documented). */
type ValueOp = "function" | "stringToOid" | "oidToString" | "stringToUuid" | "uuidToString";
const VALUE_OPS: Record<string, ValueOp> = {
  "%function": "function",
  "%stringToOid": "stringToOid",
  "%oidToString": "oidToString",
  "%stringToUuid": "stringToUuid",
  "%uuidToString": "uuidToString",
};

/** Keys of Extended JSON type wrappers: a literal of that type, not an operator. */
const EJSON_KEYS = new Set([
  "$oid",
  "$date",
  "$numberInt",
  "$numberLong",
  "$numberDouble",
  "$numberDecimal",
  "$binary",
  "$uuid",
  "$timestamp",
  "$regularExpression",
  "$symbol",
  "$code",
  "$scope",
  "$minKey",
  "$maxKey",
  "$undefined",
  "$dbPointer",
]);

const EXPANSION_ROOTS = new Set(["true", "false", "values", "environment", "request", "user", "args", "root", "prevRoot"]);
const UNSUPPORTED_ROOTS: Record<string, string> = {
  this: "%%this is only defined in field-level MongoDB rules, which this evaluator does not run",
  prev: "%%prev is only defined in field-level MongoDB rules, which this evaluator does not run",
  partition: "%%partition is only defined for partition-based sync, which this evaluator does not run",
};

function isOperatorKey(key: string): boolean {
  return (key.startsWith("$") || key.startsWith("%")) && !key.startsWith("%%");
}

function isExpansion(v: unknown): v is string {
  return typeof v === "string" && v.startsWith("%%");
}

function bsonType(v: unknown): string | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === "string" ? t : undefined;
}

function isDate(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === "[object Date]";
}

/** A plain document (also one made in another realm, e.g. returned by a function run in node:vm). */
function isDocument(v: unknown): v is Record<string, unknown> {
  return Object.prototype.toString.call(v) === "[object Object]" && bsonType(v) === undefined;
}

function isEjsonWrapper(v: unknown): v is Record<string, unknown> {
  if (!isDocument(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.length <= 2 && keys.every((k) => EJSON_KEYS.has(k));
}

/** An object of operators (`{"$in": [...]}`), as opposed to a literal document or an EJSON wrapper. */
function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!isDocument(v) || isEjsonWrapper(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.some(isOperatorKey);
}

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

// ---------------------------------------------------------------------------------------------------
// Static check

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

function at(path: string): string {
  return path === "" ? "at the top level" : `at ${path}`;
}

function checkExpansion(s: string, path: string, problems: string[]): void {
  const problem = expansionProblem(s);
  if (problem) problems.push(`${problem} (${at(path)})`);
}

function expansionProblem(s: string): string | undefined {
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

function unknownOperator(key: string, path: string): string {
  return `unknown operator ${JSON.stringify(key)} (${at(path)}); known: ${[
    ...Object.keys(LOGICAL),
    ...Object.keys(PREDICATES),
    ...Object.keys(VALUE_OPS),
  ].join(" ")}`;
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

function isValueOpObject(v: unknown): v is Record<string, unknown> {
  if (!isDocument(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && VALUE_OPS[keys[0]!] !== undefined;
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
    else problems.push(`operators (${ops.join(", ")}) cannot be used as a value here; only ${Object.keys(VALUE_OPS).join(", ")} can, each alone in its object (${at(path)})`);
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
    if (typeof arg["name"] !== "string" || arg["name"] === "") problems.push(`%function needs a function name (${at(here)})`);
    const extra = Object.keys(arg).filter((k) => k !== "name" && k !== "arguments");
    if (extra.length > 0) problems.push(`%function has unknown fields ${extra.join(", ")} (${at(here)})`);
    const args = arg["arguments"];
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

// ---------------------------------------------------------------------------------------------------
// Expansions

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

function expandOne(s: string, env: ExpressionEnv): unknown {
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

function walk(value: unknown, path: string[]): unknown {
  let v = value;
  for (const segment of path) {
    if (v === undefined) return undefined;
    v = step(v, segment);
  }
  return v;
}

/** `requestHeaders.<Name>` matches the header name case-insensitively (INFERRED, docs/parity.md). */
function walkRequest(request: unknown, path: string[]): unknown {
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

// ---------------------------------------------------------------------------------------------------
// Comparison

type Numeric = number | bigint;

function toNumeric(v: unknown): Numeric | undefined {
  if (typeof v === "number" || typeof v === "bigint") return v;
  switch (bsonType(v)) {
    case "Int32":
    case "Double":
      return (v as { value: number }).value;
    case "Long":
      return (v as { toBigInt(): bigint }).toBigInt();
    case "Decimal128":
      return Number(String(v));
    default:
      return undefined;
  }
}

function compareNumeric(a: Numeric, b: Numeric): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  const n = typeof a === "number" ? a : (b as number);
  if (!Number.isInteger(n)) return compareNumeric(Number(a), Number(b));
  return compareNumeric(BigInt(a), BigInt(b));
}

/** EJSON wrappers (`{"$oid": "…"}`) become their BSON value; anything else is returned as is. */
function normalize(v: unknown): unknown {
  if (!isEjsonWrapper(v)) return v;
  try {
    return EJSON.deserialize(v, { relaxed: true });
  } catch {
    return v;
  }
}

function binaryHex(v: unknown): string {
  return (v as { toString(encoding: "hex"): string }).toString("hex");
}

/** Deep equality: numbers across BSON numeric types, ObjectId by hex, Dates by time, Binary/UUID by bytes. */
export function valuesEqual(x: unknown, y: unknown): boolean {
  const a = normalize(x);
  const b = normalize(y);
  if (a === b) return true;
  const na = toNumeric(a);
  const nb = toNumeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && compareNumeric(na, nb) === 0;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (isDate(a) || isDate(b)) return isDate(a) && isDate(b) && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((e, i) => valuesEqual(e, b[i]));
  }
  const ta = bsonType(a);
  const tb = bsonType(b);
  if (ta !== undefined || tb !== undefined) {
    if (ta !== tb) return false;
    if (ta === "ObjectId") return (a as ObjectId).toHexString() === (b as ObjectId).toHexString();
    if (ta === "Binary") {
      return (a as { sub_type: number }).sub_type === (b as { sub_type: number }).sub_type && binaryHex(a) === binaryHex(b);
    }
    return EJSON.stringify(a as never, { relaxed: false }) === EJSON.stringify(b as never, { relaxed: false });
  }
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  if (!isDocument(a) || !isDocument(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => hasOwn(b, k) && valuesEqual(a[k], b[k]));
}

/**
 * Equality as a match: `null` also matches a missing value, and an array value matches when it equals
 * the expected value or ANY element does (INFERRED for headers, docs/parity.md; MongoDB semantics otherwise).
 * A missing expected value (an expansion of something that does not exist) matches nothing.
 */
function matchesEq(actual: unknown, expected: unknown): boolean {
  if (expected === undefined) return false;
  const exp = normalize(expected);
  if (exp === null) return actual === undefined || actual === null || (Array.isArray(actual) && actual.some((e) => e === null || e === undefined));
  if (valuesEqual(actual, exp)) return true;
  return Array.isArray(actual) && actual.some((e) => valuesEqual(e, exp));
}

/** Ordering within one type (numbers, strings, dates, ObjectIds, booleans); undefined across types. */
function compareValues(x: unknown, y: unknown): number | undefined {
  const a = normalize(x);
  const b = normalize(y);
  const na = toNumeric(a);
  const nb = toNumeric(b);
  if (na !== undefined && nb !== undefined) {
    const c = compareNumeric(na, nb);
    return Number.isNaN(c) ? undefined : c;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (isDate(a) && isDate(b)) return Math.sign(a.getTime() - b.getTime());
  if (bsonType(a) === "ObjectId" && bsonType(b) === "ObjectId") {
    const ha = (a as ObjectId).toHexString();
    const hb = (b as ObjectId).toHexString();
    return ha < hb ? -1 : ha > hb ? 1 : 0;
  }
  return undefined;
}

function matchesOrder(actual: unknown, expected: unknown, ok: (c: number) => boolean): boolean {
  if (expected === undefined) return false;
  const one = (v: unknown): boolean => {
    const c = compareValues(v, expected);
    return c !== undefined && ok(c);
  };
  return one(actual) || (Array.isArray(actual) && actual.some(one));
}

// ---------------------------------------------------------------------------------------------------
// Trace formatting

const SENSITIVE_HEADER = /auth|secret|token|key|sig|pass|cookie|credential/i;

function show(v: unknown, max = 120): string {
  let s: string;
  try {
    s = render(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function render(v: unknown): string {
  if (v === undefined) return "missing";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object" || v === null) return JSON.stringify(v) ?? String(v);
  if (isDate(v)) return `Date(${Number.isNaN(v.getTime()) ? "invalid" : v.toISOString()})`;
  const t = bsonType(v);
  if (t === "ObjectId") return `ObjectId("${(v as ObjectId).toHexString()}")`;
  if (t === "Binary" && (v as { sub_type: number }).sub_type === 4) {
    try {
      return `UUID("${(v as { toUUID(): UUID }).toUUID().toHexString(true)}")`;
    } catch {
      /* fall through */
    }
  }
  if (t !== undefined) return EJSON.stringify(v as never, { relaxed: true });
  if (Array.isArray(v)) return `[${v.map((e) => render(e)).join(",")}]`;
  if (isDocument(v)) return `{${Object.entries(v).map(([k, e]) => `${JSON.stringify(k)}:${render(e)}`).join(",")}}`;
  return String(v);
}

function stringLeaves(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 8) return;
  if (typeof v === "string") {
    if (v.length > 0) out.add(v);
  } else if (Array.isArray(v)) v.forEach((e) => stringLeaves(e, out, depth + 1));
  else if (isDocument(v)) Object.values(v).forEach((e) => stringLeaves(e, out, depth + 1));
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

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

interface KeyInfo {
  /** How the key reads in the trace, e.g. `%%request.httpMethod`. */
  label: string;
  /** Hide values compared against this key (secrets, credential headers). */
  sensitive: boolean;
}

class Evaluator {
  readonly trace: string[] = [];
  firstFailure: string | undefined;
  private depth = 0;
  private secrets: Set<string> | undefined;

  constructor(
    private readonly env: ExpressionEnv,
    private readonly bare: BareFieldsAs,
  ) {}

  private open(): number {
    this.trace.push("");
    this.depth++;
    return this.trace.length - 1;
  }

  private close(index: number, label: string, pass: boolean, detail = ""): boolean {
    this.depth--;
    this.trace[index] = `${"  ".repeat(this.depth)}${label}: ${pass ? "pass" : "FAIL"}${detail}`;
    if (!pass && this.depth === 0 && this.firstFailure === undefined) this.firstFailure = label;
    return pass;
  }

  private note(line: string): void {
    this.trace.push(`${"  ".repeat(this.depth)}${line}`);
  }

  /** A value for the trace, with anything that could be a secret replaced by `<redacted>`. */
  private preview(v: unknown, key: KeyInfo): string {
    if (v === undefined) return "missing";
    if (key.sensitive) return "<redacted>";
    if (this.secrets === undefined) {
      this.secrets = new Set();
      stringLeaves(this.env.values, this.secrets);
      stringLeaves(this.env.environment?.values, this.secrets);
    }
    const leaves = new Set<string>();
    stringLeaves(v, leaves);
    for (const s of leaves) if (this.secrets.has(s)) return "<redacted>";
    return show(v, 80);
  }

  private operand(v: unknown, key: KeyInfo): string {
    if (key.sensitive && !isExpansion(v)) return "<redacted>";
    return show(v, 80);
  }

  async expression(expr: unknown): Promise<boolean> {
    if (typeof expr === "boolean") {
      const i = this.open();
      return this.close(i, String(expr), expr);
    }
    if (isExpansion(expr)) {
      const i = this.open();
      const v = expandOne(expr, this.env);
      if (typeof v !== "boolean") {
        throw new Error(`the expression ${JSON.stringify(expr)} must expand to true or false, not ${show(v)}`);
      }
      return this.close(i, expr, v);
    }
    const doc = expr as Record<string, unknown>;
    const entries = Object.entries(doc);
    if (entries.length === 0) {
      const i = this.open();
      return this.close(i, "{}", true);
    }
    for (const [key, value] of entries) {
      if (!(await this.clause(key, value))) return false;
    }
    return true;
  }

  private async clause(key: string, value: unknown): Promise<boolean> {
    const logical = LOGICAL[key];
    if (logical !== undefined) return this.logicalExpr(key, logical, value);
    const { actual, info } = this.resolveKey(key);
    return this.spec(actual, value, info);
  }

  private async logicalExpr(op: string, kind: "and" | "or" | "nor" | "not", arg: unknown): Promise<boolean> {
    const i = this.open();
    if (kind === "not") {
      const inner = await this.expression(arg);
      return this.close(i, op, !inner);
    }
    const items = arg as unknown[];
    let pass: boolean;
    if (kind === "and") {
      pass = true;
      for (const e of items) if (!(await this.expression(e))) { pass = false; break; }
    } else {
      let any = false;
      for (const e of items) if (await this.expression(e)) { any = true; break; }
      pass = kind === "or" ? any : !any;
    }
    return this.close(i, `${op} (${items.length} ${items.length === 1 ? "clause" : "clauses"})`, pass);
  }

  private resolveKey(key: string): { actual: unknown; info: KeyInfo } {
    if (key.startsWith("%%")) return { actual: expandOne(key, this.env), info: keyInfo(key) };
    // Bare field name (undocumented here): what it refers to is a caller's choice.
    switch (this.bare) {
      case "literal":
        return { actual: key, info: { label: JSON.stringify(key), sensitive: false } };
      case "request":
        return { actual: walkRequest(this.env.request, key.split(".")), info: keyInfo(`%%request.${key}`, key) };
      case "root":
        return { actual: walk(this.env.root, key.split(".")), info: keyInfo(`%%root.${key}`, key) };
      case "args":
        return { actual: walk(this.env.args, key.split(".")), info: keyInfo(`%%args.${key}`, key) };
    }
  }

  /** `{ <key>: spec }` where the key's value is `actual`. */
  private async spec(actual: unknown, spec: unknown, key: KeyInfo): Promise<boolean> {
    if (!isOperatorObject(spec) || isValueOpObject(spec)) {
      const i = this.open();
      const expected = await this.value(spec, key);
      const pass = matchesEq(actual, expected);
      const missing = expected === undefined ? `; ${show(spec)} is missing` : "";
      return this.close(i, `${key.label} == ${this.operand(spec, key)}`, pass, ` (value: ${this.preview(actual, key)}${missing})`);
    }
    for (const [op, arg] of Object.entries(spec)) {
      if (!(await this.operator(actual, op, arg, key))) return false;
    }
    return true;
  }

  private async operator(actual: unknown, op: string, arg: unknown, key: KeyInfo): Promise<boolean> {
    const logical = LOGICAL[op];
    if (logical !== undefined) {
      const i = this.open();
      let pass: boolean;
      if (logical === "not") pass = !(await this.spec(actual, arg, key));
      else {
        const items = arg as unknown[];
        if (logical === "and") {
          pass = true;
          for (const s of items) if (!(await this.spec(actual, s, key))) { pass = false; break; }
        } else {
          let any = false;
          for (const s of items) if (await this.spec(actual, s, key)) { any = true; break; }
          pass = logical === "or" ? any : !any;
        }
      }
      return this.close(i, `${key.label} ${op}`, pass, ` (value: ${this.preview(actual, key)})`);
    }
    const pred = PREDICATES[op];
    if (pred === undefined) throw new Error(unknownOperator(op, key.label)); // caught by validation first
    const i = this.open();
    const label = `${key.label} ${op} ${this.operand(arg, key)}`;
    const detail = ` (value: ${this.preview(actual, key)})`;
    const expected = await this.value(arg, key);
    switch (pred) {
      case "exists":
        return this.close(i, label, (actual !== undefined) === Boolean(expected), detail);
      case "in":
      case "nin": {
        if (!Array.isArray(expected)) {
          throw new Error(`${op} needs an array, but ${show(arg)} is ${expected === undefined ? "missing" : show(expected)} (for ${key.label})`);
        }
        const found = expected.some((e) => matchesEq(actual, e));
        return this.close(i, label, pred === "in" ? found : !found, detail);
      }
      case "eq":
        return this.close(i, label, matchesEq(actual, expected), detail);
      case "ne":
        return this.close(i, label, !matchesEq(actual, expected), detail);
      case "gt":
        return this.close(i, label, matchesOrder(actual, expected, (c) => c > 0), detail);
      case "gte":
        return this.close(i, label, matchesOrder(actual, expected, (c) => c >= 0), detail);
      case "lt":
        return this.close(i, label, matchesOrder(actual, expected, (c) => c < 0), detail);
      case "lte":
        return this.close(i, label, matchesOrder(actual, expected, (c) => c <= 0), detail);
    }
  }

  /** Resolves a value: expansions, value operators, EJSON wrappers; arrays and documents deeply. */
  private async value(v: unknown, key: KeyInfo): Promise<unknown> {
    if (isExpansion(v)) return expandOne(v, this.env);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const e of v) out.push(await this.value(e, key));
      return out;
    }
    if (!isDocument(v)) return v;
    if (isEjsonWrapper(v)) return normalize(v);
    if (isValueOpObject(v)) {
      const op = Object.keys(v)[0]!;
      return this.valueOp(VALUE_OPS[op]!, v[op], key);
    }
    const out: [string, unknown][] = [];
    for (const [k, e] of Object.entries(v)) out.push([k, await this.value(e, key)]);
    return Object.fromEntries(out);
  }

  private async valueOp(op: ValueOp, arg: unknown, key: KeyInfo): Promise<unknown> {
    if (op === "function") {
      const spec = arg as { name: string; arguments?: unknown[] };
      const call = this.env.callFunction;
      if (call === undefined) throw new Error(`%function ${JSON.stringify(spec.name)}: no function runtime is available here`);
      const args = (spec.arguments ?? []).map((a) => expand(a, this.env));
      let result: unknown;
      try {
        result = await call(spec.name, args);
      } catch (e) {
        throw new Error(`%function ${JSON.stringify(spec.name)} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      this.note(`%function ${spec.name}(${show(spec.arguments ?? [], 80).slice(1, -1)}) returned ${this.preview(result, key)}`);
      return result;
    }
    const input = normalize(isExpansion(arg) ? expandOne(arg, this.env) : arg);
    if (input === undefined || input === null) return undefined; // a missing input converts to missing
    switch (op) {
      case "stringToOid":
        if (bsonType(input) === "ObjectId") return input;
        if (typeof input === "string" && /^[0-9a-fA-F]{24}$/.test(input)) return ObjectId.createFromHexString(input);
        throw new Error(`%stringToOid: ${show(input)} is not a 24-digit hex ObjectId string`);
      case "oidToString":
        if (bsonType(input) === "ObjectId") return (input as ObjectId).toHexString();
        if (typeof input === "string") return input;
        throw new Error(`%oidToString: ${show(input)} is not an ObjectId`);
      case "stringToUuid":
        if (bsonType(input) === "Binary" && (input as { sub_type: number }).sub_type === 4) return input;
        if (typeof input === "string") {
          try {
            return new UUID(input);
          } catch {
            /* reported below */
          }
        }
        throw new Error(`%stringToUuid: ${show(input)} is not a UUID string`);
      case "uuidToString":
        if (bsonType(input) === "Binary" && (input as { sub_type: number }).sub_type === 4) {
          return (input as { toUUID(): UUID }).toUUID().toHexString(true);
        }
        if (typeof input === "string") return input;
        throw new Error(`%uuidToString: ${show(input)} is not a UUID`);
    }
  }
}

function keyInfo(label: string, display = label): KeyInfo {
  const parts = label.slice(2).split(".");
  const sensitive =
    (parts[0] === "values" && parts.length > 1) ||
    (parts[0] === "environment" && parts[1] === "values" && parts.length > 2) ||
    (parts[0] === "request" && parts[1] === "requestHeaders" && SENSITIVE_HEADER.test(parts[2] ?? ""));
  return { label: display, sensitive };
}
