// Rule fixtures (fixtures/rules/<rule-id>/): `<case>.input.js` with its expected
// `<case>.output.js`; `skip_<case>.input.js` must come out unchanged. `context.json` describes the
// webhook the rule sees; `<case>.context.json` overrides parts of it for one case.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rewriteSource, type RewriteOutcome } from "./engine.js";
import type { Rule, RuleContext } from "./types.js";

/** The repository root, from src/rewrite/ or dist/src/rewrite/. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, "fixtures", "rules"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export interface RuleCase {
  name: string;
  skip: boolean;
  input: string;
  /** undefined when no output file exists yet. */
  output?: string;
  inputFile: string;
  outputFile: string;
  context: Omit<RuleContext, "eol">;
}

function merge<T>(base: T, over: unknown): T {
  if (!over || typeof over !== "object" || Array.isArray(over)) return (over ?? base) as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = v && typeof v === "object" && !Array.isArray(v) ? merge(out[k], v) : v;
  return out as T;
}

export function ruleCases(ruleId: string, root = repoRoot()): RuleCase[] {
  const dir = path.join(root, "fixtures", "rules", ruleId);
  if (!existsSync(dir)) return [];
  const base = JSON.parse(readFileSync(path.join(dir, "context.json"), "utf8")) as Omit<RuleContext, "eol">;
  return readdirSync(dir)
    .filter((f) => f.endsWith(".input.js"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -".input.js".length);
      const over = path.join(dir, `${name}.context.json`);
      const outputFile = path.join(dir, `${name}.output.js`);
      return {
        name,
        skip: name.startsWith("skip_"),
        input: readFileSync(path.join(dir, f), "utf8"),
        output: existsSync(outputFile) ? readFileSync(outputFile, "utf8") : undefined,
        inputFile: path.join(dir, f),
        outputFile,
        context: existsSync(over) ? merge(base, JSON.parse(readFileSync(over, "utf8"))) : base,
      };
    });
}

export function runCase(rule: Rule, c: RuleCase, text = c.input): RewriteOutcome {
  return rewriteSource(text, `${c.name}.input.js`, [rule], c.context);
}
