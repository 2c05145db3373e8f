// Cases built from what a function reads (pure): requests that supply the query parameters,
// headers and body fields its source reads, in the body encoding it parses, with plausible values
// (an ObjectId where it builds one, a number where it computes, each literal it compares with),
// plus the variants that leave each one out; and database documents that match the filters of
// its reads, so `findOne` finds something (each such case also runs once on an empty database),
// holding the fields the function then reads from them. After a round, `branchCases` aims at the
// branches the cases did not take, through request fields and document fields alike.

import { createHash } from "node:crypto";
import { EJSON, ObjectId, type Document } from "bson";
import type { Webhook } from "../app/model.js";
import type { LogicalCase } from "./cases.js";
import type { DocumentRef, FieldRef, FieldType, FunctionReads } from "./types.js";

type Literal = string | number | boolean;
/** The value of each request field and document field of one case, by key; absent fields are not in the map. */
type Values = Map<string, unknown>;
/** What a value is chosen for: a request field or a document field. */
interface Slot {
  key: string;
  /** How case names show it: `body qty`, `document shop.customers plan`. */
  label: string;
  type: FieldType;
  literals: Literal[];
}

const keyOf = (f: FieldRef) => `${f.from}:${f.name}`;
const docKeyOf = (d: DocumentRef) => `document:${d.db}.${d.collection}:${d.path}`;

function slotsOf(reads: FunctionReads): Slot[] {
  return [
    ...reads.fields.map((f) => ({ key: keyOf(f), label: `${f.from} ${f.name}`, type: f.type, literals: f.literals })),
    ...reads.documentFields.map((d) => ({ key: docKeyOf(d), label: `document ${d.db}.${d.collection} ${d.path}`, type: d.type, literals: d.literals })),
  ];
}

/** A 24-hex ObjectId string that is the same for the same field in every run. */
function hexFor(name: string): string {
  return createHash("sha256").update(name).digest("hex").slice(0, 24);
}

/** The first plausible value of a field: its first literal, else one of its type. */
function plausible(f: Slot): unknown {
  const lit = f.literals[0];
  if (lit !== undefined) return lit;
  switch (f.type) {
    case "objectId":
      return new ObjectId(hexFor(f.key));
    case "number":
      return 3;
    case "boolean":
      return true;
    case "date":
      return new Date("2024-01-02T03:04:05.000Z");
    case "array":
      return [{ id: "item-1", qty: 2 }];
    case "object":
      return { id: "obj-1" };
    default:
      return `${f.label.split(/[ .]/).pop()}-1`;
  }
}

/** A value as a query parameter or header carries it. */
function asText(v: unknown): string {
  if (v instanceof ObjectId) return v.toHexString();
  if (v instanceof Date) return v.toISOString();
  return typeof v === "string" ? v : JSON.stringify(v);
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split(".");
  let at = obj;
  for (const p of parts.slice(0, -1)) {
    const next = at[p];
    at = (at[p] = next !== null && typeof next === "object" && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
  }
  at[parts[parts.length - 1]!] = value;
}

/** The method source cases use: the webhook's own, or POST (GET for a function that reads no body) for ANY. */
export function sourceMethod(webhook: Webhook, reads: FunctionReads): string {
  if (webhook.service.type !== "http") return "POST"; // GitHub and Twilio post their events
  const m = webhook.config?.httpMethod;
  if (m && m !== "ANY") return m;
  return reads.body === "none" ? "GET" : "POST";
}

/** What every source case of a webhook starts from: the case that passes its checks, and a body template (GitHub, Twilio). */
export interface CaseBase {
  base: LogicalCase;
  template?: { body: Record<string, unknown>; headers: Record<string, string> };
}

/** One request from field values, in the encoding the function parses. */
function render(name: string, method: string, reads: FunctionReads, values: Values, from: CaseBase): LogicalCase {
  const base = from.template ? { ...from.base, headers: { ...from.base.headers, ...from.template.headers } } : from.base;
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const body: Record<string, unknown> = structuredClone(from.template?.body ?? {});
  for (const f of reads.fields) {
    if (!values.has(keyOf(f))) continue;
    const v = values.get(keyOf(f));
    if (f.from === "query") query[f.name] = asText(v);
    else if (f.from === "header") headers[f.name] = asText(v);
    else setPath(body, f.name, reads.body === "form" ? asText(v) : v);
  }
  const c: LogicalCase = { ...base, name, method, query: { ...base.query, ...query }, headers: { ...base.headers, ...headers } };
  // A function that reads its body gets one whatever the method: its callers must have sent one.
  if (reads.body === "none") return c;
  if (reads.body === "form") {
    const form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, asText(v)]));
    return { ...c, headers: { ...c.headers, "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() };
  }
  // A function that reads text gets JSON text too: the fields it reads, if any, are JSON-shaped.
  const text = reads.body === "ejson" ? EJSON.stringify(body, { relaxed: false }) : JSON.stringify(asJson(body));
  return { ...c, headers: { ...c.headers, "Content-Type": "application/json" }, body: text };
}

/** BSON values as plain JSON (for a function that parses its body with JSON.parse). */
function asJson(v: unknown): unknown {
  return JSON.parse(EJSON.stringify(v as Document, { relaxed: true }), (_k, x: unknown) => {
    if (x && typeof x === "object" && "$oid" in x) return (x as { $oid: string }).$oid;
    if (x && typeof x === "object" && "$date" in x) return (x as { $date: string }).$date;
    return x;
  });
}

