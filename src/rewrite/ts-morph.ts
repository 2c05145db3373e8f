// ts-morph, loaded on the first rule that asks for a tree (engine.ts): a command that never
// rewrites (scan, --version, rules) does not pay its load, 0.35-0.45 s over the TypeScript compiler
// it shares the tree of, nearly all of it the compiler ts-morph bundles (see bench/README.md, migrate).

import { createRequire } from "node:module";

let tsMorph: typeof import("ts-morph") | undefined;

export function morph(): typeof import("ts-morph") {
  return (tsMorph ??= createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph"));
}
