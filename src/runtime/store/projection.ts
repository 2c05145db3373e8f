// Find projections on typed documents, with the server's semantics: inclusion keeps the document's
// field order (not the projection's) and `_id` unless excluded; dotted paths reach into documents
// and arrays of documents; `$slice`, `$elemMatch` and the positional `field.$` (./positional.ts)
// are supported. (mingo's projection puts `_id` last and mutates its input on exclusion, so it is
// used only for projections with aggregation expressions, through the view bridge.)

import type { Document } from "bson";
import { StoreError } from "./errors.js";
import { compileFilter, fromView, runPipeline, toView } from "./mingo.js";
import { isNumeric, toJsNumber } from "./numbers.js";
import { positionalIndex } from "./positional.js";
import { cloneValue, hasOwn, isDocument } from "./values.js";

type Leaf =
  | { kind: "include" }
  | { kind: "exclude" }
  | { kind: "slice"; skip: number | undefined; limit: number }
  | { kind: "elemMatch"; test: (el: unknown) => boolean }
  | { kind: "positional"; path: string };
interface Tree {
  [key: string]: Leaf | Tree;
}
const isLeaf = (n: Leaf | Tree): n is Leaf => typeof (n as Leaf).kind === "string";

function truthy(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (isNumeric(v)) return toJsNumber(v) !== 0;
  return undefined;
}

function sliceArgs(v: unknown): { skip: number | undefined; limit: number } {
  const int = (x: unknown) => {
    const n = isNumeric(x) ? toJsNumber(x) : Number.NaN;
    if (!Number.isInteger(n)) throw new StoreError("$slice only supports numbers and [skip, limit] arrays", 28724);
    return n;
  };
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new StoreError("$slice only supports numbers and [skip, limit] arrays", 28724);
    const limit = int(v[1]);
    if (limit <= 0) throw new StoreError("$slice limit must be positive", 28724);
    return { skip: int(v[0]), limit };
  }
  return { skip: undefined, limit: int(v) };
}

function applySlice(arr: unknown[], leaf: { skip: number | undefined; limit: number }): unknown[] {
  if (leaf.skip === undefined) return leaf.limit >= 0 ? arr.slice(0, leaf.limit) : arr.slice(Math.max(0, arr.length + leaf.limit));
  const start = leaf.skip < 0 ? Math.max(0, arr.length + leaf.skip) : Math.min(leaf.skip, arr.length);
  return arr.slice(start, start + leaf.limit);
}

function insert(tree: Tree, path: string, leaf: Leaf): void {
  const segs = path.split(".");
  let node = tree;
  segs.forEach((s, i) => {
    const existing = node[s];
    if (i === segs.length - 1) {
      if (existing !== undefined) throw new StoreError(`Path collision at ${path}`, 31250);
      node[s] = leaf;
      return;
    }
    if (existing === undefined) node = node[s] = {};
    else if (isLeaf(existing)) throw new StoreError(`Path collision at ${path}`, 31250);
    else node = existing;
  });
}

function includeDoc(doc: Document, tree: Tree, filter: Document, root: Document): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const spec = tree[key];
    if (spec === undefined) continue;
    const v = doc[key];
    const r = projectValue(v, spec, filter, root, true);
    if (r !== undefined) out[key] = r;
  }
  return out;
}

function excludeDoc(doc: Document, tree: Tree, filter: Document, root: Document): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const spec = tree[key];
    const v = doc[key];
    if (spec === undefined) {
      out[key] = cloneValue(v);
      continue;
    }
    const r = projectValue(v, spec, filter, root, false);
    if (r !== undefined) out[key] = r;
  }
  return out;
}

