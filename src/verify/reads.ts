// What a webhook function reads, from its source: the query parameters, headers and body fields
// of its request (and how it decodes the body), the filters of its database calls, the
// `context.user` fields, and the branch conditions that name request fields. Case generation
// builds requests from this so they reach the function's real code paths (pure; no I/O).
//
// This is a reading of the syntax, not an evaluation. Names are tracked as simple aliases, by
// name and without scopes, in source order. It errs on the side of finding too little rather
// than guessing: whatever it cannot follow is left out, since a missed field only costs a case
// while a guessed one sends requests that test nothing.

import type * as TS from "typescript";
import { parseSource } from "../app/source-facts.js";
import { ts } from "../util/typescript.js";
import type { BodyEncoding, CollectionRead, ConditionRead, DocumentRef, FieldRef, FieldRead, FieldType, FilterValue, FunctionReads } from "./types.js";

type Literal = string | number | boolean;
type From = FieldRef["from"] | "user" | "document";

/**
 * What an expression stands for, as far as this module follows it: the request and its parts
 * (`section` is payload.query or payload.headers, `field` one query parameter or header, `binary`
 * payload.body, `text` its .text(), `parsed` the decoded body or a dotted path in it), a field put
 * through `new BSON.ObjectId(..)` or `parseInt(..)`, the way to a collection, an object literal.
 */
type Value =
  | { kind: "request" | "binary" | "text" | "form" | "services" }
  | { kind: "context"; customData?: CustomDataSource }
  | { kind: "user"; path: string; customData?: CustomDataSource }
  | { kind: "section"; from: "query" | "header" }
  | { kind: "field"; ref: FieldRef }
  | { kind: "parsed"; path: string }
  | { kind: "document"; db: string; collection: string; path: string }
  | { kind: "converted"; ref: FieldRef; to: "objectId" | "number" }
  | { kind: "service"; service: string }
  | { kind: "db"; service: string; db: string }
  | { kind: "collection"; service: string; db: string; collection: string }
  | { kind: "object"; node: TS.ObjectLiteralExpression };

/** How a read value is used: a type hint and the literals it is compared with. */
interface Use {
  type?: FieldType;
  literals: Literal[];
}

/** One read of a field, before the reads of each field are merged. */
interface Read extends Use {
  from: From;
  name: string;
  line: number;
  /** Only stored in a variable (`const c = body.customer`): its uses are reads of their own. */
  bound: boolean;
}

type Merged = Omit<FieldRead, "from"> & { from: From };
type Collector = Pick<ConditionRead, "fields" | "documentFields" | "literals">;

const K = ts.SyntaxKind;
const OBJECT_ID = new Set(["BSON.ObjectId", "BSON.ObjectID", "ObjectId", "ObjectID"]);
const TO_NUMBER = new Set(["parseInt", "parseFloat", "Number", "Number.parseInt", "Number.parseFloat"]);
const PARSERS: Record<string, BodyEncoding> = { "JSON.parse": "json", "EJSON.parse": "ejson", "querystring.parse": "form" };
// Collection methods whose first argument is a filter (insertOne, aggregate, distinct ... take none).
const FILTER_METHODS = new Set([
  "findOne",
  "find",
  "updateOne",
  "updateMany",
  "deleteOne",
  "deleteMany",
  "findOneAndUpdate",
  "findOneAndReplace",
  "findOneAndDelete",
  "count",
  "countDocuments",
  "replaceOne",
]);
// Members that say how a value is used rather than name a field in it (`body.items.length`).
const ARRAY_USES = new Set(["length", "map", "forEach", "filter", "reduce", "some", "every", "find", "findIndex", "flatMap", "join", "push"]);
const VALUE_MEMBERS = new Set([
  ...ARRAY_USES,
  "includes",
  "indexOf",
  "lastIndexOf",
  "slice",
  "concat",
  "at",
  "toLowerCase",
  "toUpperCase",
  "trim",
  "split",
  "startsWith",
  "endsWith",
  "substring",
  "substr",
  "charAt",
  "replace",
  "replaceAll",
  "match",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "constructor",
]);
// String methods that leave a value the function compares as the field itself.
const NORMALISERS = new Set(["trim", "trimStart", "trimEnd", "toUpperCase", "toLowerCase", "toString"]);
// Collection methods that answer one document (or null), whose fields a function then reads.
const FIND_ONE = new Set(["findOne", "findOneAndUpdate", "findOneAndReplace", "findOneAndDelete"]);
const ENCODING_ORDER: BodyEncoding[] = ["ejson", "json", "form", "text"];
// When the uses of a field disagree, the most specific hint wins (`x.length` and `x === 3`: array).
const TYPE_ORDER: FieldType[] = ["objectId", "date", "array", "number", "boolean", "object", "string"];
const EQUALITY = new Set<TS.SyntaxKind>([K.EqualsEqualsEqualsToken, K.EqualsEqualsToken, K.ExclamationEqualsEqualsToken, K.ExclamationEqualsToken]);
const RELATIONAL = new Set<TS.SyntaxKind>([K.LessThanToken, K.GreaterThanToken, K.LessThanEqualsToken, K.GreaterThanEqualsToken]);
const ARITHMETIC = new Set<TS.SyntaxKind>([K.MinusToken, K.AsteriskToken, K.SlashToken, K.PercentToken, K.AsteriskAsteriskToken]);
const LOGICAL = new Set<TS.SyntaxKind>([K.AmpersandAmpersandToken, K.BarBarToken, K.QuestionQuestionToken]);
const NO_USE: Use = { literals: [] };

