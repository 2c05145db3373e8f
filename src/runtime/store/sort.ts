// Sorting as the server sorts: a sort specification read into `[path, direction]` pairs, and the
// sort key of a document (the lowest value a path reaches for an ascending sort, the highest for a
// descending one, so that arrays sort by their elements).

import type { Document } from "bson";
import { compareValues } from "./compare.js";
import { StoreError } from "./errors.js";
import { isNumeric, toJsNumber } from "./numbers.js";
import { pathValues } from "./paths.js";
import { hasOwn, isDocument } from "./values.js";

/** The sort key of a document for one path: the lowest (ascending) or highest (descending) value. */
function sortKey(doc: Document, path: string, dir: 1 | -1): unknown {
  const vals: unknown[] = [];
  for (const v of pathValues(doc, path.split("."))) {
    if (Array.isArray(v)) vals.push(...(v.length ? v : [undefined]));
    else vals.push(v);
  }
  if (vals.length === 0) return null;
  let best = vals[0];
  for (const v of vals.slice(1)) {
    const c = compareValues(v, best);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v;
  }
  return best ?? null;
}

/** A sort specification as ordered `[path, 1 | -1]` pairs (numbers may arrive as Int32/Double). */
export function parseSort(sort: Document | undefined): Array<[string, 1 | -1]> {
  if (sort === undefined || sort === null) return [];
  if (!isDocument(sort)) throw new StoreError("sort must be a document", 2);
  return Object.keys(sort).map((k) => {
    const v = sort[k];
    const n = isNumeric(v) ? toJsNumber(v) : v;
    if (n === 1 || n === -1) return [k, n];
    if (isDocument(v) && hasOwn(v, "$meta")) throw new StoreError("$meta sort is not supported by the embedded store", 2);
    throw new StoreError(`Invalid sort value for '${k}': must be 1 or -1`, 15974);
  });
}

export function compareBySort(spec: Array<[string, 1 | -1]>): (a: Document, b: Document) => number {
  return (a, b) => {
    for (const [path, dir] of spec) {
      const c = compareValues(sortKey(a, path, dir), sortKey(b, path, dir));
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}
