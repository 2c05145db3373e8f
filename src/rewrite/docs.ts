// Rule documentation from the rules' own metadata and example fixtures: `hookshift rules`,
// `hookshift rules --explain <id>`, and docs/rules.md (`npm run docs:rules`) are the same text.

import { RULES } from "./registry.js";
import { ruleCases } from "./fixtures.js";
import { MARKER, IGNORE, type Rule } from "./types.js";

export function ruleExample(rule: Rule): { before: string; after: string } | undefined {
  const basic = ruleCases(rule.meta.id).find((c) => c.name === "basic");
  return basic?.output !== undefined ? { before: basic.input, after: basic.output } : undefined;
}

export function explainRule(rule: Rule): string {
  const ex = ruleExample(rule);
  const out = [`# ${rule.meta.id} (${rule.meta.risk})`, "", rule.meta.description, "", rule.meta.docs, ""];
  if (ex) out.push("## Example", "", "Before:", "", "```js", ex.before.trimEnd(), "```", "", "After:", "", "```js", ex.after.trimEnd(), "```", "");
  return out.join("\n");
}

export function rulesTable(): string {
  const w = Math.max(...RULES.map((r) => r.meta.id.length));
  return RULES.map((r) => `${r.meta.id.padEnd(w)}  ${r.meta.risk.padEnd(15)}  ${r.meta.description}`).join("\n") + "\n";
}

export function renderRulesDoc(): string {
  const out = [
    "# Rewrite rules",
    "",
    "<!-- Generated from the rules' metadata and fixtures by `npm run docs:rules`; do not edit by hand. -->",
    "",
    "`hookshift migrate` copies each webhook's source into the endpoint's function and then applies these rules, in",
    "this order, where the webhook's config and source call for them. Each rule appends at most one short, commented",
    "wrapper (tagged `// hookshift:<rule-id>`, so a second run adds nothing) or replaces an expression; untouched text stays",
    `byte for byte. Where a rule cannot prove a rewrite safe it changes nothing and leaves a \`// ${MARKER}(<rule-id>): …\``,
    `marker; \`migrate\` and \`verify\` exit non-zero while markers remain; \`// ${IGNORE}(<rule-id>): <reason>\` silences one.`,
    "Select rules with `migrate --rules <ids>` / `--skip-rules <ids>`; `hookshift rules --explain <id>` prints a rule's page.",
    "",
    "| rule | risk | what it does |",
    "| --- | --- | --- |",
    ...RULES.map((r) => `| [\`${r.meta.id}\`](#${r.meta.id}) | ${r.meta.risk} | ${r.meta.description.replace(/\|/g, "\\|")} |`),
    "",
  ];
  for (const r of RULES) out.push(explainRule(r).replace(/^# /, "## ").replace(/^## Example/m, "### Example"), "");
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}