/**
 * How the handler's first argument arrives: an HTTP service's request (`payload.query`,
 * `payload.body` ...), or the decoded body itself, as GitHub (JSON) and Twilio (form) webhooks get it.
 */
export type PayloadShape = "request" | "json" | "form";

/**
 * Where `context.user.custom_data` comes from when the app has custom user data on (and the
 * function's user fetches it): a document of this collection, so its fields are read, seeded and
 * varied like those of a document the function finds itself.
 */
export interface CustomDataSource {
  db: string;
  collection: string;
}

/** What the function in `source` reads. Never throws: on anything unexpected, it reads nothing. */
export function readsOf(source: string, payload: PayloadShape = "request", customData?: CustomDataSource): FunctionReads {
  try {
    return new Reader(parseSource(source), payload, customData).read();
  } catch {
    return { body: "none", fields: [], collections: [], userFields: [], documentFields: [], conditions: [] };
  }
}

class Reader {
  private readonly env = new Map<string, Value>();
  private readonly reads: Read[] = [];
  private readonly encodings = new Set<BodyEncoding>();
  private readonly collections: CollectionRead[] = [];
  private readonly conditions: (ConditionRead & { pos: number })[] = [];
  /** The conditions being walked (an `if` test can hold a `?:`): each read and literal goes to all. */
  private readonly open: Collector[] = [];
  private handler?: TS.FunctionLikeDeclaration;

  constructor(
    private readonly sf: TS.SourceFile,
    private readonly payload: PayloadShape = "request",
    private readonly customData?: CustomDataSource,
  ) {}

  read(): FunctionReads {
    this.handler = findHandler(this.sf);
    const request = this.handler?.parameters[0];
    if (request && this.payload !== "request") this.encodings.add(this.payload);
    if (request) this.bind(request.name, this.payload === "request" ? { kind: "request" } : { kind: "parsed", path: "" });
    this.visit(this.sf, undefined);
    const fields = merge(this.reads.filter((r) => r.from !== "user" && r.from !== "document")) as FieldRead[];
    const documentFields = merge(this.reads.filter((r) => r.from === "document")).map(({ from: _, name, ...rest }) => ({ ...documentRef(name), ...rest }));
    // Without types, `custom_data` says nothing that `custom_data.plan` does not.
    const users = merge(this.reads.filter((r) => r.from === "user")).map((r) => r.name);
    return {
      body: ENCODING_ORDER.find((e) => this.encodings.has(e)) ?? "none",
      fields,
      collections: this.collections,
      userFields: users.filter((u) => !users.some((o) => o.startsWith(`${u}.`))),
      documentFields,
      conditions: this.conditions.sort((a, b) => a.pos - b.pos).map(({ pos: _, ...c }) => c),
    };
  }

