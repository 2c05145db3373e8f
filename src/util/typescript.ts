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

import { createRequire } from "node:module";
import path from "node:path";
import type * as TS from "typescript";

const require = createRequire(import.meta.url);
const tsMorphCommon = createRequire(require.resolve("ts-morph")).resolve("@ts-morph/common");

export const ts = require(path.join(path.dirname(tsMorphCommon), "typescript.js")) as typeof TS;
