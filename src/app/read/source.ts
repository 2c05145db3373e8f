// Syntax check of a function source with TypeScript's parser (the same parser ts-morph uses for
// the rewrite rules), so an unparsable source.js becomes a finding at its line and column.

// ts-morph bundles its own TypeScript; using that one copy halves the compiler load time.
import { ts } from "ts-morph";
import { finding, type Finding } from "../findings.js";
import { positionAt } from "../json.js";

/** The syntax check of a source parsed with `parseSource` (source-facts.ts). */
export function checkParsedSyntax(sf: ts.SourceFile, text: string, file: string): Finding[] {
  // parseDiagnostics is how the compiler itself reads syntax errors off a lone source file.
  const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
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