  // Top-down, in source order, so bindings are made before their uses; the outermost expression
  // that stands for a field is its read (`body.customer.id`, not also `body.customer`).
  private visit(node: TS.Node, parent: TS.Node | undefined): void {
    if (ts.isParenthesizedExpression(node)) return this.visit(node.expression, parent);
    if (parent && isNameOf(node, parent)) return;
    const literal = literalOf(node);
    if (literal !== undefined) return this.noteLiteral(literal, node, parent);
    if (ts.isVariableDeclaration(node)) return this.declare(node.name, node.initializer, node);
    if (isAssignment(node) && ts.isIdentifier(node.left)) return this.declare(node.left, node.right, node);
    if (ts.isFunctionLike(node)) return this.visitFunction(node);
    if (this.visitCondition(node)) return;
    const value = this.resolve(node);
    if (value && readOf(value)) return this.addRead(value, node, isBinding(parent), parent ? useOf(node, parent) : NO_USE);
    if (ts.isCallExpression(node)) this.noteCollectionCall(node);
    ts.forEachChild(node, (child) => this.visit(child, node));
  }

  private declare(name: TS.BindingName, init: TS.Expression | undefined, node: TS.Node): void {
    if (init) this.visit(init, node);
    if (!ts.isIdentifier(name)) this.visit(name, node); // the pattern's defaults
    this.bind(name, init && this.resolve(init));
  }

  /** Binds the names in `name` to what `value` stands for; destructuring a field out is a read of it. */
  private bind(name: TS.BindingName, value: Value | undefined): void {
    if (ts.isIdentifier(name)) {
      if (value) this.env.set(name.text, value);
      else this.env.delete(name.text);
    } else if (ts.isArrayBindingPattern(name)) {
      if (value?.kind === "parsed" && value.path) this.addRead(value, name, true, { type: "array", literals: [] });
      name.elements.forEach((e, i) => ts.isBindingElement(e) && this.bind(e.name, value && member(value, String(i))));
    } else {
      for (const element of name.elements) {
        const key = keyOf(element.propertyName ?? element.name);
        const sub = element.dotDotDotToken ? value : value && key !== undefined ? member(value, key) : undefined;
        if (sub && readOf(sub) && !element.dotDotDotToken) this.addRead(sub, element, true, defaultUse(element.initializer));
        this.bind(element.name, sub);
      }
    }
  }

  /** Parameters of functions other than the handler hide the names they shadow while their body is walked. */
  private visitFunction(fn: TS.SignatureDeclaration): void {
    const hidden = fn === this.handler ? [] : fn.parameters.flatMap((p) => namesIn(p.name)).map((n) => [n, this.env.get(n)] as const);
    for (const [n] of hidden) this.env.delete(n);
    ts.forEachChild(fn, (child) => this.visit(child, fn));
    for (const [n, v] of hidden) {
      if (v) this.env.set(n, v);
      else this.env.delete(n);
    }
  }

  private visitCondition(node: TS.Node): boolean {
    if (ts.isIfStatement(node)) {
      this.collect(node.expression, () => this.visit(node.expression, node));
      this.visit(node.thenStatement, node);
      if (node.elseStatement) this.visit(node.elseStatement, node);
    } else if (ts.isConditionalExpression(node)) {
      this.collect(node.condition, () => this.visit(node.condition, node));
      this.visit(node.whenTrue, node);
      this.visit(node.whenFalse, node);
    } else if (ts.isSwitchStatement(node)) {
      this.collect(node.expression, () => this.visit(node.expression, node), caseLiterals(node));
      this.visit(node.caseBlock, node);
    } else if (ts.isBinaryExpression(node) && LOGICAL.has(node.operatorToken.kind) && this.open.length === 0) {
      this.collect(node, () => ts.forEachChild(node, (child) => this.visit(child, node)));
    } else {
      return false;
    }
    return true;
  }

  /** Walks a condition; it is kept when it names a request field. */
  private collect(at: TS.Node, walk: () => void, extra: Literal[] = []): void {
    const collector: Collector = { fields: [], documentFields: [], literals: [] };
    this.open.push(collector);
    walk();
    this.open.pop();
    for (const literal of extra) addLiteral(collector.literals, literal);
    if (collector.fields.length || collector.documentFields.length) this.conditions.push({ line: this.line(at), ...collector, pos: at.getStart(this.sf) });
  }

  private noteLiteral(literal: Literal, node: TS.Node, parent: TS.Node | undefined): void {
    if (parent && ts.isElementAccessExpression(parent) && same(parent.argumentExpression, node)) return; // a key
    for (const c of this.open) addLiteral(c.literals, literal);
  }

