// The function a source exports, found on the compiler's own tree (the reader's parse), without
// ts-morph: deciding what a rule would change is detection, which `scan` runs too, and loading
// ts-morph costs it 0.15-0.2 s (bench/README.md, "Start-up"). rewrite/exported-function.ts hands the
// node found here to the rewrite as a ts-morph node, so detection and rewrite agree by construction.
// It sits with the reader's analysis (source-facts.ts) because what it finds is kept with a source's
// facts in scan's analysis cache (read/analysis-cache.ts).
//
// A rule writes into the function only when it can find it for certain (one `exports = <function>`
// at the top level, or `exports = name` of one function declared there) and the source does not
// read `arguments` (which a reassigned or added parameter would change).

import type * as TS from "typescript";
import { typescript } from "../util/compiler.js";
import type { ExportedFunctionFacts } from "./source-facts.js";

export type ExportedFunctionNode = TS.FunctionExpression | TS.ArrowFunction | TS.FunctionDeclaration;

// One search per tree, whichever rules ask (respond-result-off, signature-header, github-payload
// and twilio-payload all do).
const found = new WeakMap<TS.SourceFile, ExportedFunctionNode | null>();

/** The exported function whose body a rule may edit, or undefined when that cannot be decided. */
export function exportedFunctionNode(sf: TS.SourceFile): ExportedFunctionNode | undefined {
  let fn = found.get(sf);
  if (fn === undefined) found.set(sf, (fn = findExportedFunction(sf) ?? null));
  return fn ?? undefined;
}

function findExportedFunction(sf: TS.SourceFile): ExportedFunctionNode | undefined {
  const ts = typescript();
  const assigned: TS.Node[] = [];
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st)) continue;
    const e = st.expression;
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const left = e.left.getText(sf).replace(/\s+/g, "");
    if (left === "exports" || left === "module.exports") assigned.push(e.right);
  }
  if (assigned.length !== 1) return undefined;
  let fn: TS.Node = unparenthesized(assigned[0]!);
  if (ts.isIdentifier(fn)) {
    // `exports = name`: one function declared under that name at the top level, by a function
    // declaration or `const name = function/arrow`, and bound nowhere else there.
    const name = fn.getText(sf);
    const declared: TS.Node[] = [];
    for (const st of sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.name?.getText(sf) === name) declared.push(st);
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (d.name.getText(sf) === name) declared.push(d.initializer ?? d);
    }
    if (declared.length !== 1) return undefined;
    fn = unparenthesized(declared[0]!);
  }
  if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn) && !ts.isFunctionDeclaration(fn)) return undefined;
  if (!fn.body || !ts.isBlock(fn.body)) return undefined;
  // `arguments` anywhere in the source (one walk, shared with freshName) rules it out: cheap, and safe.
  if (identifiersIn(sf).has("arguments")) return undefined;
  return fn;
}

/**
 * The text a rule's edits inside the exported function may touch (exported-function.ts): from the
 * function's start to its body's first statement after the directive prologue (or the body's end).
 * Parameters are added or rewritten and statements inserted there, nowhere else.
 */
export function exportedFunctionHead(sf: TS.SourceFile): { start: number; end: number } | undefined {
  const fn = exportedFunctionNode(sf);
  if (!fn?.body) return undefined;
  const ts = typescript();
  const first = (fn.body as TS.Block).statements.find((st) => !(ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)));
  return { start: fn.getStart(sf), end: first ? first.getStart(sf) : fn.body.end };
}

/** What `exportedFunctionNode` and `exportedFunctionHead` say of `sf`, as data (source-facts.ts). */
export function exportedFunctionFacts(sf: TS.SourceFile): ExportedFunctionFacts | null {
  const fn = exportedFunctionNode(sf);
  const head = exportedFunctionHead(sf);
  return fn && head ? { params: fn.parameters.length, head } : null;
}

function unparenthesized(node: TS.Node): TS.Node {
  const ts = typescript();
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
}

// Every identifier under a node, read from the compiler's nodes: wrapping each node in ts-morph
// only to read its name would cost more than the rest of the rewrite.
const identifiers = new WeakMap<object, Set<string>>();
export function identifiersIn(node: TS.Node): Set<string> {
  let names = identifiers.get(node);
  if (names) return names;
  const ts = typescript();
  const seen = new Set<string>();
  const visit = (n: TS.Node): void => {
    if (n.kind === ts.SyntaxKind.Identifier) seen.add((n as TS.Identifier).text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  identifiers.set(node, (names = seen));
  return names;
}
