// Where an update writes: concrete paths (`a.0.b`) located in a document, created on the way when
// the operator creates them, and a path with positional segments (`$`, `$[]`) expanded into the
// concrete paths it stands for in one document.

import type { Document } from "bson";
import { StoreError, preview } from "./errors.js";
import { isIndex } from "./paths.js";
import { positionalIndex } from "./positional.js";
import type { UpdateContext } from "./update.js";
import { hasOwn, isDocument } from "./values.js";

export type Container = Document | unknown[];

export function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (isIndex(x) && isIndex(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export function getIn(parent: Container, key: string): unknown {
  if (Array.isArray(parent)) return parent[Number(key)];
  return hasOwn(parent, key) ? parent[key] : undefined;
}

export function setIn(parent: Container, key: string, value: unknown): void {
  if (Array.isArray(parent)) {
    const idx = Number(key);
    while (parent.length < idx) parent.push(null);
    parent[idx] = value;
  } else {
    parent[key] = value;
  }
}

/**
 * The container and key a concrete path ends in. With `create`, missing intermediate documents
 * are created (and a scalar in the way is an error, as on the server); without, undefined when
 * the path does not exist.
 */
export function locate(doc: Document, segs: string[], create: boolean): { parent: Container; key: string } | undefined {
  let node: Container = doc;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (Array.isArray(node) && !isIndex(seg)) {
      if (!create) return undefined;
      throw new StoreError(`Cannot create field '${seg}' in element {${segs[i - 1] ?? ""}: ${preview(node)}}`, 28);
    }
    if (i === segs.length - 1) return { parent: node, key: seg };
    let next = getIn(node, seg);
    if (next === undefined) {
      if (!create) return undefined;
      next = {};
      setIn(node, seg, next);
    }
    if (!isDocument(next) && !Array.isArray(next)) {
      if (!create) return undefined;
      throw new StoreError(`Cannot create field '${segs[i + 1]}' in element {${seg}: ${preview(next)}}`, 28);
    }
    node = next;
  }
  return undefined;
}

/** The concrete paths a path with positional segments (`$`, `$[]`) stands for in `doc`. */
export function expandPath(doc: Document, path: string, ctx: UpdateContext): string[][] {
  let partials: string[][] = [[]];
  for (const seg of path.split(".")) {
    if (seg === "$") {
      if (ctx.isInsert) throw new StoreError("The positional operator did not find the match needed from the query.", 2);
      partials = partials.map((p) => {
        const loc = p.length ? locate(doc, p, false) : undefined;
        const arr = loc ? getIn(loc.parent, loc.key) : undefined;
        const idx = Array.isArray(arr) ? (positionalIndex(p.join("."), arr, ctx.filter, { throughAnd: true }) ?? -1) : -1;
        if (idx < 0) throw new StoreError("The positional operator did not find the match needed from the query.", 2);
        return [...p, String(idx)];
      });
    } else if (seg === "$[]") {
      const next: string[][] = [];
      for (const p of partials) {
        const loc = p.length ? locate(doc, p, false) : undefined;
        const arr = loc ? getIn(loc.parent, loc.key) : undefined;
        if (!Array.isArray(arr)) {
          if (ctx.isInsert) continue;
          throw new StoreError(`The path '${p.join(".")}' must exist in the document in order to apply array updates.`, 2);
        }
        arr.forEach((_, i) => next.push([...p, String(i)]));
      }
      partials = next;
    } else if (seg.startsWith("$[")) {
      throw new StoreError(`arrayFilters ('${seg}') are not supported by the store`, 2);
    } else {
      partials = partials.map((p) => [...p, seg]);
    }
  }
  return partials;
}