function projectValue(v: unknown, spec: Leaf | Tree, filter: Document, root: Document, inclusion: boolean): unknown {
  if (isLeaf(spec)) {
    switch (spec.kind) {
      case "include":
        return cloneValue(v);
      case "exclude":
        return undefined;
      case "slice":
        return Array.isArray(v) ? cloneValue(applySlice(v, spec)) : cloneValue(v);
      case "elemMatch": {
        if (!Array.isArray(v)) return undefined;
        const hit = v.find((el) => spec.test(el));
        return hit === undefined ? undefined : [cloneValue(hit)];
      }
      case "positional": {
        if (!Array.isArray(v)) return cloneValue(v);
        const idx = positionalIndex(spec.path, v, filter, { throughAnd: false });
        if (idx === undefined) {
          throw new StoreError("positional operator '.$' requires corresponding field in query specifier", 51246);
        }
        if (idx < 0)
          throw new StoreError(
            "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
            51246,
          );
        return [cloneValue(v[idx])];
      }
    }
  }
  if (isDocument(v)) return inclusion ? includeDoc(v, spec, filter, root) : excludeDoc(v, spec, filter, root);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const el of v) {
      if (isDocument(el) || Array.isArray(el)) out.push(projectValue(el, spec, filter, root, inclusion));
      else if (!inclusion) out.push(cloneValue(el));
    }
    return out;
  }
  return inclusion ? undefined : cloneValue(v);
}

export type Projector = (doc: Document) => Document;

/** Compiles a find projection; `filter` is the query (for `field.$`). Returns copies. */
export function compileProjection(projection: Document | undefined, filter: Document = {}): Projector {
  if (projection === undefined || projection === null) return (d) => cloneValue(d);
  if (!isDocument(projection)) throw new StoreError("projection must be a document", 2);
  const keys = Object.keys(projection);
  if (keys.length === 0) return (d) => cloneValue(d);

  const tree: Tree = {};
  let inclusions = 0;
  let exclusions = 0;
  let idSpec: boolean | undefined;
  let computed = false;
  for (const key of keys) {
    const v = projection[key];
    const t = truthy(v);
    if (key.endsWith(".$")) {
      insert(tree, key.slice(0, -2), { kind: "positional", path: key.slice(0, -2) });
      inclusions++;
    } else if (t !== undefined) {
      if (key === "_id") {
        idSpec = t;
        continue;
      }
      insert(tree, key, { kind: t ? "include" : "exclude" });
      if (t) inclusions++;
      else exclusions++;
    } else if (isDocument(v) && Object.keys(v).length === 1 && hasOwn(v, "$slice")) {
      insert(tree, key, { kind: "slice", ...sliceArgs(v.$slice) });
    } else if (isDocument(v) && Object.keys(v).length === 1 && hasOwn(v, "$elemMatch")) {
      if (!isDocument(v.$elemMatch)) throw new StoreError("elemMatch: Invalid argument, object required", 2);
      const test = compileFilter(v.$elemMatch);
      insert(tree, key, { kind: "elemMatch", test: (el) => isDocument(el) && test(toView(el)) });
      inclusions++;
    } else {
      computed = true;
    }
  }

  if (computed) {
    // Aggregation expressions in a find projection: evaluate with mingo's $project on views.
    const stage = toView([{ $project: projection }]) as Document[];
    return (d) => fromView(runPipeline([toView(d)], stage)[0] ?? {}, d) as Document;
  }
  if (inclusions > 0 && exclusions > 0) {
    const excluded = keys.find((k) => k !== "_id" && truthy(projection[k]) === false)!;
    throw new StoreError(`Cannot do exclusion on field ${excluded} in inclusion projection`, 31254);
  }
  const inclusion = inclusions > 0 || (exclusions === 0 && idSpec === true && Object.keys(tree).length === 0);
  if (inclusion) {
    if (idSpec !== false && tree._id === undefined) tree._id = { kind: "include" };
    return (d) => includeDoc(d, tree, filter, d);
  }
  if (idSpec === false) tree._id = { kind: "exclude" };
  return (d) => excludeDoc(d, tree, filter, d);
}