  private addRead(value: Value, node: TS.Node, bound: boolean, use: Use): void {
    const { from, name } = readOf(value)!;
    // `const page = parseInt(query.page)`: later uses of `page` are uses of the field, as a number.
    const type = use.type ?? (value.kind === "converted" ? (value.to === "objectId" ? "objectId" : "number") : undefined);
    this.reads.push({ from, name, line: this.line(node), bound, ...use, ...(type ? { type } : {}) });
    if (from === "user") return;
    if (from === "document") {
      const ref = documentRef(name);
      for (const c of this.open) if (!c.documentFields.some((d) => documentKey(d) === name)) c.documentFields.push(ref);
      return;
    }
    for (const c of this.open) if (!c.fields.some((f) => f.from === from && f.name === name)) c.fields.push({ from, name });
  }

  private noteCollectionCall(call: TS.CallExpression): void {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !FILTER_METHODS.has(callee.name.text)) return;
    const target = this.resolve(callee.expression);
    if (target?.kind !== "collection") return;
    const arg = call.arguments[0];
    const object = arg && this.resolve(arg);
    if (arg && object?.kind !== "object") return; // a filter it cannot read; `find()` matches everything
    const filter = object?.kind === "object" ? this.filterOf(object.node) : {};
    const { service, db, collection } = target;
    this.collections.push({ service, db, collection, method: callee.name.text, filter, line: this.line(callee.name) });
  }

  private filterOf(object: TS.ObjectLiteralExpression): Record<string, FilterValue> {
    const filter: Record<string, FilterValue> = {};
    for (const p of object.properties) {
      const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
      const key = value && keyOf(p.name!);
      if (value && key !== undefined && key !== "__proto__") filter[key] = this.filterValue(value);
    }
    return filter;
  }

  private filterValue(expr: TS.Expression): FilterValue {
    const e = unwrap(expr);
    if (e.kind === K.NullKeyword) return { kind: "literal", value: null };
    const literal = literalOf(e);
    if (literal !== undefined) return { kind: "literal", value: literal };
    const value = this.resolve(e);
    if (value?.kind === "converted") return { kind: "field", field: value.ref, objectId: value.to === "objectId", number: value.to === "number" };
    const ref = value && readOf(value);
    if (ref && ref.from !== "user" && ref.from !== "document")
      return { kind: "field", field: { from: ref.from, name: ref.name }, objectId: false, number: false };
    return { kind: "unknown" }; // operators (`{ $gt: 3 }`), user fields, anything computed
  }

  /** What `node` stands for; also notes how the body is decoded when it sees that happen. */
  private resolve(node: TS.Node): Value | undefined {
    const n = unwrap(node);
    if (ts.isIdentifier(n))
      return this.env.get(n.text) ?? (n.text === "context" ? { kind: "context", ...(this.customData ? { customData: this.customData } : {}) } : undefined);
    if (ts.isPropertyAccessExpression(n)) return this.memberOf(n.expression, n.name.text);
    if (ts.isElementAccessExpression(n)) return this.memberOf(n.expression, keyOf(n.argumentExpression));
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) return this.resolveCall(n);
    if (ts.isPrefixUnaryExpression(n) && n.operator === K.PlusToken) return converted(this.resolve(n.operand), "number");
    if (ts.isObjectLiteralExpression(n)) return { kind: "object", node: n };
    // A fallback stands for the field it falls back from: `parseInt(query.page || "1", 10)`.
    if (ts.isBinaryExpression(n) && (n.operatorToken.kind === K.BarBarToken || n.operatorToken.kind === K.QuestionQuestionToken)) return this.resolve(n.left);
    return undefined;
  }

  private memberOf(base: TS.Expression, key: string | undefined): Value | undefined {
    const value = key === undefined ? undefined : this.resolve(base);
    if (value?.kind === "object") {
      // `const event = { type: query.event }; switch (event.type)` reads query.event.
      const prop = value.node.properties.find((p) => p.name && keyOf(p.name) === key);
      if (prop && ts.isPropertyAssignment(prop)) return this.resolve(prop.initializer);
      return prop && ts.isShorthandPropertyAssignment(prop) ? this.resolve(prop.name) : undefined;
    }
    return value && member(value, key!);
  }

  private resolveCall(call: TS.CallExpression | TS.NewExpression): Value | undefined {
    const name = dottedName(call.expression);
    const first = call.arguments?.[0];
    const arg = first && this.resolve(first);
    if (name && OBJECT_ID.has(name)) return converted(arg, "objectId");
    if (name && TO_NUMBER.has(name)) return converted(arg, "number");
    const encoding = name !== undefined && Object.hasOwn(PARSERS, name) ? PARSERS[name] : undefined;
    if (encoding) return arg?.kind === "text" ? this.decoded(encoding, { kind: "parsed", path: "" }) : undefined;
    if (name === "URLSearchParams") return arg?.kind === "text" ? this.decoded("form", { kind: "form" }) : undefined;
    if (name === "Object.fromEntries") return arg?.kind === "form" ? { kind: "parsed", path: "" } : undefined;
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    return this.methodCall(this.resolve(callee.expression), callee.name.text, first && ts.isStringLiteralLike(first) ? first.text : undefined);
  }

  private methodCall(base: Value | undefined, method: string, text: string | undefined): Value | undefined {
    if (base?.kind === "binary" && method === "text") return this.decoded("text", { kind: "text" });
    if (base?.kind === "text" && method === "split" && text === "&") this.encodings.add("form");
    // `x.trim().toUpperCase() === "STOP"` compares the field itself (any value that is already trimmed and upper case).
    if (base && readOf(base) && NORMALISERS.has(method)) return base;
    if (base?.kind === "collection" && FIND_ONE.has(method)) return { kind: "document", db: base.db, collection: base.collection, path: "" };
    if (!base || text === undefined) return undefined;
    if (base.kind === "form" && method === "get") return { kind: "parsed", path: text };
    if (base.kind === "services" && method === "get") return { kind: "service", service: text };
    if (base.kind === "service" && method === "db") return { kind: "db", service: base.service, db: text };
    if (base.kind === "db" && method === "collection") return { kind: "collection", service: base.service, db: base.db, collection: text };
    return undefined;
  }

  private decoded(encoding: BodyEncoding, value: Value): Value {
    this.encodings.add(encoding);
    return value;
  }

  private line(node: TS.Node): number {
    return this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf)).line + 1;
  }
}

