// JSON reading with positions. Exports are plain JSON, but hand-edited ones carry comments and
// trailing commas; jsonc-parser reads both and tells us where every value sits, so a syntax or
// schema problem becomes `path:line:column` instead of a stack trace.

import { createScanner, findNodeAtLocation, parseTree, printParseErrorCode, SyntaxKind, type JSONScanner, type Node, type ParseError } from "jsonc-parser";
import { finding, type Finding } from "./findings.js";

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Where a text JSON.parse rejected is first wrong (V8's message names a position only for some
 * errors): jsonc-parser's first error, strict (no comments, no trailing commas), or undefined
 * when it finds none.
 */
function jsonErrorPosition(text: string): Position | undefined {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  return errors[0] ? positionAt(text, errors[0].offset) : undefined;
}

/** "<shown>:<line>:<column> is not valid JSON (<JSON.parse's message>)", for a text JSON.parse rejected with `e`. */
export function jsonErrorText(shown: string, text: string, e: unknown): string {
  const at = jsonErrorPosition(text);
  return `${shown}${at ? `:${at.line}:${at.column}` : ""} is not valid JSON (${e instanceof Error ? e.message : String(e)})`;
}

export interface ParsedJson {
  value: unknown;
  /** The position tree (jsonc-parser), built on first use for plain JSON. */
  readonly tree: Node | undefined;
  findings: Finding[];
  /** `locate(tree, text, path)`; for plain JSON without building the tree (see locatePlain). */
  locate(path: (string | number)[]): Position;
}

const LENIENT = { allowTrailingComma: true, disallowComments: false };

/**
 * Parses JSON (comments and trailing commas tolerated, with a warning) and reports syntax errors
 * as findings at their position. `value` is undefined when the text is not usable JSON.
 *
 * Plain JSON (every export seen so far) goes through JSON.parse, and the position tree is only
 * built when something asks where a value sits: on a 5,000-webhook app, building a tree for every
 * config cost a tenth of the read and most were never asked.
 */
export function parseJson(text: string, file: string): ParsedJson {
  // Strip a UTF-8 byte order mark: some editors on Windows write one; JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? " " + text.slice(1) : text;
  const deep = tooDeep(body);
  if (deep >= 0) {
    // Not parsed at all: jsonc-parser, the schemas and JSON.stringify all recurse per level.
    const f = finding("error", "json-too-deep", `JSON nested more than ${MAX_JSON_DEPTH} levels deep; hookshift does not read it`, {
      file,
      ...positionAt(body, deep),
      hint: "No App Services config nests like this; restore the file from the original export.",
    });
    return { value: undefined, tree: undefined, findings: [f], locate: () => START };
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return parseLenient(body, file);
  }
  const lone = loneSurrogate(body, value, file);
  if (lone) return { value: undefined, tree: undefined, findings: [lone], locate: () => START };
  let tree: Node | undefined;
  let built = false;
  return {
    value,
    findings: [],
    get tree() {
      if (!built) {
        tree = parseTree(body, [], LENIENT);
        built = true;
      }
      return tree;
    },
    locate: (path) => (built ? locate(tree, body, path) : locatePlain(body, path)),
  };
}

/** Not plain JSON: jsonc-parser reads what it can, and says where and why. */
function parseLenient(body: string, file: string): ParsedJson {
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, LENIENT);
  const findings: Finding[] = [];
  for (const e of errors) {
    const pos = positionAt(body, e.offset);
    findings.push(
      finding("error", "json-syntax", `JSON syntax error: ${describeParseError(printParseErrorCode(e.error))}`, {
        file,
        ...pos,
        hint: "Fix the JSON at this position; App Services rejects files that are not valid JSON.",
      }),
    );
  }
  if (errors.length > 0 || tree === undefined) {
    if (errors.length === 0) {
      findings.push(finding("error", "json-syntax", "JSON syntax error: the file is empty", { file, line: 1, column: 1 }));
    }
    return { value: undefined, tree: undefined, findings, locate: () => START };
  }
  const value = nodeValue(tree);
  const lone = loneSurrogate(body, value, file);
  if (lone) return { value: undefined, tree: undefined, findings: [lone], locate: () => START };
  // It parsed leniently but not with JSON.parse: comments or trailing commas.
  findings.push(
    finding("warning", "json-nonstandard", "The file uses comments or trailing commas, which plain JSON does not allow", {
      file,
      line: 1,
      column: 1,
      hint: "hookshift reads it; App Services tools may not. Remove the comments and trailing commas.",
    }),
  );
  return { value, tree, findings, locate: (path) => locate(tree, body, path) };
}

/** Deeper than any App Services config, and far from where the parsers run out of stack (about 3,500 levels). */
const MAX_JSON_DEPTH = 1000;

/** Offset of the first `[` or `{` nested deeper than MAX_JSON_DEPTH (strings and comments skipped), or -1. */
function tooDeep(text: string): number {
  if (text.length <= MAX_JSON_DEPTH) return -1;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34 || d === 10) break;
      }
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return -1;
}

/**
 * A string that holds half of a UTF-16 surrogate pair (`"\ud800"` written alone) is not text: no
 * URL, file name or UTF-8 file can hold it (encodeURIComponent throws, a write turns it into
 * U+FFFD). The file is reported at the escape and not used.
 */
