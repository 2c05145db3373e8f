// ts-morph, loaded on the first rule part that asks for a tree (engine.ts: `inFunction`, which only
// a run that writes sources calls): a command that never rewrites (--version, rules, scan) does not
// pay its load, 0.15-0.2 s over the TypeScript compiler it shares the tree of (see bench/README.md,
// migrate and "Start-up"). Loaded by util/compiler.ts, on the compiler the reader parses with and
// through the same code cache.

import { loadTsMorph } from "../util/compiler.js";

export function morph(): typeof import("ts-morph") {
  return loadTsMorph();
}