/** `value.key`, for the values that have members worth following. */
function member(value: Value, key: string): Value | undefined {
  switch (value.kind) {
    case "request":
      if (key === "query") return { kind: "section", from: "query" };
      if (key === "headers") return { kind: "section", from: "header" };
      return key === "body" ? { kind: "binary" } : undefined;
    case "section":
      return VALUE_MEMBERS.has(key) ? undefined : { kind: "field", ref: { from: value.from, name: key } };
    case "field": // App Services gives each header as an array of strings: `headers["X-Foo"][0]` is X-Foo
      return value.ref.from === "header" && key === "0" ? value : undefined;
    case "parsed":
      return /^\d+$/.test(key) || VALUE_MEMBERS.has(key) ? undefined : { kind: "parsed", path: join(value.path, key) };
    case "user":
      if (value.path === "" && key === "custom_data" && value.customData) return { kind: "document", ...value.customData, path: "" };
      return VALUE_MEMBERS.has(key) ? undefined : { kind: "user", path: join(value.path, key) };
    case "document":
      return /^\d+$/.test(key) || VALUE_MEMBERS.has(key) ? undefined : { ...value, path: join(value.path, key) };
    case "context":
      if (key === "user") return { kind: "user", path: "", ...(value.customData ? { customData: value.customData } : {}) };
      return key === "services" ? { kind: "services" } : undefined;
    default:
      return undefined;
  }
}

/** The field a value is, if it is one. */
function readOf(value: Value): { from: From; name: string } | undefined {
  if (value.kind === "field") return value.ref;
  if (value.kind === "parsed" && value.path) return { from: "body", name: value.path };
  if (value.kind === "user" && value.path) return { from: "user", name: value.path };
  if (value.kind === "document" && value.path) return { from: "document", name: documentKey(value) };
  if (value.kind === "converted") return value.ref;
  return undefined;
}

function converted(value: Value | undefined, to: "objectId" | "number"): Value | undefined {
  const ref = value && readOf(value);
  return ref && ref.from !== "user" && ref.from !== "document" ? { kind: "converted", ref: { from: ref.from, name: ref.name }, to } : undefined;
}

