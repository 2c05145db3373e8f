// The TypeScript compiler, loaded with require. An ESM `import` of the package makes Node 20 first
// check its 9 MB typescript.js for module syntax and then scan it for named exports: about 0.35 s
// on top of the 0.4 s the load itself takes (measured here), paid by every run. Types come from
// `import type * as TS from "typescript"` where they are needed.

import { createRequire } from "node:module";
import type * as TS from "typescript";

export const ts = createRequire(import.meta.url)("typescript") as typeof TS;
