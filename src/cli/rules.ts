import { explainRule, rulesTable } from "../rewrite/docs.js";
import { RULES } from "../rewrite/registry.js";
import type { Io } from "./io.js";
import { printUsageError } from "./usage.js";

/** `hookshift rules [--explain <id>] [--json]`. */
export function runRules(opts: { explain?: string; json: boolean }, io: Io): number {
  if (opts.explain) {
    const rule = RULES.find((r) => r.meta.id === opts.explain);
    if (!rule) {
      printUsageError(io, `no rule '${opts.explain}'`, { hint: `The rules: ${RULES.map((r) => r.meta.id).join(", ")}.`, command: "rules" });
      return 1;
    }
    io.out(opts.json ? JSON.stringify(rule.meta, null, 2) + "\n" : explainRule(rule));
    return 0;
  }
  io.out(
    opts.json
      ? JSON.stringify(
          RULES.map((r) => r.meta),
          null,
          2,
        ) + "\n"
      : rulesTable(),
  );
  return 0;
}
