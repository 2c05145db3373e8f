// The array update operators: `$push` (with `$each`, `$position`, `$slice`, `$sort`), `$addToSet`
// (with `$each`), `$pull`, `$pullAll` and `$pop`, applied to one concrete path of a document, with
// the server's element equality (./compare.ts) and its error messages and codes.

import type { Document } from "bson";
import { bsonTag } from "../bson-values.js";
import { compareValues, valuesEqual } from "./compare.js";
import { StoreError, preview } from "./errors.js";
import { compileFilter, toView, typeName } from "./mingo.js";
import { intOption, isNumeric, toJsNumber } from "./numbers.js";
import { compareBySort, parseSort } from "./sort.js";
import { getIn, locate, setIn } from "./update-paths.js";
import { hasOwn, isDocument, toStored } from "./values.js";

/** The operator, the path as written (for messages) and its argument. */
export interface ArrayUpdate {
  op: string;
  path: string;
  arg: unknown;
}

export const ARRAY_OPERATORS: ReadonlySet<string> = new Set(["$push", "$addToSet", "$pull", "$pullAll", "$pop"]);

function nonArrayError(field: string, value: unknown, doc: Document): StoreError {
  return new StoreError(`The field '${field}' must be an array but is of type ${typeName(value)} in document {_id: ${preview(doc._id)}}`, 2);
}

/** Applies one of {@link ARRAY_OPERATORS} at the concrete path `segs`. */
export function applyArrayOperator(doc: Document, e: ArrayUpdate, segs: string[]): void {
  const field = segs[segs.length - 1]!;
  const { op, arg } = e;
  switch (op) {
    case "$push":
    case "$addToSet": {
      let each: unknown[] = [arg];
      let mods: Document = {};
      if (isDocument(arg) && hasOwn(arg, "$each")) {
        if (!Array.isArray(arg.$each)) throw new StoreError(`The argument to $each in ${op} must be an array but it was of type ${typeName(arg.$each)}`, 2);
        each = arg.$each;
        mods = arg;
        for (const k of Object.keys(arg)) {
          const allowed = op === "$push" ? ["$each", "$position", "$slice", "$sort"] : ["$each"];
          if (!allowed.includes(k)) throw new StoreError(`Found unexpected fields after $each in ${op}: ${preview(arg)}`, 2);
        }
      }
      const loc = locate(doc, segs, true)!;
      const cur = getIn(loc.parent, loc.key);
      if (cur !== undefined && !Array.isArray(cur)) throw nonArrayError(field, cur, doc);
      const arr: unknown[] = cur === undefined ? [] : (cur as unknown[]);
      const items = each.map((v) => toStored(v));
      if (op === "$addToSet") {
        for (const item of items) if (!arr.some((x) => valuesEqual(x, item))) arr.push(item);
      } else {
        const position = intOption(mods.$position, "$position");
        let at = position === undefined ? arr.length : position < 0 ? Math.max(0, arr.length + position) : Math.min(position, arr.length);
        for (const item of items) arr.splice(at++, 0, item);
        if (mods.$sort !== undefined) {
          const s = mods.$sort;
          if (isNumeric(s) && Math.abs(toJsNumber(s)) === 1) {
            const dir = toJsNumber(s);
            arr.sort((x, y) => dir * compareValues(x, y));
          } else if (isDocument(s)) {
            const cmp = compareBySort(parseSort(s));
            arr.sort((x, y) => cmp(isDocument(x) ? x : {}, isDocument(y) ? y : {}));
          } else {
            throw new StoreError("The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields", 2);
          }
        }
        const slice = intOption(mods.$slice, "$slice");
        if (slice !== undefined) {
          if (slice >= 0) arr.splice(slice);
          else arr.splice(0, Math.max(0, arr.length + slice));
        }
      }
      setIn(loc.parent, loc.key, arr);
      return;
    }
    case "$pull":
    case "$pullAll": {
      const loc = locate(doc, segs, false);
      if (!loc) return;
      const cur = getIn(loc.parent, loc.key);
      if (cur === undefined) return;
      if (!Array.isArray(cur)) throw new StoreError(`Cannot apply ${op} to a non-array value`, 2);
      let pred: (el: unknown) => boolean;
      if (op === "$pullAll") {
        if (!Array.isArray(arg)) throw new StoreError(`$pullAll requires an array argument but was given a ${typeName(arg)}`, 2);
        pred = (el) => arg.some((v) => valuesEqual(el, v));
      } else if (isDocument(arg) && Object.keys(arg).length > 0 && Object.keys(arg).every((k) => k.startsWith("$"))) {
        const test = compileFilter({ v: arg });
        pred = (el) => test({ v: toView(el) });
      } else if (isDocument(arg)) {
        const test = compileFilter(arg);
        pred = (el) => isDocument(el) && test(toView(el));
      } else if (arg instanceof RegExp || bsonTag(arg) === "BSONRegExp") {
        const re = toView(arg) as RegExp;
        pred = (el) => typeof el === "string" && re instanceof RegExp && new RegExp(re.source, re.flags).test(el);
      } else {
        pred = (el) => valuesEqual(el, arg);
      }
      setIn(
        loc.parent,
        loc.key,
        cur.filter((el) => !pred(el)),
      );
      return;
    }
    case "$pop": {
      const n = isNumeric(arg) ? toJsNumber(arg) : Number.NaN;
      if (n !== 1 && n !== -1) throw new StoreError(`$pop expects 1 or -1, found: ${preview(arg)}`, 9);
      const loc = locate(doc, segs, false);
      if (!loc) return;
      const cur = getIn(loc.parent, loc.key);
      if (cur === undefined) return;
      if (!Array.isArray(cur)) throw new StoreError(`Path '${e.path}' contains an element of non-array type '${typeName(cur)}'`, 14);
      if (n === 1) cur.pop();
      else cur.shift();
      return;
    }
  }
}
