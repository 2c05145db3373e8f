#!/usr/bin/env node
// Writes docs/rules.md from the rules' metadata, pages and examples (after `npm run build`; the
// pages and examples are embedded by scripts/gen-rule-docs.mjs first, see `npm run docs:rules`).
import { writeFileSync } from "node:fs";
// HOOKSHIFT_DIST: a build elsewhere than dist/ (e.g. a private `tsc --outDir`).
const dist = process.env.HOOKSHIFT_DIST ? new URL(`file://${process.env.HOOKSHIFT_DIST}/`) : new URL("../dist/", import.meta.url);
const { renderRulesDoc } = await import(new URL("src/rewrite/docs.js", dist).href);

writeFileSync(new URL("../docs/rules.md", import.meta.url), renderRulesDoc());
console.log("docs/rules.md written");
