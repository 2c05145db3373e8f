// Rule documentation from the rules' own metadata, Markdown pages and example fixtures:
// `hookshift rules`, `hookshift rules --explain <id>`, and docs/rules.md (`npm run docs:rules`) are
// the same text. Pages and examples come embedded (rules/docs.generated.ts), so an installed
// package, which has no fixtures/ folder, explains its rules too.

import { RULES } from "./registry.js";
import { RULE_EXAMPLES } from "./rules/docs.generated.js";
import { MARKER, IGNORE, type Rule } from "./types.js";

function ruleExample(rule: Rule): { before: string; after: string } | undefined {
  return RULE_EXAMPLES[rule.meta.id];
}

export function explainRule(rule: Rule): string {
  const ex = ruleExample(rule);
  const out = [`# ${rule.meta.id} (${rule.meta.risk})`, "", rule.meta.description, "", rule.meta.docs, ""];
  if (ex) out.push("## Example", "", "Before:", "", "```js", ex.before.trimEnd(), "```", "", "After:", "", "```js", ex.after.trimEnd(), "```", "");
  return out.join("\n");
}

export function rulesTable(): string {
  const w = Math.max(...RULES.map((r) => r.meta.id.length));
  return RULES.map((r) => `${r.meta.id.padEnd(w)}  ${r.meta.risk.padEnd(15)}  ${r.transform ? "fix   " : "report"}  ${r.meta.description}`).join("\n") + "\n";
}

export function renderRulesDoc(): string {
  const out = [
    "# Rewrite rules",
    "",
    "<!-- Generated from the rules' metadata, pages (src/rewrite/rules/<id>.md) and fixtures by `npm run docs:rules`; do not edit by hand. -->",
    "",
    "Each rule is one unit: the behaviour difference it detects (a finding in the report), how it fixes it, and this page",
    "(`src/rewrite/rules/<id>.ts` and `<id>.md`). `hookshift migrate` copies each webhook's source into the endpoint's",
    "function and then applies the fixes, in this order, where the webhook's config and source call for them. A fix changes",
    "the function itself where the code decides the behaviour: a statement at the start of the exported function's body,",
    "a call rewritten in place. What depends on the run-time path (was a response method called before the function",
    "returned, what did it return) goes into one compat block per function, after the source, commented once with a line",
    "per rule. Every edit is tagged `hookshift:<rule-id>`, so a second run changes nothing; untouched text stays byte for",
    "byte. A rule without a fix only reports its difference for review.",
    `Where a rule cannot prove a rewrite safe it changes nothing and leaves a \`// ${MARKER}(<rule-id>): …\``,
    `marker; \`migrate\` and \`verify\` exit non-zero while markers remain; \`// ${IGNORE}(<rule-id>): <reason>\` silences one.`,
    "Select the fixes that run with `migrate --rules <ids>` / `--skip-rules <ids>` (every rule still reports its difference);",
    "`hookshift rules --explain <id>` prints a rule's page.",
    "",
    "| rule | risk | fix | what it does |",
    "| --- | --- | --- | --- |",
    ...RULES.map(
      (r) => `| [\`${r.meta.id}\`](#${r.meta.id}) | ${r.meta.risk} | ${r.transform ? "yes" : "report only"} | ${r.meta.description.replace(/\|/g, "\\|")} |`,
    ),
    "",
  ];
  for (const r of RULES)
    out.push(
      explainRule(r)
        .replace(/^# /, "## ")
        .replace(/^## Example/m, "### Example"),
      "",
    );
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}
