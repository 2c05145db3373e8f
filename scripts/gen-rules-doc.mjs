#!/usr/bin/env node
// Writes docs/rules.md from the rules' metadata and fixtures (after `npm run build`).
import { writeFileSync } from "node:fs";
import { renderRulesDoc } from "../dist/src/rewrite/docs.js";

writeFileSync(new URL("../docs/rules.md", import.meta.url), renderRulesDoc());
console.log("docs/rules.md written");
