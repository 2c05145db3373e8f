// The files a compiled module runs with: itself and every module it imports statically. A cache of
// what that code computes (cli/help-cache.ts: yargs' help; app/read/analysis-cache.ts: scan's
// source analyses) hashes their bytes into its key, so a changed build never reads an older one's
// results, whatever its version says.

import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * `file` and every module it imports statically, transitively (relative specifiers in tsc's
 * output: `import … from "./x.js"`, `export … from "../y.js"`, `import "./z.js"`); `import()`
 * is not followed. Type-only imports are gone from tsc's output, so they are not followed either.
 */
export function staticImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;("'`]*?["'](\.\.?\/[^"']+)["'];?\s*$/gm)) {
    staticImports(path.resolve(path.dirname(file), m[1]!), seen);
  }
  return seen;
}
