// The TypeScript compiler as a value, loaded when this module is imported: for the modules that
// parse as soon as they run. The others call `typescript()` (compiler.ts) where they parse, so a
// command that never parses (`rules`) does not load it.

import { typescript } from "./compiler.js";

export const ts = typescript();