/** What the expression around a read says about the field: `parent` holds `node`. */
function useOf(node: TS.Node, parent: TS.Node): Use {
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.[0] && same(parent.arguments[0], node)) {
    const name = dottedName(parent.expression);
    if (name && OBJECT_ID.has(name)) return { type: "objectId", literals: [] };
    if (name && TO_NUMBER.has(name)) return { type: "number", literals: [] };
    if (name === "Date" && ts.isNewExpression(parent)) return { type: "date", literals: [] };
    if (name === "Array.isArray") return { type: "array", literals: [] };
    const callee = unwrap(parent.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === "includes" && ts.isArrayLiteralExpression(unwrap(callee.expression))) {
      return comparedWith((unwrap(callee.expression) as TS.ArrayLiteralExpression).elements.map(literalOf));
    }
  }
  if (ts.isPrefixUnaryExpression(parent) && (parent.operator === K.PlusToken || parent.operator === K.MinusToken)) return { type: "number", literals: [] };
  if (ts.isBinaryExpression(parent)) return binaryUse(parent, node);
  if (ts.isPropertyAccessExpression(parent) && ARRAY_USES.has(parent.name.text)) return { type: "array", literals: [] };
  if (ts.isElementAccessExpression(parent) && same(parent.expression, node) && ts.isNumericLiteral(unwrap(parent.argumentExpression)))
    return { type: "array", literals: [] };
  if (ts.isForOfStatement(parent) && same(parent.expression, node)) return { type: "array", literals: [] };
  if (ts.isSwitchStatement(parent)) return comparedWith(caseLiterals(parent));
  return NO_USE;
}

function binaryUse(binary: TS.BinaryExpression, node: TS.Node): Use {
  const op = binary.operatorToken.kind;
  const other = same(binary.left, node) ? binary.right : binary.left;
  const literal = literalOf(other);
  if ((op === K.BarBarToken || op === K.QuestionQuestionToken) && other === binary.right) {
    // A fallback says what the value should be: `body.items || []`, `query.page ?? 1`.
    if (ts.isArrayLiteralExpression(unwrap(other))) return { type: "array", literals: [] };
    return typeof literal === "number" ? { type: "number", literals: [] } : NO_USE;
  }
  if (EQUALITY.has(op)) return comparedWith([literal]);
  if (RELATIONAL.has(op)) return typeof literal === "number" ? { type: "number", literals: [] } : NO_USE;
  if (ARITHMETIC.has(op) || (op === K.PlusToken && typeof literal === "number")) return { type: "number", literals: [] };
  return NO_USE;
}

/** Compared with these literals: numbers make it a number, booleans a boolean, strings say nothing. */
function comparedWith(found: (Literal | undefined)[]): Use {
  const literals: Literal[] = [];
  for (const literal of found) if (literal !== undefined) addLiteral(literals, literal);
  const type = literals.some((l) => typeof l === "boolean") ? "boolean" : literals.some((l) => typeof l === "number") ? "number" : undefined;
  return { type, literals };
}

/** `{ page = 1 } = payload.query`: a number default says the field is a number. */
function defaultUse(init: TS.Expression | undefined): Use {
  const literal = init && literalOf(init);
  if (typeof literal === "number") return { type: "number", literals: [] };
  return typeof literal === "boolean" ? { type: "boolean", literals: [] } : NO_USE;
}

/**
 * One entry per distinct field, in order of first read. A field only stored away
 * (`const { customer } = body`) whose sub-fields are read is left to them; read on its own too,
 * it stays, as an object.
 */
function merge(reads: Read[]): Merged[] {
  const byField = new Map<string, { first: Read; bound: boolean; types: FieldType[]; literals: Literal[] }>();
  for (const r of reads) {
    const key = `${r.from}\0${r.name}`;
    const seen = byField.get(key) ?? { first: r, bound: true, types: [], literals: [] };
    byField.set(key, seen);
    seen.bound &&= r.bound;
    if (r.type) seen.types.push(r.type);
    for (const literal of r.literals) addLiteral(seen.literals, literal);
  }
  const all = [...byField.values()];
  const merged: Merged[] = [];
  for (const {
    first: { from, name, line },
    bound,
    types,
    literals,
  } of all) {
    const hasParts = all.some((o) => o.first.from === from && o.first.name.startsWith(`${name}.`));
    if (hasParts && bound) continue;
    if (hasParts) types.push("object");
    // Query parameters and headers are strings: `.length` or `[0]` on one says nothing about a type.
    const fits = (t: FieldType) => from === "body" || from === "user" || from === "document" || (t !== "array" && t !== "object");
    merged.push({ from, name, type: TYPE_ORDER.find((t) => types.includes(t) && fits(t)) ?? "string", literals, line });
  }
  return merged;
}

