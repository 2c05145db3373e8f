// Secret values in the report: redacted where they are values, and nowhere else.
//
// A webhook secret can be any string, an ordinary word included (`query`, `http`, `1`). Replacing
// it wherever it occurs as a substring mangled hookshift's own text (finding codes, messages), the
// URL map, routes and function names in the diffs, and the `appservices secrets create` commands.
// So only the texts of the files that go into diffs are redacted, and in them only the values:
// - JSON files: string values (never keys), e.g. `"secret": "…"`, a header value in `can_evaluate`;
// - JavaScript sources: string literals, template text and comments (never identifiers, property
//   names or `obj["key"]` keys), e.g. `"Bearer …"`, `"https://…?secret=…"`, `// key: …` (a
//   comment is where a person pastes a value for later);
// - other files: the whole text.
// Inside a value, a secret is redacted where it stands apart: not preceded or followed by a letter,
// digit, `_`, `$`, `-` or `/`. A value that is the secret is redacted whole; a route such as
// `/http/hook` or a name such as `http_hook` in a value keeps its bytes (docs/report-format.md).
// The diffs are computed from the redacted texts, so their headers (paths) are never touched.

import { createRequire } from "node:module";
import type * as TS from "typescript";

// The compiler loads with the first source whose values are redacted (by require, as
// util/typescript.ts does, for the reason it gives): `callers` redacts plain text only, and
// importing this module no longer costs it the compiler's load (0.36 s of CPU here).
let ts: typeof TS;
const loadCompiler = () => (ts ??= createRequire(import.meta.url)("typescript") as typeof TS);

export const REDACTED = "«redacted»";

interface Trie {
  [ch: string]: Trie | true;
}

/** A regex source matching any of `words`, longest first, shaped as a trie (`a(?:bc|d)`). */
export function trieSource(words: string[]): string {
  const root: Trie = {};
  for (const w of words) {
    let node = root;
    for (const ch of w) {
      const next = node[ch];
      node = typeof next === "object" ? next : (node[ch] = {});
    }
    node[""] = true;
  }
  const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  const walk = (start: Trie): string => {
    // A run of nodes with one child and no word end is a loop, not recursion: one secret of a
    // million characters is one run (recursing per character overflowed the stack; bench/fuzz.mjs).
    let node = start;
    let run = "";
    for (let only = Object.keys(node); only.length === 1 && only[0] !== ""; only = Object.keys(node)) {
      run += esc(only[0]!);
      node = node[only[0]!] as Trie;
    }
    const keys = Object.keys(node).filter((k) => k !== "");
    // Longer matches first: the end-of-word branch goes last.
    const alts = keys.map((k) => esc(k) + walk(node[k] as Trie));
    if (node[""] === true) alts.push("");
    if (alts.length === 1) return run + alts[0]!;
    return `${run}(?:${alts.join("|")})`;
  };
  return walk(root);
}

/** Characters that continue a name: a secret next to one is part of a longer name, not a value of its own. */
const NAME_CHAR = "[\\w$/\\-\\u00C0-\\uFFFF]";

/** Secrets this long are redacted wherever they occur inside a value, not only where they stand apart. */
const MIN_EVERYWHERE = 8;

/** Redacts secret values in file texts; one per report (the patterns are built once). */
export class Redactor {
  /** Any occurrence of a secret (or its JSON-escaped form): a quick test before a file is scanned. */
  readonly #any: RegExp | undefined;
  /** An occurrence of a short secret (under MIN_EVERYWHERE characters) that stands apart inside a value. */
  readonly #apart: RegExp | undefined;
  /**
   * Any occurrence of a longer secret inside a value, whatever its neighbours: a token at the end of
   * a URL path (`/hooks/<secret>`) or after a prefix (`sk-<secret>`) is still the secret. The
   * "stands apart" rule is for short secrets that are also ordinary words (`query`, `http`, `1`).
   */
  readonly #everywhere: RegExp | undefined;
  /**
   * Secrets over 256 characters (and any past 100,000 characters of patterns), longest first:
   * replaced wherever they occur, without a regular expression. V8 refuses a pattern of about a
   * megabyte (a 1 MB secret crashed migrate), and a long secret tried at every position of a
   * longer run of its own characters took quadratic time (bench/fuzz.mjs). The "stands apart" rule
   * is for short secrets that are also words; a secret this long is the secret wherever it is.
   */
  readonly #long: string[] = [];

