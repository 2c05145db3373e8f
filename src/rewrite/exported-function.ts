// The edits that change the function a source exports in place, on ts-morph's tree: statements at
// the start of its body, and the `request` / `response` parameters it lacks. Which function that
// is, and whether a rule may write into it at all, is decided on the compiler's tree
// (app/find-exported.ts), where detection reads it without ts-morph; otherwise a rule hands its change
// to the compat block (compat.ts).

import type { ArrowFunction, FunctionDeclaration, FunctionExpression, Node as MorphNode, SourceFile } from "ts-morph";
import type * as TS from "typescript";
import { exportedFunctionNode, identifiersIn } from "../app/find-exported.js";
import { morph } from "./ts-morph.js";
import type { TextEdit } from "./types.js";

export type ExportedFunction = FunctionExpression | ArrowFunction | FunctionDeclaration;

// One per tree, whichever rules ask (respond-result-off, signature-header, github-payload and
// twilio-payload all do): the engine hands every rule the same wrapped tree.
const wrapped = new WeakMap<SourceFile, ExportedFunction | null>();

/** The exported function as a ts-morph node of `sf`, or undefined when it cannot be decided (app/find-exported.ts). */
export function exportedFunction(sf: SourceFile): ExportedFunction | undefined {
  let fn = wrapped.get(sf);
  if (fn === undefined) wrapped.set(sf, (fn = wrap(sf) ?? null));
  return fn ?? undefined;
}

function wrap(sf: SourceFile): ExportedFunction | undefined {
  // The same compiler at run time (util/compiler.ts); its typings come from two packages.
  const plain = sf.compilerNode as unknown as TS.SourceFile;
  const node = exportedFunctionNode(plain);
  if (!node) return undefined;
  // ts-morph's node for it, in `sf`'s own project context: down the compiler node's ancestors (the
  // tree has parent pointers once wrapped: engine.ts), wrapping only the children passed on the way.
  const path: TS.Node[] = [];
  for (let n: TS.Node = node; n !== plain; n = n.parent) path.unshift(n);
  let fn: MorphNode = sf;
  for (const step of path) {
    const next = fn.forEachChild((c) => ((c.compilerNode as unknown) === step ? c : undefined));
    if (!next) throw new Error("the exported function found on the compiler's tree has no ts-morph node");
    fn = next;
  }
  return fn as ExportedFunction;
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
  const used = identifiersIn(sf.compilerNode as unknown as TS.Node);
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