/** The function `exports` is set to (`exports = function ...`, `var exports = async (...) => ...`, `module.exports = f`). */
function findHandler(sf: TS.SourceFile): TS.FunctionLikeDeclaration | undefined {
  const functions = new Map<string, TS.Expression | TS.FunctionDeclaration>();
  let target: TS.Expression | undefined;
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) functions.set(statement.name.text, statement);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        if (d.name.text === "exports") target = d.initializer;
        else functions.set(d.name.text, d.initializer);
      }
    }
    if (ts.isExpressionStatement(statement) && isAssignment(statement.expression)) {
      const left = dottedName(statement.expression.left);
      if (left === "exports" || left === "module.exports") target = statement.expression.right;
    }
  }
  let fn: TS.Node | undefined = target && unwrap(target);
  if (fn && ts.isIdentifier(fn)) fn = functions.get(fn.text);
  fn = fn && unwrap(fn);
  return fn && (ts.isFunctionExpression(fn) || ts.isArrowFunction(fn) || ts.isFunctionDeclaration(fn)) ? fn : undefined;
}

/** An identifier or literal that names something (`a.name`, `{ name: v }`, `function name`) rather than reads it. */
function isNameOf(node: TS.Node, parent: TS.Node): boolean {
  if (!ts.isIdentifier(node) && !ts.isStringLiteralLike(node) && !ts.isNumericLiteral(node)) return false;
  if (ts.isShorthandPropertyAssignment(parent)) return false; // `{ id }` reads id
  const p = parent as unknown as { name?: TS.Node; propertyName?: TS.Node; label?: TS.Node };
  return p.name === node || p.propertyName === node || p.label === node;
}

function isAssignment(node: TS.Node): node is TS.BinaryExpression {
  return ts.isBinaryExpression(node) && node.operatorToken.kind === K.EqualsToken;
}

/** The value is stored in a variable (not put in an object: `res.x = body.customer` uses it). */
function isBinding(parent: TS.Node | undefined): boolean {
  return !!parent && (ts.isVariableDeclaration(parent) || (isAssignment(parent) && ts.isIdentifier(parent.left)));
}

function caseLiterals(node: TS.SwitchStatement): Literal[] {
  const literals: Literal[] = [];
  for (const clause of node.caseBlock.clauses) {
    const literal = ts.isCaseClause(clause) ? literalOf(clause.expression) : undefined;
    if (literal !== undefined) addLiteral(literals, literal);
  }
  return literals;
}

function literalOf(node: TS.Node): Literal | undefined {
  const n = unwrap(node);
  if (ts.isStringLiteralLike(n)) return n.text;
  if (ts.isNumericLiteral(n)) return Number(n.text);
  if (n.kind === K.TrueKeyword) return true;
  if (n.kind === K.FalseKeyword) return false;
  if (ts.isPrefixUnaryExpression(n) && n.operator === K.MinusToken && ts.isNumericLiteral(n.operand)) return -Number(n.operand.text);
  return undefined;
}

function addLiteral(literals: Literal[], literal: Literal): void {
  if (!literals.includes(literal)) literals.push(literal);
}

/** A property or element key as written: `a`, `"a"`, `0`; undefined when computed. */
function keyOf(node: TS.Node): string | undefined {
  const n = unwrap(node);
  if (ts.isIdentifier(n) || ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) return n.text;
  return undefined;
}

/** `BSON.ObjectId`, `JSON.parse`: a callee made only of names. */
function dottedName(node: TS.Node): string | undefined {
  const n = unwrap(node);
  if (ts.isIdentifier(n)) return n.text;
  if (!ts.isPropertyAccessExpression(n)) return undefined;
  const base = dottedName(n.expression);
  return base === undefined ? undefined : `${base}.${n.name.text}`;
}

function namesIn(name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isBindingElement(e) ? namesIn(e.name) : []));
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** A document field as one read name (db, collection and path cannot hold a NUL). */
function documentKey(d: DocumentRef): string {
  return `${d.db}\0${d.collection}\0${d.path}`;
}

function documentRef(key: string): DocumentRef {
  const [db, collection, path] = key.split("\0") as [string, string, string];
  return { db, collection, path };
}

function unwrap(node: TS.Node): TS.Node {
  while (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node)) node = node.expression;
  return node;
}

function same(a: TS.Node, b: TS.Node): boolean {
  return unwrap(a) === unwrap(b);
}
