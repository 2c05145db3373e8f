// Syntax check of a function source with TypeScript's parser; the same parse gives the facts the
// planner and the rewrite rules read (source-facts.ts), so an unparsable source.js becomes a
// finding at its line and column and no source is parsed twice.

// The compiler package itself (loaded by util/typescript.ts), not ts-morph's bundled copy: loading
// ts-morph costs a fifth of a second more, and only a rule that asks for a tree needs it.
import type * as TS from "typescript";
import { ts } from "../../util/typescript.js";
import { finding, type Finding } from "../findings.js";
import { positionAt } from "../json.js";

/** The syntax check of a source parsed with `parseSource` (source-facts.ts). */
export function checkParsedSyntax(sf: TS.SourceFile, text: string, file: string): Finding[] {
  // parseDiagnostics is how the compiler itself reads syntax errors off a lone source file.
  const diagnostics = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const out: Finding[] = diagnostics.slice(0, 3).map((d) =>
    finding("error", "source-syntax", `JavaScript syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`, {
      file,
      ...positionAt(text, d.start),
      hint: "Fix the source; App Services would not load this function either.",
    }),
  );
  if (out.length === 0 && !/\bexports\s*=/.test(text)) {
    out.push(
      finding("warning", "no-exports", "The source never assigns `exports`, so App Services finds no handler in it", {
        file,
        line: 1,
        column: 1,
        needsReview: true,
        hint: "A webhook source assigns its handler: `exports = function(payload, response) { ... };`",
      }),
    );
  }
  return out;
}
