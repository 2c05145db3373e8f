// What rules cannot write into the function itself: the parts of a rewrite that depend on the
// run-time path (was a response method called before the function returned, what did it return,
// sync or async). Each rule hands the engine a `CompatPart`; the engine writes them all as ONE
// block around `exports`, commented once, after the source. Plain JavaScript App Services runs (no
// Proxy, Reflect or BigInt), ASCII only (the report quotes it; see report/build.ts). Every rule's
// line in the block's comment carries its tag `hookshift:<rule-id>`, so a second run adds nothing.

type ResponseMethod = "setStatusCode" | "setHeader" | "addHeader" | "setBody";

const COMPAT_TAG = "hookshift:compat";

export interface CompatPart {
  /** One line: what this rule's part does and why. */
  comment: string;
  /**
   * Lines run before the handler, with `request` and `response` in scope; they may `return` to
   * answer without the handler, and may set `arg` (what the handler gets as its first argument).
   */
  before?: string[];
  /** The part sets `arg` in `before` (the block then declares it). */
  setsArg?: boolean;
  /** Response methods whose call sets `used` (a tracked response object goes to the handler). */
  track?: readonly ResponseMethod[];
  /**
   * Lines run once the handler's result `value` is known (sync or async). `res` is the response
   * the handler got (tracked or not); `used` and `bodySet` exist when some part tracks.
   */
  after?: string[];
}

export function hasCompat(text: string, ruleId: string): boolean {
  return text.includes(`hookshift:${ruleId} `) || text.includes(`hookshift:${ruleId}\n`) || text.includes(`hookshift:${ruleId}\r\n`);
}

/**
 * The one block for every part, in the rules' order: `before` lines run in that order, `after`
 * lines too (so the first rule's reply is what a later rule sees).
 */
function compatBlock(parts: { rule: string; part: CompatPart }[], eol: string): string {
  const tracks = new Set(parts.flatMap((p) => p.part.track ?? []));
  const setsArg = parts.some((p) => p.part.setsArg);
  const after = parts.flatMap((p) => p.part.after ?? []);
  const lines = [
    `// ${COMPAT_TAG} - what depends on the run-time path, which the function's own code cannot say:`,
    ...parts.map((p) => `// - hookshift:${p.rule} - ${p.part.comment}`),
    "exports = (function (handler) {",
    "  return function (request, response) {",
    ...(setsArg ? ["    var arg = request;"] : []),
    ...parts.flatMap((p) => p.part.before ?? []).map((l) => `    ${l}`),
  ];
  const u = (m: ResponseMethod) => (tracks.has(m) ? "used = true; " : "");
  if (tracks.size > 0) {
    lines.push(
      "    var used = false, bodySet = false;",
      "    var res = {",
      `      setStatusCode: function (code) { ${u("setStatusCode")}response.setStatusCode(code); return res; },`,
      `      setHeader: function (name, value) { ${u("setHeader")}response.setHeader(name, value); return res; },`,
      `      addHeader: function (name, value) { ${u("addHeader")}response.addHeader(name, value); return res; },`,
      `      setBody: function (body) { ${u("setBody")}bodySet = true; response.setBody(body); return res; }`,
      "    };",
    );
  } else if (after.length > 0) lines.push("    var res = response;");
  const handlerRes = tracks.size > 0 || after.length > 0 ? "res" : "response";
  const call = `handler.call(this, ${setsArg ? "arg" : "request"}, ${handlerRes})`;
  if (after.length === 0) lines.push(`    return ${call};`);
  else {
    lines.push(
      "    var finish = function (value) {",
      ...after.map((l) => `      ${l}`),
      // A handler that returns its response object gets the real one back out.
      `      return value === res ? response : value;`,
      "    };",
      `    var result = ${call};`,
      '    return result && typeof result.then === "function" ? result.then(finish) : finish(result);',
    );
  }
  lines.push("  };", "})(exports);");
  return lines.join(eol) + eol;
}

/** The block as an edit at the end of `text` (after a line break). */
export function compatEdit(text: string, parts: { rule: string; part: CompatPart }[], eol: string): { start: number; end: number; text: string } {
  const sep = text.endsWith("\n") ? "" : eol;
  return { start: text.length, end: text.length, text: sep + eol + compatBlock(parts, eol) };
}

/**
 * Appends `lines` after the source with a tag comment first: for helpers the function calls
 * (declarations, not wrappers), which a second run sees by the tag.
 */
export function appendHelper(text: string, ruleId: string, comment: string[], lines: string[], eol: string): { start: number; end: number; text: string } {
  const sep = text.endsWith("\n") ? "" : eol;
  const body = [eol + `// hookshift:${ruleId} - ${comment[0]}`, ...comment.slice(1).map((c) => `// ${c}`), ...lines].join(eol) + eol;
  return { start: text.length, end: text.length, text: sep + body };
}
