import { explainRule, rulesTable } from "../rewrite/docs.js";
import { RULES } from "../rewrite/registry.js";
import type { Io } from "./io.js";

/** `hookshift rules [--explain <id>] [--json]`. */
export function runRules(opts: { explain?: string; json: boolean }, io: Io): number {
  if (opts.explain) {
    const rule = RULES.find((r) => r.meta.id === opts.explain);
    if (!rule) {
      io.err(`hookshift: no rule ${opts.explain}; \`hookshift rules\` lists them.\n`);
      return 1;
    }
    io.out(opts.json ? JSON.stringify(rule.meta, null, 2) + "\n" : explainRule(rule));
    return 0;
  }
  io.out(opts.json ? JSON.stringify(RULES.map((r) => r.meta), null, 2) + "\n" : rulesTable());
  return 0;
}
