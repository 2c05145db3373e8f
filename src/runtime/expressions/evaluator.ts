// The evaluator: walks a checked expression in order, short-circuits `%and` / `%or`, calls
// `%function` through the environment, and writes one trace line per clause (./trace.ts).

import type { BareFieldsAs, ExpressionEnv } from "./types.js";
import { matchesEq, matchesOrder, normalize } from "./compare.js";
import { convert } from "./conversions.js";
import { expand, expandOne, walk, walkRequest } from "./expand.js";
import {
  isDocument,
  isEjsonWrapper,
  isExpansion,
  isOperatorObject,
  isValueOpObject,
  LOGICAL,
  PREDICATES,
  unknownOperator,
  VALUE_OPS,
  type ValueOp,
} from "./syntax.js";
import { keyInfo, type KeyInfo, show, stringLeaves } from "./trace.js";

export class Evaluator {
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
      for (const e of items)
        if (!(await this.expression(e))) {
          pass = false;
          break;
        }
    } else {
      let any = false;
      for (const e of items)
        if (await this.expression(e)) {
          any = true;
          break;
        }
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
          for (const s of items)
            if (!(await this.spec(actual, s, key))) {
              pass = false;
              break;
            }
        } else {
          let any = false;
          for (const s of items)
            if (await this.spec(actual, s, key)) {
              any = true;
              break;
            }
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
        return this.close(
          i,
          label,
          matchesOrder(actual, expected, (c) => c > 0),
          detail,
        );
      case "gte":
        return this.close(
          i,
          label,
          matchesOrder(actual, expected, (c) => c >= 0),
          detail,
        );
      case "lt":
        return this.close(
          i,
          label,
          matchesOrder(actual, expected, (c) => c < 0),
          detail,
        );
      case "lte":
        return this.close(
          i,
          label,
          matchesOrder(actual, expected, (c) => c <= 0),
          detail,
        );
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
    return convert(op, input);
  }
}
