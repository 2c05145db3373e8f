// The TypeScript compiler, loaded with require. An ESM `import` of the package makes Node 20 first
// check its 9 MB typescript.js for module syntax and then scan it for named exports: about 0.35 s
// on top of the 0.4 s the load itself takes (measured here), paid by every run. Types come from
// `import type * as TS from "typescript"` where they are needed.
//
// It is the copy ts-morph bundles (@ts-morph/common's dist/typescript.js), found through ts-morph
// so it is the very file ts-morph loads: the rewrite rules wrap the reader's parse in ts-morph
// nodes, and with the `typescript` package as well a run that rewrites (scan, migrate) loaded two
// 9 MB compilers, about 0.3 s of CPU more than one (bench/README.md, "Start-up"). Resolving a path
// loads nothing: a command that only parses still does not load ts-morph.
//
// It loads on the first call of `typescript()`, not on import, so a command that never parses
// (`rules`) does not pay for it; and through a V8 code cache (code-cache.ts), for about 40% less
// CPU than `require`.

import { createRequire } from "node:module";
import path from "node:path";
import type * as TS from "typescript";
import { requireWithCodeCache } from "./code-cache.js";

const require = createRequire(import.meta.url);
/** ts-morph's main file (dist/ts-morph.js). */
const tsMorphFile = require.resolve("ts-morph");
/** @ts-morph/common's main file: ts-morph requires it, and it requires the compiler beside it. */
const tsMorphCommonFile = createRequire(tsMorphFile).resolve("@ts-morph/common");

let compiler: typeof TS | undefined;
let tsMorph: typeof import("ts-morph") | undefined;

const compilerFile = path.join(path.dirname(tsMorphCommonFile), "typescript.js");

/** The package.json of the package that ships the compiler: its version names the compiler's. */
export function compilerPackageFile(): string {
  return path.join(path.dirname(tsMorphCommonFile), "..", "package.json");
}

export function typescript(): typeof TS {
  return (compiler ??= requireWithCodeCache(compilerFile) as typeof TS);
}

/**
 * ts-morph, on the same compiler, and its own file through the code cache as well (its load took
 * about 45 ms less). Not @ts-morph/common's: its 3 MB are mostly TypeScript's lib files as string
 * literals, and their 5.6 MB cache loaded slower than the source (110 against 89 ms).
 */
export function loadTsMorph(): typeof import("ts-morph") {
  typescript();
  return (tsMorph ??= requireWithCodeCache(tsMorphFile) as typeof import("ts-morph"));
}
