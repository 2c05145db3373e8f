// Update operators on typed documents, with the server's semantics. mingo 7's updater mutates in
// place, compares with JS semantics (Int32(5) ≠ 5), silently ignores type errors and has no
// $setOnInsert and no upsert, so the embedded store implements updates itself and uses mingo only
// to match (positional `$`, `$pull` conditions) and to run pipeline-style updates.
//
// Supported: $set, $unset, $inc, $mul, $min, $max, $rename, $push ($each, $position, $slice, $sort),
// $addToSet ($each), $pull, $pullAll, $pop, $currentDate, $setOnInsert, $bit; dotted paths,
// numeric array indexes, the positional `$` (first element matched by the filter) and `$[]`.
// Fields are applied in lexicographic path order, as servers since 5.0 do, so new fields land in
// the same order. Not supported: `$[<identifier>]` (the Store contract has no arrayFilters).

import { EJSON, Int32, Long, ObjectId, Timestamp, serialize } from "bson";
import type { Document } from "bson";
import { compileFilter, fromView, runPipeline, toView, typeName } from "./mingo.js";
import {
  arith,
  bsonTag,
  cloneValue,
  compareBySort,
  compareValues,
  hasOwn,
  idFirst,
  INT32_MAX,
  INT32_MIN,
  intOption,
  isDocument,
  isIndex,
  isNumeric,
  numKind,
  parseSort,
  StoreError,
  toJsNumber,
  toStored,
  valuesEqual,
  zeroLike,
} from "./values.js";

const OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$min",
  "$max",
  "$rename",
  "$push",
  "$addToSet",
  "$pull",
  "$pullAll",
  "$pop",
  "$currentDate",
  "$setOnInsert",
  "$bit",
]);

const PIPELINE_STAGES = new Set(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"]);

export interface UpdateContext {
  /** The filter that selected the document (for the positional `$`). */
  filter: Document;
  /** True while building an upserted document ($setOnInsert applies). */
  isInsert: boolean;
  /** The time `$currentDate` and `$$NOW` use. */
  now: Date;
}

export const preview = (v: unknown): string => {
  try {
    const s = EJSON.stringify(v, { relaxed: true });
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(v);
  }
};

/** Throws unless `update` is a non-empty document of update operators or a pipeline (as the driver does). */
export function validateUpdate(update: unknown): asserts update is Document | Document[] {
  if (Array.isArray(update)) {
    if (update.length === 0) throw new StoreError("Update pipeline must not be empty", 2);
    return;
  }
  if (!isDocument(update)) throw new StoreError("Update document must be an object or a pipeline", 2);
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys.every((k) => k.startsWith("$"))) throw new StoreError("Update document requires atomic operators", 2);
}

/** Throws unless `replacement` is a document without update operators. */
export function validateReplacement(replacement: unknown): asserts replacement is Document {
  if (!isDocument(replacement)) throw new StoreError("Replacement document must be an object", 2);
  if (Object.keys(replacement).some((k) => k.startsWith("$"))) throw new StoreError("Replacement document must not contain atomic operators", 2);
}

/** True when the two documents differ in their BSON bytes (what makes the server count a modification). */
export function documentsDiffer(a: Document, b: Document): boolean {
  return !Buffer.from(serialize(a)).equals(Buffer.from(serialize(b)));
}

