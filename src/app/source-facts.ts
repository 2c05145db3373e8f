// Facts about a webhook source that decide which documented differences apply to it. This is
// analysis only (the rewrite rules change code): the reader computes them from the parse of its
// syntax check, the planner and the rules read them. It errs on the side of reporting a
// difference when it cannot rule one out.

// ts-morph bundles its own TypeScript; using that one copy halves the compiler load time.
import { ts } from "ts-morph";

export interface SourceFacts {
  /** Calls setStatusCode / setHeader / addHeader / setBody somewhere. */
  responseMethods: string[];
  /** Has a `return <value>` (or an expression-bodied arrow function). */
  returnsValue: boolean;
  /** Service names passed as string literals to `context.services.get(...)`. */
  servicesUsed: string[];
  /** 1-based position of the first response-method call, for findings. */
  firstResponseCall?: { line: number; column: number };
}

const RESPONSE_METHODS = new Set(["setStatusCode", "setHeader", "addHeader", "setBody"]);

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

/** A function source as TypeScript's parser sees it; no parent pointers (the walks pass `sf`). */
export function parseSource(text: string, file = "source.js"): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
}

export function factsOf(sf: ts.SourceFile): SourceFacts {
  const methods = new Set<string>();
  let returnsValue = false;
  const servicesUsed = new Set<string>();
  let firstResponseCall: SourceFacts["firstResponseCall"];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      if (RESPONSE_METHODS.has(name)) {
        methods.add(name);
        if (!firstResponseCall) {
          const pos = sf.getLineAndCharacterOfPosition(node.expression.name.getStart(sf));
          firstResponseCall = { line: pos.line + 1, column: pos.character + 1 };
        }
      }
      const arg = node.arguments[0];
      if (name === "get" && arg && ts.isStringLiteralLike(arg) && node.expression.expression.getText(sf).endsWith("context.services")) {
        servicesUsed.add(arg.text);
      }
    }
    if (ts.isReturnStatement(node) && node.expression) returnsValue = true;
    if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) returnsValue = true;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { responseMethods: [...methods].sort(), returnsValue, servicesUsed: [...servicesUsed].sort(), firstResponseCall };
}