  constructor(secrets: string[]) {
    const forms = new Set<string>();
    for (const s of secrets) {
      if (s.length === 0) continue;
      forms.add(s);
      forms.add(JSON.stringify(s).slice(1, -1)); // as written inside a JSON or JS string
    }
    const list: string[] = [];
    let room = 100_000;
    for (const s of [...forms].sort((a, b) => a.length - b.length)) {
      if (s.length <= Math.min(room, 256)) list.push(s);
      else this.#long.push(s);
      room -= Math.min(room, s.length);
    }
    list.reverse();
    this.#long.reverse();
    if (list.length === 0) return;
    this.#any = new RegExp(trieSource(list));
    const short = list.filter((x) => x.length < MIN_EVERYWHERE);
    const longer = list.filter((x) => x.length >= MIN_EVERYWHERE);
    if (short.length) this.#apart = new RegExp(`(?<!${NAME_CHAR})${trieSource(short)}(?!${NAME_CHAR})`, "g");
    if (longer.length) this.#everywhere = new RegExp(trieSource(longer), "g");
  }

  #has(text: string): boolean {
    return (this.#any?.test(text) ?? false) || this.#long.some((s) => text.includes(s));
  }

  /** `text` of the file at `path` with every secret value replaced by «redacted». */
  file(path: string, text: string): string;
  file(path: string, text: string | undefined): string | undefined;
  file(path: string, text: string | undefined): string | undefined {
    if (text === undefined || !this.#has(text)) return text;
    const lower = path.toLowerCase();
    if (lower.endsWith(".json")) return this.#spans(text, jsonValueSpans(text));
    if (/\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/.test(lower)) return this.#spans(text, sourceValueSpans(text, lower));
    return this.value(text);
  }

  /** Redacts one value's text. */
  value(text: string): string {
    let out = text;
    for (const secret of this.#long) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (this.#everywhere) out = out.replace(this.#everywhere, REDACTED);
    return this.#apart ? out.replace(this.#apart, REDACTED) : out;
  }

  /** Redacts inside the given [start, end) ranges of `text` (sorted, not overlapping). */
  #spans(text: string, spans: [number, number][]): string {
    let out = "";
    let at = 0;
    for (const [start, end] of spans) {
      const inner = text.slice(start, end);
      if (!this.#has(inner)) continue;
      out += text.slice(at, start) + this.value(inner);
      at = end;
    }
    return at === 0 ? text : out + text.slice(at);
  }
}

/** The contents of a JSON(C) file's string values (between the quotes), not of its keys or comments. */
export function jsonValueSpans(text: string): [number, number][] {
  const out: [number, number][] = [];
  const token = /"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
  const colon = /(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*:/y;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    if (m[0].charCodeAt(0) !== 34) continue; // a comment
    colon.lastIndex = token.lastIndex;
    if (colon.test(text)) continue; // a key
    out.push([m.index + 1, token.lastIndex - 1]);
  }
  return out;
}

/** The contents of a source's string literals, template texts and comments, not of property names or element-access keys. */
function sourceValueSpans(text: string, path: string): [number, number][] {
  loadCompiler();
  const kind = path.endsWith("x") ? (path.endsWith("tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.JSX) : path.endsWith("ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile("x", text, ts.ScriptTarget.Latest, true, kind);
  const out: [number, number][] = [];
  const K = ts.SyntaxKind;
  const comments = new Set<number>();
  const comment = (r: TS.CommentRange) => {
    if (comments.has(r.pos)) return;
    comments.add(r.pos);
    out.push([r.pos + 2, r.end - (r.kind === K.MultiLineCommentTrivia ? 2 : 0)]); // inside `//`, `/* */`
  };
  const visit = (node: TS.Node): void => {
    for (const r of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) comment(r);
    for (const r of ts.getTrailingCommentRanges(text, node.end) ?? []) comment(r);
    switch (node.kind) {
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
      case K.TemplateHead:
      case K.TemplateMiddle:
      case K.TemplateTail: {
        if (isNamePosition(node)) return;
        const start = node.getStart(sf) + 1; // after the quote, backtick or `}`
        const end = node.end - (node.kind === K.TemplateHead || node.kind === K.TemplateMiddle ? 2 : 1); // before `${` or the closing quote
        if (end > start) out.push([start, end]);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0]);
}

/** A string literal that names something: `{ "key": … }`, `obj["key"]`, a module specifier. */
function isNamePosition(node: TS.Node): boolean {
  const p = node.parent;
  if (!p) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isEnumMember(p)) && p.name === node) return true;
  if (ts.isElementAccessExpression(p) && p.argumentExpression === node) return true;
  if ((ts.isImportDeclaration(p) || ts.isExportDeclaration(p)) && p.moduleSpecifier === node) return true;
  return false;
}
