// Syntax check of a function source with TypeScript's parser; the same parse gives the facts the
// planner and the rewrite rules read (source-facts.ts), so an unparsable source.js becomes a
// finding at its line and column and no source is parsed twice.

// The compiler alone (util/compiler.ts, loaded at the first parse), not ts-morph: loading ts-morph
// costs a fifth of a second more, and only a rule that writes into a function needs it.
import type * as TS from "typescript";
import { typescript } from "../../util/compiler.js";
import { finding, type Finding } from "../findings.js";
import { positionAt } from "../json.js";
import { factsOf, MAX_SOURCE_DEPTH, parseSource, SourceTooDeep, type SourceFacts } from "../source-facts.js";

/** `checkSource`, or a cache of what it found (analysis-cache.ts). */
export type SourceCheck = (text: string, file: string) => { findings: Finding[]; facts?: SourceFacts };

/**
 * Parses a webhook source once: its syntax findings and its facts. A source nested too deeply to
 * walk (source-facts.ts MAX_SOURCE_DEPTH), or so deeply that the parser itself runs out of stack,
 * is a finding at its position and has no facts; the other webhooks go on.
 */
export function checkSource(text: string, file: string): { findings: Finding[]; facts?: SourceFacts } {
  try {
    const sf = parseSource(text);
    const findings = checkParsedSyntax(sf, text, file);
    return { findings, facts: factsOf(sf) };
  } catch (e) {
    const outOfStack = e instanceof RangeError && /call stack/i.test(e.message);
    if (!(e instanceof SourceTooDeep) && !outOfStack) throw e;
    const pos = e instanceof SourceTooDeep ? e.pos : deepestBracket(text);
    return {
      findings: [
        finding(
          "error",
          "source-too-deep",
          `The source is nested too deeply to analyse (${e instanceof SourceTooDeep ? e.message : "the parser ran out of stack"}); it is not converted`,
          {
            file,
            ...positionAt(text, pos),
            hint: `Flatten the nesting here (hookshift reads syntax trees up to ${MAX_SOURCE_DEPTH} levels deep), or convert this webhook by hand.`,
          },
        ),
      ],
    };
  }
}

/** Where brackets first reach their deepest nesting, counted roughly (strings and comments are not skipped). */
function deepestBracket(text: string): number {
  let depth = 0;
  let max = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > max) {
        max = depth;
        at = i;
      }
    } else if (c === 41 || c === 93 || c === 125) depth--;
  }
  return at;
}

/** The syntax check of a source parsed with `parseSource` (source-facts.ts). */
function checkParsedSyntax(sf: TS.SourceFile, text: string, file: string): Finding[] {
  // parseDiagnostics is how the compiler itself reads syntax errors off a lone source file.
  const diagnostics = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const out: Finding[] = diagnostics.slice(0, 3).map((d) =>
    finding("error", "source-syntax", `JavaScript syntax error: ${typescript().flattenDiagnosticMessageText(d.messageText, " ")}`, {
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
