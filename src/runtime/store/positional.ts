// The positional `$` of updates and find projections: the first element of an array that the
// query's conditions on that array match
// (https://www.mongodb.com/docs/manual/reference/operator/update/positional/,
// https://www.mongodb.com/docs/manual/reference/operator/projection/positional/).
// Updates (./update-paths.ts) and projections (./projection.ts) both ask this one matcher. `$[]`
// needs no match; `$[<identifier>]` (arrayFilters) is not in the Store contract.

import type { Document } from "bson";
import { compileFilter, toView } from "./mingo.js";
import { isDocument } from "./values.js";

/**
 * The index of the first element of `arr`, the array at the dotted `path`, that the filter's
 * conditions on `path` (on `path` itself or below it) match; -1 when none does; undefined when the
 * filter has no condition on `path`. `throughAnd` also reads the conditions inside `$and` clauses
 * (updates do; a find projection reads the filter's top level only).
 */
export function positionalIndex(path: string, arr: unknown[], filter: Document, opts: { throughAnd: boolean }): number | undefined {
  const conditions = conditionsOn(path, filter, opts.throughAnd);
  if (Object.keys(conditions).length === 0) return undefined;
  const test = compileFilter(conditions);
  const segs = path.split(".");
  for (let i = 0; i < arr.length; i++) {
    if (test(toView(probe(segs, arr[i])))) return i;
  }
  return -1;
}

function conditionsOn(path: string, filter: Document, throughAnd: boolean): Document {
  const sub: Document = {};
  const collect = (f: Document) => {
    for (const k of Object.keys(f)) {
      if (throughAnd && k === "$and" && Array.isArray(f[k])) for (const c of f[k] as unknown[]) if (isDocument(c)) collect(c);
      if (k === path || k.startsWith(`${path}.`)) sub[k] = f[k];
    }
  };
  collect(filter);
  return sub;
}

/** `{a: {b: [element]}}` for the path `a.b`: one element alone in its array, where the conditions look. */
function probe(segs: string[], element: unknown): Document {
  const doc: Document = {};
  let node = doc;
  segs.forEach((s, j) => {
    if (j === segs.length - 1) node[s] = [element];
    else node = node[s] = {};
  });
  return doc;
}