/** Applies an update (operator document or pipeline) to a copy of `doc` and returns the copy. */
export function applyUpdate(doc: Document, update: Document | Document[], ctx: UpdateContext): Document {
  validateUpdate(update);
  if (Array.isArray(update)) return applyPipeline(doc, update, ctx);
  const out = cloneValue(doc);
  applyOperators(out, update, ctx);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paths

type Container = Document | unknown[];

function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (isIndex(x) && isIndex(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function getIn(parent: Container, key: string): unknown {
  if (Array.isArray(parent)) return parent[Number(key)];
  return hasOwn(parent, key) ? parent[key] : undefined;
}

function setIn(parent: Container, key: string, value: unknown): void {
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
function locate(doc: Document, segs: string[], create: boolean): { parent: Container; key: string } | undefined {
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

/** The index of the first element of `arr` that the filter's conditions on `prefix` match. */
function positionalIndex(prefix: string, arr: unknown[], filter: Document): number {
  const sub: Document = {};
  const collect = (f: Document) => {
    for (const k of Object.keys(f)) {
      if (k === "$and" && Array.isArray(f[k])) for (const c of f[k] as unknown[]) if (isDocument(c)) collect(c);
      if (k === prefix || k.startsWith(`${prefix}.`)) sub[k] = f[k];
    }
  };
  collect(filter);
  if (Object.keys(sub).length === 0) return -1;
  const test = compileFilter(sub);
  const segs = prefix.split(".");
  for (let i = 0; i < arr.length; i++) {
    const probe: Document = {};
    let node = probe;
    segs.forEach((s, j) => {
      if (j === segs.length - 1) node[s] = [arr[i]];
      else node = node[s] = {};
    });
    if (test(toView(probe))) return i;
  }
  return -1;
}

/** The concrete paths a path with positional segments (`$`, `$[]`) stands for in `doc`. */
function expandPath(doc: Document, path: string, ctx: UpdateContext): string[][] {
  let partials: string[][] = [[]];
  for (const seg of path.split(".")) {
    if (seg === "$") {
      if (ctx.isInsert) throw new StoreError("The positional operator did not find the match needed from the query.", 2);
      partials = partials.map((p) => {
        const loc = p.length ? locate(doc, p, false) : undefined;
        const arr = loc ? getIn(loc.parent, loc.key) : undefined;
        const idx = Array.isArray(arr) ? positionalIndex(p.join("."), arr, ctx.filter) : -1;
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

// ---------------------------------------------------------------------------------------------
// Operators

interface Entry {
  op: string;
  path: string;
  segs: string[];
  arg: unknown;
}

let timestampCounter = 0;

function checkPath(op: string, path: string): void {
  if (path === "" || path.split(".").some((s) => s === "")) throw new StoreError(`An empty update path is not valid (${op}).`, 56);
  for (const s of path.split(".")) {
    if (s.startsWith("$") && s !== "$" && !s.startsWith("$[")) {
      throw new StoreError(`The dollar ($) prefixed field '${s}' in '${path}' is not valid for storage.`, 52);
    }
  }
}

function applyOperators(doc: Document, update: Document, ctx: UpdateContext): void {
  const entries: Entry[] = [];
  const targets: Array<{ path: string; segs: string[] }> = [];
  for (const op of Object.keys(update)) {
    if (!OPERATORS.has(op)) {
      throw new StoreError(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`, 9);
    }
    const spec = update[op];
    if (!isDocument(spec)) {
      throw new StoreError(`Modifiers operate on fields but we found type ${typeName(spec)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${preview(spec)}}`, 9);
    }
    for (const path of Object.keys(spec)) {
      checkPath(op, path);
      const arg = spec[path];
      entries.push({ op, path, segs: path.split("."), arg });
      targets.push({ path, segs: path.split(".") });
      if (op === "$rename") {
        if (typeof arg !== "string") throw new StoreError(`The 'to' field for $rename must be a string: ${path}: ${preview(arg)}`, 2);
        if (arg === path) throw new StoreError(`The source and target field for $rename must differ: ${path}: "${arg}"`, 2);
        checkPath(op, arg);
        if (path.split(".").some((s) => s.startsWith("$")) || arg.split(".").some((s) => s.startsWith("$"))) {
          throw new StoreError("The source and target field for $rename must not contain positional operators", 2);
        }
        targets.push({ path: arg, segs: arg.split(".") });
      }
    }
  }
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i]!;
      const b = targets[j]!;
      const n = Math.min(a.segs.length, b.segs.length);
      if (a.segs.slice(0, n).join("\u0000") === b.segs.slice(0, n).join("\u0000")) {
        const [longer, shorter] = a.segs.length >= b.segs.length ? [a, b] : [b, a];
        throw new StoreError(`Updating the path '${longer.path}' would create a conflict at '${shorter.path}'`, 40);
      }
    }
  }
  for (const e of entries) {
    if (e.segs[0] !== "_id" || ctx.isInsert) continue;
    const sameId = (e.op === "$set" || e.op === "$setOnInsert") && e.path === "_id" && hasOwn(doc, "_id") && valuesEqual(doc._id, e.arg);
    if (!sameId && !(e.op === "$setOnInsert")) {
      throw new StoreError(`Performing an update on the path '_id' would modify the immutable field '_id'`, 66);
    }
  }
  entries.sort((a, b) => comparePaths(a.segs, b.segs));
  for (const e of entries) {
    if (e.op === "$setOnInsert" && !ctx.isInsert) continue;
    if (e.op === "$rename") {
      applyRename(doc, e);
      continue;
    }
    for (const segs of expandPath(doc, e.path, ctx)) applyOne(doc, e, segs, ctx);
  }
}

function nonArrayError(field: string, value: unknown, doc: Document): StoreError {
  return new StoreError(`The field '${field}' must be an array but is of type ${typeName(value)} in document {_id: ${preview(doc._id)}}`, 2);
}

function applyOne(doc: Document, e: Entry, segs: string[], ctx: UpdateContext): void {
  const field = segs[segs.length - 1]!;
  const { op, arg } = e;
  switch (op) {
    case "$set":
    case "$setOnInsert": {
      const loc = locate(doc, segs, true)!;
      setIn(loc.parent, loc.key, toStored(arg));
      return;
    }
    case "$unset": {
      const loc = locate(doc, segs, false);
      if (!loc) return;
      if (Array.isArray(loc.parent)) {
        if (Number(loc.key) < loc.parent.length) loc.parent[Number(loc.key)] = null;
      } else {
        delete loc.parent[loc.key];
      }
      return;
    }
    case "$inc":
    case "$mul": {
      if (!isNumeric(arg)) {
        throw new StoreError(`Cannot ${op === "$inc" ? "increment" : "multiply"} with non-numeric argument: {${e.path}: ${preview(arg)}}`, 14);
      }
      const loc = locate(doc, segs, true)!;
      const cur = getIn(loc.parent, loc.key);
      if (cur === undefined) {
        setIn(loc.parent, loc.key, op === "$inc" ? toStored(arg) : zeroLike(arg));
        return;
      }
      if (!isNumeric(cur)) {
        throw new StoreError(
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${preview(doc._id)}} has the field '${field}' of non-numeric type ${typeName(cur)}`,
          14,
        );
      }
      setIn(loc.parent, loc.key, arith(op === "$inc" ? "add" : "mul", cur, arg));
      return;
    }
    case "$min":
    case "$max": {
      const loc = locate(doc, segs, true)!;
      const cur = getIn(loc.parent, loc.key);
      const c = cur === undefined ? 0 : compareValues(arg, cur);
      if (cur === undefined || (op === "$min" && c < 0) || (op === "$max" && c > 0)) setIn(loc.parent, loc.key, toStored(arg));
      return;
    }
    case "$currentDate": {
      let type = "date";
      if (isDocument(arg) && Object.keys(arg).length === 1 && (arg.$type === "date" || arg.$type === "timestamp")) type = arg.$type;
      else if (arg !== true && arg !== false) {
        throw new StoreError(`The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {${e.path}: ${preview(arg)}}}`, 2);
      }
      const loc = locate(doc, segs, true)!;
      const value =
        type === "date" ? new Date(ctx.now.getTime()) : new Timestamp({ t: Math.floor(ctx.now.getTime() / 1000), i: (timestampCounter = (timestampCounter + 1) >>> 0) || 1 });
      setIn(loc.parent, loc.key, value);
      return;
    }
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
    case "$bit": {
      if (!isDocument(arg) || Object.keys(arg).length === 0) throw new StoreError(`The $bit modifier is not compatible with a ${typeName(arg)}`, 9);
      const loc = locate(doc, segs, true)!;
      let cur = getIn(loc.parent, loc.key);
      if (cur === undefined) cur = new Int32(0);
      const curKind = numKind(cur);
      if (curKind !== "int" && curKind !== "long") {
        throw new StoreError(`Cannot apply $bit to a value of non-integral type. {_id: ${preview(doc._id)}} has the field ${field} of non-integer type ${typeName(cur)}`, 14);
      }
      let kind: "int" | "long" = curKind;
      let acc = BigInt(curKind === "long" ? (cur as Long).toBigInt() : toJsNumber(cur));
      for (const bitOp of Object.keys(arg)) {
        const v = arg[bitOp];
        const vk = numKind(v);
        if (vk !== "int" && vk !== "long") throw new StoreError(`The $bit modifier field must be an Integer(32/64 bit); a '${typeName(v)}' is not supported here`, 9);
        if (vk === "long") kind = "long";
        const operand = vk === "long" ? (v as Long).toBigInt?.() ?? BigInt(toJsNumber(v)) : BigInt(toJsNumber(v));
        if (bitOp === "and") acc &= operand;
        else if (bitOp === "or") acc |= operand;
        else if (bitOp === "xor") acc ^= operand;
        else throw new StoreError(`The $bit modifier only supports 'and', 'or', and 'xor', not '${bitOp}'`, 2);
      }
      const result = kind === "int" ? BigInt.asIntN(32, acc) : BigInt.asIntN(64, acc);
      setIn(loc.parent, loc.key, kind === "int" && result >= BigInt(INT32_MIN) && result <= BigInt(INT32_MAX) ? new Int32(Number(result)) : Long.fromBigInt(result));
      return;
    }
  }
}

function applyRename(doc: Document, e: Entry): void {
  const to = e.arg as string;
  const src = locate(doc, e.segs, false);
  if (!src) return;
  if (Array.isArray(src.parent)) throw new StoreError(`The source field cannot be an array element, '${e.path}' in doc with _id: ${preview(doc._id)}`, 2);
  const value = getIn(src.parent, src.key);
  if (value === undefined) return;
  // The server refuses to rename through arrays.
  let node: unknown = doc;
  for (const s of e.segs.slice(0, -1)) {
    node = (node as Document)[s];
    if (Array.isArray(node)) throw new StoreError(`The source field cannot be an array element, '${e.path}' in doc with _id: ${preview(doc._id)}`, 2);
  }
  delete src.parent[src.key];
  const dst = locate(doc, to.split("."), true)!;
  if (Array.isArray(dst.parent)) throw new StoreError(`The destination field cannot be an array element, '${to}' in doc with _id: ${preview(doc._id)}`, 2);
  setIn(dst.parent, dst.key, value);
}

function applyPipeline(doc: Document, pipeline: Document[], ctx: UpdateContext): Document {
  for (const stage of pipeline) {
    const keys = isDocument(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1 || !PIPELINE_STAGES.has(keys[0]!)) {
      throw new StoreError(`${keys[0] ?? "stage"} is not allowed to be used within an update`, 72);
    }
  }
  const out = runPipeline([toView(doc)], toView(pipeline) as Document[], { variables: { NOW: ctx.now } });
  const result = fromView(out[0] ?? {}, doc) as Document;
  if (hasOwn(doc, "_id")) {
    if (!hasOwn(result, "_id")) result._id = cloneValue(doc._id);
    else if (!valuesEqual(result._id, doc._id)) {
      throw new StoreError(`Performing an update on the path '_id' would modify the immutable field '_id'`, 66);
    }
  }
  return idFirst(toStored(result));
}

// ---------------------------------------------------------------------------------------------
// Upserts and replacements

function setPath(doc: Document, path: string, value: unknown): void {
  const segs = path.split(".");
  let node: Document = doc;
  segs.forEach((s, i) => {
    if (i === segs.length - 1) {
      if (hasOwn(node, s)) throw new StoreError(`cannot infer query fields to set, path '${path}' is matched twice`, 54);
      node[s] = value;
      return;
    }
    if (!hasOwn(node, s)) node[s] = {};
    const next = node[s];
    if (!isDocument(next)) throw new StoreError(`cannot infer query fields to set, path '${path}' is matched twice`, 54);
    node = next;
  });
}

function addEqualities(doc: Document, filter: Document): void {
  for (const k of Object.keys(filter)) {
    const v = filter[k];
    if (k === "$and" && Array.isArray(v)) {
      for (const clause of v) if (isDocument(clause)) addEqualities(doc, clause);
      continue;
    }
    if (k.startsWith("$")) continue;
    if (isDocument(v)) {
      const ks = Object.keys(v);
      if (ks.length > 0 && ks[0]!.startsWith("$")) {
        if (hasOwn(v, "$eq")) setPath(doc, k, toStored(v.$eq));
        continue;
      }
    }
    if (v instanceof RegExp || bsonTag(v) === "BSONRegExp") continue;
    setPath(doc, k, toStored(v));
  }
}

/** The document the server starts an upsert from: the filter's equality conditions. */
export function upsertSeed(filter: Document): Document {
  const doc: Document = {};
  addEqualities(doc, filter);
  return doc;
}

/** The document an update with `upsert` inserts when nothing matched. */
export function buildUpsert(filter: Document, update: Document | Document[], now: Date): Document {
  validateUpdate(update);
  const ctx: UpdateContext = { filter, isInsert: true, now };
  const seed = upsertSeed(filter);
  const doc = applyUpdate(seed, update, ctx);
  if (!hasOwn(doc, "_id")) doc._id = new ObjectId();
  return idFirst(doc);
}

/** The document a replacement with `upsert` inserts: the replacement, `_id` from the filter if it fixes one. */
export function buildReplacementUpsert(filter: Document, replacement: Document): Document {
  validateReplacement(replacement);
  const doc = toStored(replacement);
  if (!hasOwn(doc, "_id")) {
    const seed = upsertSeed(filter);
    doc._id = hasOwn(seed, "_id") ? seed._id : new ObjectId();
  }
  return idFirst(doc);
}

/** `existing` replaced by `replacement`, keeping `existing._id`. */
export function replaceDocument(existing: Document, replacement: Document): Document {
  validateReplacement(replacement);
  const doc = toStored(replacement);
  if (hasOwn(doc, "_id") && !valuesEqual(doc._id, existing._id)) {
    throw new StoreError(`After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${preview(doc._id)}`, 66);
  }
  if (hasOwn(existing, "_id")) doc._id = cloneValue(existing._id);
  return idFirst(doc);
}