/** Documents matching each read's filter for these field values (canonical EJSON), or undefined. */
function seedFor(reads: FunctionReads, values: Values): string | undefined {
  const seed: Record<string, Record<string, Document[]>> = {};
  reads.collections.forEach((c, i) => {
    const doc: Document = {};
    for (const [key, v] of Object.entries(c.filter)) {
      if (v.kind === "literal") doc[key] = v.value;
      else if (v.kind === "field") {
        if (!values.has(keyOf(v.field))) return; // no document can match a missing value
        const x = values.get(keyOf(v.field));
        doc[key] = v.objectId ? new ObjectId(asText(x)) : v.number ? Number(asText(x)) : v.field.from === "body" ? x : asText(x);
      }
    }
    for (const d of reads.documentFields) {
      if (d.db === c.db && d.collection === c.collection && values.has(docKeyOf(d)) && !(d.path in doc)) setPath(doc, d.path, values.get(docKeyOf(d)));
    }
    if (doc._id === undefined) doc._id = new ObjectId(hexFor(`${c.db}.${c.collection}.${i}`));
    const docs = ((seed[c.db] ??= {})[c.collection] ??= []);
    // Two reads with the same filter on `_id` want the same document: one is enough (and two would clash).
    if (!docs.some((d) => EJSON.stringify({ id: d._id }) === EJSON.stringify({ id: doc._id }))) docs.push(doc);
  });
  return Object.keys(seed).length ? EJSON.stringify(seed, { relaxed: false }) : undefined;
}

function firstValues(reads: FunctionReads): Values {
  return new Map(slotsOf(reads).map((f) => [f.key, plausible(f)]));
}

/**
 * Round-one cases from what the function reads: every field with a plausible value (with and
 * without matching documents), each further literal a field is compared with, and each field
 * left out. `base` carries the secret and credentials that let the request through.
 */
export function sourceCases(webhook: Webhook, reads: FunctionReads, base: CaseBase): LogicalCase[] {
  if (reads.fields.length === 0 && reads.collections.length === 0) return [];
  const method = sourceMethod(webhook, reads);
  const out: LogicalCase[] = [];
  const all = firstValues(reads);
  const add = (name: string, values: Values, withSeed = true) => {
    const c = render(name, method, reads, values, base);
    const seed = withSeed ? seedFor(reads, values) : undefined;
    out.push({ ...c, ...(seed ? { seed } : {}), values });
  };
  add(`${method} fields the source reads`, all);
  if (reads.collections.length) add(`${method} fields the source reads, empty database`, all, false);
  if (reads.body !== "none" && !base.template) {
    // The same request without a body: `if (!payload.body)` and `body && ...` guards are common.
    const c = render(`${method} fields the source reads, no body`, method, reads, all, base);
    const { "Content-Type": _type, ...headers } = c.headers;
    const seed = seedFor(reads, all);
    out.push({ ...c, headers, body: undefined, ...(seed ? { seed } : {}), values: all });
  }
  if ((reads.body === "json" || reads.body === "ejson") && !base.template) {
    // A body the parse rejects: a function that catches the error has a path for it.
    const c = render(`${method} body that is not JSON`, method, reads, all, base);
    out.push({ ...c, body: "not json", values: all });
  }
  const slots = slotsOf(reads);
  for (const f of slots) {
    for (const lit of f.literals.slice(1)) add(`${method} ${f.label} = ${JSON.stringify(lit)}`, new Map(all).set(f.key, lit));
  }
  for (const f of slots) {
    const without = new Map(all);
    without.delete(f.key);
    add(`${method} without ${f.label}`, without);
  }
  return out;
}

/** Values worth trying for a field in a condition a case has not satisfied yet. */
function alternatives(f: Slot, literals: Literal[]): unknown[] {
  const out: unknown[] = [];
  for (const lit of literals) {
    out.push(lit);
    if (typeof lit === "number") out.push(lit + 1, lit - 1);
  }
  if (f.type === "number") out.push(0, -1, 1000);
  else if (f.type === "array") out.push([]);
  else if (f.type !== "objectId") out.push("", "0", "true", "false");
  return out;
}

/**
 * Round-two cases for branches not taken: for each condition on a line with such a branch, each
 * field it names (request or document) gets the values worth trying (its literals and their
 * neighbours, empty, zero, booleans as text), one case each, starting from the values of a case
 * that reached that line (`reachedBy`), so the other fields still lead there. The runner skips
 * any request it has already sent.
 */
export function branchCases(
  webhook: Webhook,
  reads: FunctionReads,
  lines: Set<number>,
  base: CaseBase,
  reachedBy: (line: number) => ReadonlyMap<string, unknown> | undefined,
): LogicalCase[] {
  const method = sourceMethod(webhook, reads);
  const out: LogicalCase[] = [];
  const byKey = new Map(slotsOf(reads).map((f) => [f.key, f]));
  for (const cond of reads.conditions.filter((c) => lines.has(c.line))) {
    const start = reachedBy(cond.line) ?? firstValues(reads);
    for (const key of [...cond.fields.map(keyOf), ...cond.documentFields.map(docKeyOf)]) {
      const f = byKey.get(key);
      if (!f) continue;
      for (const v of alternatives(f, cond.literals)) {
        const values = new Map(start).set(f.key, v);
        const c = render(`${method} ${f.label} = ${JSON.stringify(v)} (for line ${cond.line})`, method, reads, values, base);
        const seed = seedFor(reads, values);
        out.push({ ...c, ...(seed ? { seed } : {}), values });
      }
    }
  }
  return out;
}
