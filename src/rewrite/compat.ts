// The compat code rules append to a function: one small wrapper around `exports`, written in the
// plain JavaScript App Services runs (no Proxy, Reflect or BigInt), commented, and tagged with
// `hookshift:<rule-id>` so a second run sees it is there and adds nothing.

export function hasCompat(text: string, ruleId: string): boolean {
  return text.includes(`hookshift:${ruleId} `) || text.includes(`hookshift:${ruleId}\n`) || text.includes(`hookshift:${ruleId}\r\n`);
}

/**
 * Appends `lines` (already indented) after the source, with the tag comment first. ASCII only:
 * the code must survive any editor, and the report quotes it (see report/build.ts).
 */
export function appendWrapper(text: string, ruleId: string, comment: string[], lines: string[], eol: string): { start: number; end: number; text: string } {
  const sep = text.endsWith("\n") ? "" : eol;
  const body = [eol + `// hookshift:${ruleId} - ${comment[0]}`, ...comment.slice(1).map((c) => `// ${c}`), ...lines].join(eol) + eol;
  return { start: text.length, end: text.length, text: sep + body };
}

export type ResponseMethod = "setStatusCode" | "setHeader" | "addHeader" | "setBody";

const ALL_METHODS: readonly ResponseMethod[] = ["setStatusCode", "setHeader", "addHeader", "setBody"];

/**
 * A response object that records which methods ran and forwards them to the real one; chaining
 * returns the tracker, and a handler that returns it gets the real response back out. `used`
 * turns true when one of `usedBy` runs (default: any of the four).
 */
export function trackedResponseLines(usedBy: readonly ResponseMethod[] = ALL_METHODS): string[] {
  const u = (m: ResponseMethod) => (usedBy.includes(m) ? "used = true; " : "");
  return [
    "    var used = false;",
    "    var bodySet = false;",
    "    var tracked = {",
    `      setStatusCode: function (code) { ${u("setStatusCode")}response.setStatusCode(code); return tracked; },`,
    `      setHeader: function (name, value) { ${u("setHeader")}response.setHeader(name, value); return tracked; },`,
    `      addHeader: function (name, value) { ${u("addHeader")}response.addHeader(name, value); return tracked; },`,
    `      setBody: function (body) { ${u("setBody")}bodySet = true; response.setBody(body); return tracked; }`,
    "    };",
  ];
}

/**
 * `exports` wrapped so the handler gets a tracked response; `finish` (lines that may read `used`
 * and `bodySet`) runs once the handler's result is known, sync or async. `usedBy`: the methods
 * that set `used` (see trackedResponseLines).
 */
export function trackedWrapperLines(finish: string[], usedBy?: readonly ResponseMethod[]): string[] {
  return [
    "exports = (function (handler) {",
    "  return function (request, response) {",
    ...trackedResponseLines(usedBy),
    "    var finish = function (value) {",
    ...finish.map((l) => `      ${l}`),
    "      return value === tracked ? response : value;",
    "    };",
    "    var result = handler.call(this, request, tracked);",
    '    return result && typeof result.then === "function" ? result.then(finish) : finish(result);',
    "  };",
    "})(exports);",
  ];
}
