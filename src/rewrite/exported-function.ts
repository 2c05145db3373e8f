// The function a source exports, found with ts-morph over the reader's parse, and the edits that
// change it in place: statements at the start of its body, and the `request` / `response`
// parameters it lacks. A rule writes into the function only when it can find it for certain (one
// `exports = <function>` at the top level, or `exports = name` of one function declared there) and
// the source does not read `arguments` (which a reassigned or added parameter would change);
// otherwise it hands its change to the compat block (compat.ts).

import type { ArrowFunction, FunctionDeclaration, FunctionExpression, Node as MorphNode, SourceFile, ts as MorphTs } from "ts-morph";
import { morph } from "./ts-morph.js";
import type { TextEdit } from "./types.js";

export type ExportedFunction = FunctionExpression | ArrowFunction | FunctionDeclaration;

// One search per tree, whichever rules ask (respond-result-off, signature-header, github-payload
// and twilio-payload all do): the engine hands every rule the same wrapped tree.
const found = new WeakMap<SourceFile, ExportedFunction | null>();

/** The exported function whose body a rule may edit, or undefined when that cannot be decided. */
export function exportedFunction(sf: SourceFile): ExportedFunction | undefined {
  let fn = found.get(sf);
  if (fn === undefined) found.set(sf, (fn = findExportedFunction(sf) ?? null));
  return fn ?? undefined;
}

function findExportedFunction(sf: SourceFile): ExportedFunction | undefined {
  const { Node } = morph();
  const assigned: MorphNode[] = [];
  for (const st of sf.getStatements()) {
    if (!Node.isExpressionStatement(st)) continue;
    const e = st.getExpression();
    if (!Node.isBinaryExpression(e) || e.getOperatorToken().getText() !== "=") continue;
    const left = e.getLeft().getText().replace(/\s+/g, "");
    if (left === "exports" || left === "module.exports") assigned.push(e.getRight());
  }
  if (assigned.length !== 1) return undefined;
  let fn: MorphNode = assigned[0]!;
  while (Node.isParenthesizedExpression(fn)) fn = fn.getExpression();
  if (Node.isIdentifier(fn)) {
    // `exports = name`: one function declared under that name at the top level, by a function
    // declaration or `const name = function/arrow`, and bound nowhere else there.
    const name = fn.getText();
    const found: MorphNode[] = [];
    for (const st of sf.getStatements()) {
      if (Node.isFunctionDeclaration(st) && st.getName() === name) found.push(st);
      if (Node.isVariableStatement(st)) for (const d of st.getDeclarations()) if (d.getName() === name) found.push(d.getInitializer() ?? d);
    }
    if (found.length !== 1) return undefined;
    fn = found[0]!;
    while (Node.isParenthesizedExpression(fn)) fn = fn.getExpression();
  }
  if (!Node.isFunctionExpression(fn) && !Node.isArrowFunction(fn) && !Node.isFunctionDeclaration(fn)) return undefined;
  const body = fn.getBody();
  if (!body || !Node.isBlock(body)) return undefined;
  // `arguments` anywhere in the source (one walk, shared with freshName) rules it out: cheap, and safe.
  if (identifiersIn(sf.compilerNode).has("arguments")) return undefined;
  return fn;
}

