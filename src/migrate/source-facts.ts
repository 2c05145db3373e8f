// Facts about a webhook source that decide which documented differences apply to it. This is
// analysis only (the rewrite rules of a later stage change code); it errs on the side of
// reporting a difference when it cannot rule one out.

import ts from "typescript";

export interface SourceFacts {
  /** Calls setStatusCode / setHeader / addHeader / setBody somewhere. */
  responseMethods: string[];
  /** Has a `return <value>` (or an expression-bodied arrow function). */
  returnsValue: boolean;
  /** Uses `context.services.get(...)` (legacy service clients). */
  usesServiceClients: boolean;
  /** Reads `.body.text()` without a guard: endpoints pass no body for body-less requests. */
  readsBodyText: boolean;
}

const RESPONSE_METHODS = new Set(["setStatusCode", "setHeader", "addHeader", "setBody"]);

export function analyseSource(text: string): SourceFacts {
  const sf = ts.createSourceFile("source.js", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const methods = new Set<string>();
  let returnsValue = false;
  let usesServiceClients = false;
  let readsBodyText = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      if (RESPONSE_METHODS.has(name)) methods.add(name);
      if (name === "get" && node.expression.expression.getText(sf).endsWith("context.services")) usesServiceClients = true;
      if (name === "text" && ts.isPropertyAccessExpression(node.expression.expression) && node.expression.expression.name.text === "body") {
        readsBodyText = true;
      }
    }
    if (ts.isReturnStatement(node) && node.expression) returnsValue = true;
    if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) returnsValue = true;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { responseMethods: [...methods].sort(), returnsValue, usesServiceClients, readsBodyText };
}