function loneSurrogate(text: string, value: unknown, file: string): Finding | undefined {
  if (!/\\u[dD][89a-fA-F]/.test(text) || !holdsLoneSurrogate(value)) return undefined;
  const escapes = /\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g;
  let at = 0;
  for (let m = escapes.exec(text); m; m = escapes.exec(text)) {
    if (m[0].length === 6) {
      at = m.index;
      break;
    }
  }
  return finding("error", "json-lone-surrogate", `JSON string holds a lone UTF-16 surrogate (${text.slice(at, at + 6)}), which is no character`, {
    file,
    ...positionAt(text, at),
    hint: "Remove the escape, or write the whole character (both halves of the pair, or the character itself).",
  });
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function holdsLoneSurrogate(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (LONE_SURROGATE.test(v)) return true;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (LONE_SURROGATE.test(k)) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) out[String(k.value)] = nodeValue(v);
      }
      return out;
    }
    case "array":
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function describeParseError(code: string): string {
  const map: Record<string, string> = {
    InvalidSymbol: "unexpected character",
    InvalidNumberFormat: "invalid number",
    PropertyNameExpected: "property name expected",
    ValueExpected: "value expected",
    ColonExpected: "':' expected",
    CommaExpected: "',' expected",
    CloseBraceExpected: "'}' expected",
    CloseBracketExpected: "']' expected",
    EndOfFileExpected: "unexpected content after the end of the JSON value",
    InvalidCommentToken: "invalid comment",
    UnexpectedEndOfComment: "unterminated comment",
    UnexpectedEndOfString: "unterminated string",
    UnexpectedEndOfNumber: "unexpected end of number",
    InvalidUnicode: "invalid unicode escape",
    InvalidEscapeCharacter: "invalid escape character",
    InvalidCharacter: "invalid character in string",
  };
  return map[code] ?? code;
}

/**
 * Position of the value at a JSON path (e.g. `["options", "httpMethod"]` or `[3, "route"]`).
 * Falls back to the closest existing parent, then to the start of the file.
 */
export function locate(tree: Node | undefined, text: string, path: (string | number)[]): Position {
  if (!tree) return { line: 1, column: 1 };
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) {
      // For a property value, point at its key: that is where a reader looks.
      const target = node.parent?.type === "property" && node.parent.children?.[1] === node ? node.parent : node;
      return positionAt(text, target.offset);
    }
  }
  return { line: 1, column: 1 };
}

const START: Position = { line: 1, column: 1 };

/**
 * `locate(parseTree(text), text, path)` for a text JSON.parse accepted (no comments, no trailing
 * commas), without building the tree: jsonc-parser's scanner steps over every value off the path
 * and stops at the last segment it finds. A difference finding points into a webhook's config,
 * and building that config's whole tree for one position was a tenth of planning a 5,000-webhook
 * app. As in `findNodeAtLocation`, the first of duplicate keys is the one found.
 */
function locatePlain(text: string, path: (string | number)[]): Position {
  const scanner = createScanner(text, true);
  let token = scanner.scan();
  if (token === SyntaxKind.EOF) return START;
  // The deepest node found so far; for a property's value, its key (where a reader looks).
  let at = scanner.getTokenOffset();
  for (const segment of path) {
    const open = typeof segment === "string" ? SyntaxKind.OpenBraceToken : SyntaxKind.OpenBracketToken;
    const close = typeof segment === "string" ? SyntaxKind.CloseBraceToken : SyntaxKind.CloseBracketToken;
    if (token !== open) break;
    token = scanner.scan();
    let found = false;
    for (let index = 0; token !== close && token !== SyntaxKind.EOF; index++) {
      if (typeof segment === "string") {
        const key = scanner.getTokenValue();
        const keyAt = scanner.getTokenOffset();
        scanner.scan(); // the colon
        token = scanner.scan();
        if (key === segment) {
          at = keyAt;
          found = true;
          break;
        }
      } else if (index === segment) {
        at = scanner.getTokenOffset();
        found = true;
        break;
      }
      token = skipValue(scanner, token);
      if (token === SyntaxKind.CommaToken) token = scanner.scan();
    }
    if (!found) break;
  }
  return positionAt(text, at);
}

/** Steps over the value that starts with `token`; returns the token after it. */
function skipValue(scanner: JSONScanner, token: SyntaxKind): SyntaxKind {
  if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
    for (let depth = 1; depth > 0 && token !== SyntaxKind.EOF; ) {
      token = scanner.scan();
      if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) depth++;
      else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth--;
    }
  }
  return scanner.scan();
}

/** JSON Pointer (`/options/httpMethod`) to a path array. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split("/")
    .slice(1)
    .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

// A config file's parse, kept so it is made at most once however many findings point into it
// (and a plain JSON file's position tree is never built for them: ParsedJson.locate).
const parses = new WeakMap<object, Pick<ParsedJson, "locate">>();

/** Records the parse the reader already made of `file`, so `locateIn` never parses it again. */
export function keepTree<T extends object>(file: T, parsed: Pick<ParsedJson, "locate">): T {
  parses.set(file, parsed);
  return file;
}

/** Position of a JSON path in a file the reader kept (`JsonFile`), parsing it at most once. */
export function locateIn(file: { text: string; path: string }, path: (string | number)[]): Position {
  let parsed = parses.get(file);
  if (!parsed) parses.set(file, (parsed = parseJson(file.text, file.path)));
  return parsed.locate(path);
}
