// The field update operators (`$set`, `$unset`, `$inc`, `$mul`, `$min`, `$max`, `$currentDate`,
// `$setOnInsert`, `$bit`, `$rename`) and the checks the server makes on an update document before
// it applies any of it: known operators, valid paths, no two paths that overlap, an immutable
// `_id`. Fields are applied in path order (see ./update.ts); the array operators are in
// ./update-arrays.ts.

import { Int32, Long, Timestamp } from "bson";
import type { Document } from "bson";
import { compareValues, valuesEqual } from "./compare.js";
import { StoreError, preview } from "./errors.js";
import { typeName } from "./mingo.js";
import { arith, INT32_MAX, INT32_MIN, isNumeric, numKind, toJsNumber, zeroLike } from "./numbers.js";
import { ARRAY_OPERATORS, applyArrayOperator } from "./update-arrays.js";
import { comparePaths, expandPath, getIn, locate, setIn } from "./update-paths.js";
import type { UpdateContext } from "./update.js";
import { hasOwn, isDocument, toStored } from "./values.js";

/** The field operators; with ARRAY_OPERATORS, every operator an update document may use. */
const FIELD_OPERATORS = new Set(["$set", "$unset", "$inc", "$mul", "$min", "$max", "$rename", "$currentDate", "$setOnInsert", "$bit"]);

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

export function applyOperators(doc: Document, update: Document, ctx: UpdateContext): void {
  const entries: Entry[] = [];
  const targets: Array<{ path: string; segs: string[] }> = [];
  for (const op of Object.keys(update)) {
    if (!FIELD_OPERATORS.has(op) && !ARRAY_OPERATORS.has(op)) {
      throw new StoreError(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`, 9);
    }
    const spec = update[op];
    if (!isDocument(spec)) {
      throw new StoreError(
        `Modifiers operate on fields but we found type ${typeName(spec)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${preview(spec)}}`,
        9,
      );
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
        type === "date"
          ? new Date(ctx.now.getTime())
          : new Timestamp({ t: Math.floor(ctx.now.getTime() / 1000), i: (timestampCounter = (timestampCounter + 1) >>> 0) || 1 });
      setIn(loc.parent, loc.key, value);
      return;
    }
    case "$push":
    case "$addToSet":
    case "$pull":
    case "$pullAll":
    case "$pop":
      applyArrayOperator(doc, e, segs);
      return;
    case "$bit": {
      if (!isDocument(arg) || Object.keys(arg).length === 0) throw new StoreError(`The $bit modifier is not compatible with a ${typeName(arg)}`, 9);
      const loc = locate(doc, segs, true)!;
      let cur = getIn(loc.parent, loc.key);
      if (cur === undefined) cur = new Int32(0);
      const curKind = numKind(cur);
      if (curKind !== "int" && curKind !== "long") {
        throw new StoreError(
          `Cannot apply $bit to a value of non-integral type. {_id: ${preview(doc._id)}} has the field ${field} of non-integer type ${typeName(cur)}`,
          14,
        );
      }
      let kind: "int" | "long" = curKind;
      let acc = BigInt(curKind === "long" ? (cur as Long).toBigInt() : toJsNumber(cur));
      for (const bitOp of Object.keys(arg)) {
        const v = arg[bitOp];
        const vk = numKind(v);
        if (vk !== "int" && vk !== "long")
          throw new StoreError(`The $bit modifier field must be an Integer(32/64 bit); a '${typeName(v)}' is not supported here`, 9);
        if (vk === "long") kind = "long";
        const operand = vk === "long" ? ((v as Long).toBigInt?.() ?? BigInt(toJsNumber(v))) : BigInt(toJsNumber(v));
        if (bitOp === "and") acc &= operand;
        else if (bitOp === "or") acc |= operand;
        else if (bitOp === "xor") acc ^= operand;
        else throw new StoreError(`The $bit modifier only supports 'and', 'or', and 'xor', not '${bitOp}'`, 2);
      }
      const result = kind === "int" ? BigInt.asIntN(32, acc) : BigInt.asIntN(64, acc);
      setIn(
        loc.parent,
        loc.key,
        kind === "int" && result >= BigInt(INT32_MIN) && result <= BigInt(INT32_MAX) ? new Int32(Number(result)) : Long.fromBigInt(result),
      );
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