// Every identifier under a node, read from the compiler's nodes: wrapping each node in ts-morph
// only to read its name would cost more than the rest of the rewrite.
const identifiers = new WeakMap<object, Set<string>>();
function identifiersIn(node: MorphTs.Node): Set<string> {
  let found = identifiers.get(node);
  if (found) return found;
  const ts = morph().ts;
  const names = new Set<string>();
  const visit = (n: MorphTs.Node): void => {
    if (n.kind === ts.SyntaxKind.Identifier) names.add((n as MorphTs.Identifier).text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  identifiers.set(node, (found = names));
  return found;
}

/** The name of parameter `i` when it is a plain identifier (no pattern, no rest). */
function paramName(fn: ExportedFunction, i: number): string | undefined {
  const { Node } = morph();
  const p = fn.getParameters()[i];
  if (!p || p.isRestParameter()) return undefined;
  const n = p.getNameNode();
  return Node.isIdentifier(n) ? n.getText() : undefined;
}

/** A name no identifier of the source uses: `preferred`, else `hookshift` + Preferred. */
export function freshName(sf: SourceFile, preferred: string): string {
  const used = identifiersIn(sf.compilerNode);
  if (!used.has(preferred)) return preferred;
  let name = `hookshift${preferred[0]!.toUpperCase()}${preferred.slice(1)}`;
  for (let i = 2; used.has(name); i++) name = `hookshift${preferred[0]!.toUpperCase()}${preferred.slice(1)}${i}`;
  return name;
}

/**
 * The function's first two parameters as plain names, adding the missing ones (`request`,
 * `response`, or a fresh name where the source uses those) after the last one it has. Undefined
 * when a parameter it needs is a pattern or a rest parameter.
 */
export function ensureParams(fn: ExportedFunction, count: 1 | 2): { names: string[]; edits: TextEdit[] } | undefined {
  const { Node, SyntaxKind } = morph();
  const params = fn.getParameters();
  const names: string[] = [];
  for (let i = 0; i < Math.min(count, params.length); i++) {
    const n = paramName(fn, i);
    if (n === undefined) return undefined;
    names.push(n);
  }
  if (params.length >= count) return { names, edits: [] };
  if (params.some((p) => p.isRestParameter())) return undefined;
  const sf = fn.getSourceFile();
  const added = ["request", "response"].slice(params.length, count).map((n) => freshName(sf, n));
  names.push(...added);
  const last = params[params.length - 1];
  if (last) {
    // `payload => {...}`: an arrow's lone parameter needs parentheses once there are two.
    const bare = Node.isArrowFunction(fn) && !fn.getFirstChildByKind(SyntaxKind.OpenParenToken);
    if (bare) return { names, edits: [{ start: last.getStart(), end: last.getEnd(), text: `(${last.getText()}, ${added.join(", ")})` }] };
    return { names, edits: [{ start: last.getEnd(), end: last.getEnd(), text: `, ${added.join(", ")}` }] };
  }
  const open = fn.getFirstChildByKind(SyntaxKind.OpenParenToken);
  if (!open) return undefined;
  return { names, edits: [{ start: open.getEnd(), end: open.getEnd(), text: added.join(", ") }] };
}

/**
 * Statements inserted at the start of the function's body, after its directive prologue ("use
 * strict"), each on its own line at the body's indentation; the text around stays as it was.
 */
export function atBodyStart(fn: ExportedFunction, lines: string[], eol: string): TextEdit {
  const { Node } = morph();
  const body = fn.getBody()!;
  if (!Node.isBlock(body)) throw new Error("the exported function has no block body");
  const statements = body.getStatements();
  let after = body.getStart() + 1;
  for (const st of statements) {
    if (!Node.isExpressionStatement(st) || !Node.isStringLiteral(st.getExpression())) break;
    after = st.getEnd();
  }
  const text = fn.getSourceFile().getFullText();
  // A comment after the brace (or the directive) stays on its line, above the new statements.
  const lineEnd = text.indexOf("\n", after) < 0 ? text.length : text.indexOf("\n", after);
  const rest = text.slice(after, lineEnd).replace(/\r$/, "");
  if (/^[ \t]*(\/\/.*|\/\*.*\*\/[ \t]*)?$/.test(rest)) after += rest.length;
  const first = statements[0];
  const lineStart = (pos: number) => text.lastIndexOf("\n", pos - 1) + 1;
  const indentOf = (pos: number) => /^[ \t]*/.exec(text.slice(lineStart(pos)))![0];
  const indent = first && lineStart(first.getStart()) > lineStart(body.getStart()) ? indentOf(first.getStart()) : indentOf(fn.getStart()) + "  ";
  return { start: after, end: after, text: lines.map((l) => eol + indent + l).join("") };
}
