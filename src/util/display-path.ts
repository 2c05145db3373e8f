// How a path is shown to the user (messages, reports, next steps). Apart from the migrate
// use-case so that the fleet's parent process can show paths without loading it (the reader,
// TypeScript, the rewrite rules: bench/README.md, "Fleet migrate").

import path from "node:path";

/** A path as the user would type it: relative to the working directory when below it, else absolute. */
export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
}
