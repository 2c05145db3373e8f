// Facts about a webhook source that decide which documented differences apply to it. This is
// analysis only (the rewrite rules change code): the reader computes them from the parse of its
// syntax check, the planner and the rules read them. It errs on the side of reporting a
// difference when it cannot rule one out.

// The compiler alone (util/compiler.ts), not ts-morph: loading ts-morph costs 0.15-0.2 s more, and
// only a rule that asks for a tree needs it. Loaded at the first parse, not on import: `rules`
// imports this module (through the rules that read facts) and never parses.
import type * as TS from "typescript";
import { typescript } from "../util/compiler.js";

export interface SourceFacts {
  /** Calls setStatusCode / setHeader / addHeader / setBody somewhere. */
  responseMethods: string[];
  /** Has a `return <value>` (or an expression-bodied arrow function). */
  returnsValue: boolean;
  /** Service names passed as string literals to `context.services.get(...)`. */
  servicesUsed: string[];
  /** 1-based position of the first response-method call, for findings. */
  firstResponseCall?: { line: number; column: number };
  /** Every `context.services.get(...)` call, in source order: what the service-client rules edit. */
  serviceCalls: ServiceCall[];
  /**
   * What the rules ask of the exported function (find-exported.ts), as data: set only by scan's
   * analysis cache (read/analysis-cache.ts), whose facts come without a tree; null when no rule may
   * write into the function. Left out, the rewrite engine asks the tree.
   */
  exportedFunction?: ExportedFunctionFacts | null;
}

/** The exported function a rule may write into: its parameter count and its head (find-exported.ts `exportedFunctionHead`). */
export interface ExportedFunctionFacts {
  params: number;
  head: { start: number; end: number };
}

/** A `context.services.get(<arg>)` call, located by offsets into the source text. */
interface ServiceCall {
  /** Offsets of the whole call, leading comments excluded (the text a rule replaces). */
  start: number;
  end: number;
  /** The service name when the argument is a plain string literal; else undefined. */
  name?: string;
  /** The argument as written ("" when there is none). */
  argText: string;
  /** Start of the innermost statement holding the call, where a marker line goes above it. */
  statementStart: number;
}

const RESPONSE_METHODS = new Set(["setStatusCode", "setHeader", "addHeader", "setBody"]);
// The statement kinds, as ts-morph's Node.isStatement lists them (made at the first walk: reading
// ts.SyntaxKind loads the compiler).
let statementKinds: Set<TS.SyntaxKind> | undefined;
function statements(): Set<TS.SyntaxKind> {
  const K = typescript().SyntaxKind;
  return (statementKinds ??= new Set<TS.SyntaxKind>([
    K.Block,
    K.BreakStatement,
    K.ClassDeclaration,
    K.ContinueStatement,
    K.DebuggerStatement,
    K.DoStatement,
    K.EmptyStatement,
    K.EnumDeclaration,
    K.ExportAssignment,
    K.ExportDeclaration,
    K.ExpressionStatement,
    K.ForInStatement,
    K.ForOfStatement,
    K.ForStatement,
    K.FunctionDeclaration,
    K.IfStatement,
    K.ImportDeclaration,
    K.ImportEqualsDeclaration,
    K.InterfaceDeclaration,
    K.LabeledStatement,
    K.ModuleBlock,
    K.ModuleDeclaration,
    K.NotEmittedStatement,
    K.ReturnStatement,
    K.SwitchStatement,
    K.ThrowStatement,
    K.TryStatement,
    K.TypeAliasDeclaration,
    K.VariableStatement,
    K.WhileStatement,
    K.WithStatement,
  ]));
}

// Differences and rules both ask about the same source: remember the last few answers.
const cache = new Map<string, SourceFacts>();

/**
 * The facts of `text`. `known` are facts the caller already has for exactly this text (the reader
 * computes them from the parse of its syntax check), so the source is not parsed a second time.
 */
export function analyseSource(text: string, known?: SourceFacts): SourceFacts {
  const hit = cache.get(text);
  if (hit) return hit;
  const facts = known ?? factsOf(parseSource(text));
  if (cache.size > 64) cache.delete(cache.keys().next().value!);
  cache.set(text, facts);
  return facts;
}

/**
 * A function source as TypeScript's parser sees it; no parent pointers (the walks pass `sf`).
 * Every tree is named `/source.js` whatever file it came from (findings carry the real path): the
 * name only files the tree in the file system ts-morph's `createWrappedNode` builds around each
 * source (engine.ts), and a nested relative path made it build and `stat` a folder per level:
 * the wrap cost nearly three times as much (bench/README.md, migrate).
 */
export function parseSource(text: string): TS.SourceFile {
  const ts = typescript();
  return ts.createSourceFile("/source.js", text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
}

/**
 * Syntax-tree depth past which a source is not analysed (finding `source-too-deep`): every walk
 * of the tree (these facts, the rules, redaction) recurses per level. TypeScript's own parser runs
 * out of stack near it for some shapes (about 780 nested parentheses, 350 nested function
 * expressions), which is the same finding. Hand-written functions stay far below it.
 */
export const MAX_SOURCE_DEPTH = 1000;

/** Thrown by `factsOf` for a tree deeper than MAX_SOURCE_DEPTH; `pos` is where it gets too deep. */
export class SourceTooDeep extends Error {
  constructor(readonly pos: number) {
    super(`the syntax tree is nested more than ${MAX_SOURCE_DEPTH} levels deep`);
  }
}

// The parse each facts object came from, kept for the rewrite rules (src/rewrite/engine.ts wraps it
// in ts-morph nodes), so a source is parsed once from reading to rewriting. A WeakMap, not a field:
// the facts stay plain data (copied, logged, compared) and the tree goes with them.
const trees = new WeakMap<SourceFacts, TS.SourceFile>();

/** The syntax tree `facts` were computed from, when they came from `factsOf` (and it is still kept). */
export function treeOf(facts: SourceFacts): TS.SourceFile | undefined {
  return trees.get(facts);
}

/** Lets the tree go once its last user (the rewrite) is done: a migrate of many sources keeps none. */
export function releaseTree(facts: SourceFacts): void {
  trees.delete(facts);
}

export function factsOf(sf: TS.SourceFile): SourceFacts {
  const ts = typescript();
  const STATEMENTS = statements();
  const methods = new Set<string>();
  let returnsValue = false;
  const servicesUsed = new Set<string>();
  let firstResponseCall: SourceFacts["firstResponseCall"];
  const serviceCalls: ServiceCall[] = [];
  let statementStart = -1;
  let depth = 0;
  const visit = (node: TS.Node): void => {
    if (++depth > MAX_SOURCE_DEPTH) throw new SourceTooDeep(node.getStart(sf));
    const outerStatement = statementStart;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      if (RESPONSE_METHODS.has(name)) {
        methods.add(name);
        if (!firstResponseCall) {
          const pos = sf.getLineAndCharacterOfPosition(node.expression.name.getStart(sf));
          firstResponseCall = { line: pos.line + 1, column: pos.character + 1 };
        }
      }
      if (name === "get") {
        const arg = node.arguments[0];
        const literal = arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
        const target = node.expression.expression.getText(sf);
        // servicesUsed is the looser question (any `….context.services`), for the differences.
        if (literal !== undefined && target.endsWith("context.services")) servicesUsed.add(literal);
        if (target.replace(/\s+/g, "") === "context.services") {
          const start = node.getStart(sf);
          serviceCalls.push({
            start,
            end: node.end,
            name: literal,
            argText: arg ? arg.getText(sf) : "",
            statementStart: statementStart >= 0 ? statementStart : start,
          });
        }
      }
    }
    if (ts.isReturnStatement(node) && node.expression) returnsValue = true;
    if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) returnsValue = true;
    if (STATEMENTS.has(node.kind)) statementStart = node.getStart(sf);
    ts.forEachChild(node, visit);
    statementStart = outerStatement;
    depth--;
  };
  visit(sf);
  const facts: SourceFacts = { responseMethods: [...methods].sort(), returnsValue, servicesUsed: [...servicesUsed].sort(), firstResponseCall, serviceCalls };
  trees.set(facts, sf);
  return facts;
}
