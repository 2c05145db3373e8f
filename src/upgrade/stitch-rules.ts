// Early Stitch collection rules ("namespace" rules) → 20210101 `rules.json` (+ `schema.json`).
//
// Stitch's first MongoDB rules (2017–2018) named their collection with `"namespace": "db.coll"`
// and held one set of expressions: `read` / `write` / `valid` for the whole document, the same per
// field under `fields`, a fallback for unlisted fields under `other_fields`, and query `filters`
// of `{ when, match_expression }` (old docs: https://docs.mongodb.com/stitch/rules/mongodb-rules/,
// …/mongodb-rules-read/, …/mongodb-rules-write/, …/mongodb-validation/, …/mongodb-filters/;
// the shape in 10gen/stitch-cli `stitch.json` at c827c10 and mongodb/stitch-js-sdk
// `packages/admin/src/lib/services/rules/RulesResources.ts` at be1898ec, `MongoDbRuleCreator`).
// The server rewrote them into role-based rules when Stitch moved to roles; realm-cli has no
// such conversion: it only places a rule by its `database` and `collection` keys
// (internal/local/structure_v2.go `writeDataSources`), so a namespace rule has no place there.
//
// The mapping below (docs/format-upgrade.md, "Early Stitch rules") is hookshift's choice, made
// against the documented 20210101 format: one role that always applies, document-level
// `read`/`write`, per-field `fields`, `additional_fields` from `other_fields`
// (https://www.mongodb.com/docs/atlas/app-services/rules/roles/), filters as `apply_when` +
// `query` (https://www.mongodb.com/docs/atlas/app-services/rules/filters/), and `valid` as schema
// `validate` expressions, where `%%this`, `%%prev`, `%%root` and `%%prevRoot` are documented
// (https://www.mongodb.com/docs/atlas/app-services/schemas/enforce-a-schema/). What has no
// documented equivalent is left out — which denies what it granted — and becomes a finding at
// its line and column. Pure: value and text in, documents and findings out.

import { finding, type Finding } from "../app/findings.js";
import { locate, parseJson } from "../app/json.js";

export const STITCH_RULES_RULE = "upgrade/stitch-rules";
/** Name of the one role a namespace rule becomes. */
const LEGACY_ROLE_NAME = "stitch_rule";

type Obj = Record<string, unknown>;
type Path = (string | number)[];

export interface StitchRuleConversion {
  database: string;
  collection: string;
  /** The 20210101 `rules.json` document. */
  rules: Obj;
  /** The 20210101 `schema.json` document, when the rule had `valid` expressions. */
  schema?: Obj;
  findings: Finding[];
}

const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
};

/** True for a rule file in the early Stitch form: a `namespace` and no `database`/`collection`. */
export function isNamespaceRule(value: Obj): boolean {
  return typeof value.namespace === "string" && value.database === undefined && value.collection === undefined;
}

/** `db.coll` → parts; a database name has no dot, a collection name may (MongoDB naming rules). */
export function splitNamespace(ns: string): { database: string; collection: string } | undefined {
  const dot = ns.indexOf(".");
  if (dot <= 0 || dot === ns.length - 1) return undefined;
  return { database: ns.slice(0, dot), collection: ns.slice(dot + 1) };
}

const PREV_ROOT = /^%%prevRoot(\.|$)/;
const PREV = /^%%prev(\.|$)/;
const THIS = /^%%this(\.|$)/;
const DOC_EXPANSION = /^%%(root|prevRoot|this|prev)(\.|$)/;

/** Path (inside `expr`) of the first key or string value that `test` accepts. */
function findIn(expr: unknown, test: (s: string) => boolean, at: Path = []): Path | undefined {
  if (typeof expr === "string") return test(expr) ? at : undefined;
  if (Array.isArray(expr)) {
    for (let i = 0; i < expr.length; i++) {
      const p = findIn(expr[i], test, [...at, i]);
      if (p) return p;
    }
    return undefined;
  }
  if (isObj(expr)) {
    for (const [k, v] of Object.entries(expr)) {
      if (test(k)) return [...at, k];
      const p = findIn(v, test, [...at, k]);
      if (p) return p;
    }
  }
  return undefined;
}

/** Replaces the start of every key and string value that `re` matches. */
function mapExpansions(expr: unknown, re: RegExp, to: string): unknown {
  const sub = (s: string) => s.replace(re, (_m, tail: string) => to + tail);
  if (typeof expr === "string") return sub(expr);
  if (Array.isArray(expr)) return expr.map((e) => mapExpansions(e, re, to));
  if (isObj(expr)) return Object.fromEntries(Object.entries(expr).map(([k, v]) => [sub(k), mapExpansions(v, re, to)]));
  return expr;
}

/**
 * `%%this` / `%%prev` of a field rule, written the way 20210101 role expressions can say it:
 * `%%root.<field>` / `%%prevRoot.<field>` (the schema docs give the two forms as equivalent).
 * At document level (`field` empty) they are `%%root` / `%%prevRoot`.
 */
function fieldExpansionsToRoot(expr: unknown, field: string): unknown {
  const suffix = field ? `.${field}` : "";
  return mapExpansions(mapExpansions(expr, THIS, `%%root${suffix}`), PREV, `%%prevRoot${suffix}`);
}

class Converter {
  readonly findings: Finding[] = [];
  private parsed: ReturnType<typeof parseJson> | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  at(path: Path) {
    this.parsed ??= parseJson(this.text, this.file);
    return locate(this.parsed.tree, this.text, path);
  }

  unmappable(path: Path, message: string, hint: string): void {
    this.findings.push(
      finding("warning", "stitch-rule-unmappable", `${this.file}: ${message}`, {
        file: this.file,
        ...this.at(path),
        needsReview: true,
        rule: STITCH_RULES_RULE,
        hint,
      }),
    );
  }

  info(path: Path, code: string, message: string): void {
    this.findings.push(finding("info", code, message, { file: this.file, ...this.at(path), rule: STITCH_RULES_RULE }));
  }

  /**
   * A permission expression as a 20210101 role can hold it, or undefined (left out, so it grants
   * nothing) with a finding. `field`: the dotted field path of a field rule, "" for the document,
   * undefined for `other_fields` (no one field, so `%%this` / `%%prev` cannot be named).
   */
  permission(expr: unknown, kind: "read" | "write", path: Path, field: string | undefined, where: string): unknown {
    if (typeof expr === "boolean") return expr;
    if (!isObj(expr)) {
      this.unmappable(
        path,
        `${where} ${kind} rule ${show(expr)} is not a JSON expression; not carried over, so it grants nothing`,
        "Write the permission as a JSON expression in rules.json.",
      );
      return undefined;
    }
    const pipeline = findIn(expr, (s) => s === "%pipeline");
    if (pipeline) {
      this.unmappable(
        [...path, ...pipeline],
        `${where} ${kind} rule calls a named pipeline (%pipeline), which App Services no longer has; not carried over, so it grants nothing: ${show(expr)}`,
        "Write a function that does what the pipeline did and call it with %function in this permission of rules.json.",
      );
      return undefined;
    }
    if (field === undefined) {
      const own = findIn(expr, (s) => THIS.test(s) || PREV.test(s));
      if (own) {
        this.unmappable(
          [...path, ...own],
          `other_fields ${kind} rule uses %%this or %%prev, which name no one field in additional_fields; not carried over, so it grants nothing: ${show(expr)}`,
          "List the fields it must cover under fields in rules.json, each with %%root.<field> / %%prevRoot.<field> in place of %%this / %%prev.",
        );
        return undefined;
      }
    }
    const out = field === undefined ? expr : fieldExpansionsToRoot(expr, field);
    if (kind === "read") {
      const prev = findIn(out, (s) => PREV_ROOT.test(s));
      if (prev) {
        this.unmappable(
          [...path, ...(findIn(expr, (s) => PREV_ROOT.test(s) || PREV.test(s)) ?? [])],
          `${where} read rule refers to the document before a write (%%prevRoot / %%prev), which a 20210101 read permission cannot see (App Services documents it for write expressions and schema validate only); not carried over, so it grants nothing: ${show(expr)}`,
          "Decide who may read without the previous document (e.g. from %%root or %%user) and put that expression in the role's read in rules.json; a check on the previous document belongs in the role's write or the schema's validate.",
        );
        return undefined;
      }
    }
    return out;
  }

  /**
   * A `valid` expression as a schema `validate` (where every document expansion is documented).
   * A field's `valid` may be a bare value (`"owner_id": { "valid": "%%user.id" }`): the field must
   * equal it, which a validate expression says as `{ "%%this": <value> }`.
   */
  validate(expr: unknown, path: Path, where: string, field: boolean): unknown {
    if (typeof expr === "boolean") return expr;
    if (field && (typeof expr === "string" || typeof expr === "number")) return { "%%this": expr };
    if (!isObj(expr)) {
      this.unmappable(path, `${where} valid rule ${show(expr)} is not a JSON expression; left out`, "Write the check as a validate expression in schema.json.");
      return undefined;
    }
    const pipeline = findIn(expr, (s) => s === "%pipeline");
    if (pipeline) {
      this.unmappable(
        [...path, ...pipeline],
        `${where} valid rule calls a named pipeline (%pipeline), which App Services no longer has; left out, so writes are no longer checked by it: ${show(expr)}`,
        "Write a function that does what the pipeline did and call it with %function in the validate of schema.json.",
      );
      return undefined;
    }
    return expr;
  }
}

/** Splits a legacy field name with dots (`address.city`) into the nested path 20210101 uses. */
const segments = (name: string) => name.split(".").filter((s) => s !== "");

/** Sets `leaf` at the nested `fields`/`properties` position of `segs` in `root`, merging what is there. */
function place(root: Obj, key: "fields" | "properties", segs: string[], leaf: Obj): void {
  let node = root;
  for (let i = 0; i < segs.length; i++) {
    const children = (isObj(node[key]) ? node[key] : (node[key] = {})) as Obj;
    const seg = segs[i]!;
    const existing = isObj(children[seg]) ? (children[seg] as Obj) : undefined;
    if (i === segs.length - 1) children[seg] = { ...(existing ?? {}), ...leaf };
    else node = existing ?? (children[seg] = {});
  }
}

const KNOWN_TOP = new Set(["namespace", "read", "write", "valid", "fields", "other_fields", "filters", "id", "_id"]);
const KNOWN_FIELD = new Set(["read", "write", "valid", "fields"]);

/**
 * Converts one early Stitch rule file. Undefined when its namespace does not name a database and
 * a collection (the caller then keeps it aside as before).
 */
export function convertStitchRule(value: Obj, text: string, file: string): StitchRuleConversion | undefined {
  const ns = splitNamespace(String(value.namespace ?? ""));
  if (!ns) return undefined;
  const c = new Converter(text, file);
  const role: Obj = { name: LEGACY_ROLE_NAME, apply_when: {}, insert: true, delete: true };
  const schema: Obj = { bsonType: "object" };
  let schemaUsed = false;

  for (const kind of ["read", "write"] as const) {
    if (value[kind] === undefined) continue;
    const p = c.permission(value[kind], kind, [kind], "", "The document's");
    if (p !== undefined) role[kind] = p;
  }
  if (value.valid !== undefined) {
    const v = c.validate(value.valid, ["valid"], "The document's", false);
    if (v !== undefined) {
      schema.validate = v;
      schemaUsed = true;
    }
  }

  const roleFields: Obj = {};
  const walkFields = (fields: unknown, at: Path, prefix: string[]) => {
    if (!isObj(fields)) {
      c.unmappable(
        at,
        `fields ${show(fields)} is not an object of field rules; left out`,
        "Write the field permissions under the role's fields in rules.json.",
      );
      return;
    }
    for (const [name, rule] of Object.entries(fields)) {
      const segs = [...prefix, ...segments(name)];
      const dotted = segs.join(".");
      const here = [...at, name];
      if (!isObj(rule)) {
        c.unmappable(
          here,
          `field ${dotted}: ${show(rule)} is not a field rule; left out`,
          "Write the field's read and write permissions under the role's fields in rules.json.",
        );
        continue;
      }
      const perm: Obj = {};
      for (const kind of ["read", "write"] as const) {
        if (rule[kind] === undefined) continue;
        // An unmappable field permission becomes false, not absent: absent, additional_fields
        // (other_fields) would decide for the field, which the old rule did not let it do.
        perm[kind] = c.permission(rule[kind], kind, [...here, kind], dotted, `Field ${dotted}'s`) ?? false;
      }
      if (Object.keys(perm).length > 0) place({ fields: roleFields }, "fields", segs, perm);
      if (rule.valid !== undefined) {
        const v = c.validate(rule.valid, [...here, "valid"], `Field ${dotted}'s`, true);
        if (v !== undefined) {
          place(schema, "properties", segs, { validate: v });
          schemaUsed = true;
        }
      }
      for (const k of Object.keys(rule).filter((k) => !KNOWN_FIELD.has(k))) {
        c.unmappable(
          [...here, k],
          `field ${dotted} has "${k}" (${show(rule[k])}), which 20210101 rules have no place for; left out`,
          "Check what it did in the old app and express it in rules.json or schema.json by hand.",
        );
      }
      if (rule.fields !== undefined) walkFields(rule.fields, [...here, "fields"], segs);
    }
  };
  if (value.fields !== undefined) walkFields(value.fields, ["fields"], []);
  role.fields = roleFields;

  const additional: Obj = {};
  if (value.other_fields !== undefined) {
    const other = value.other_fields;
    if (!isObj(other)) {
      c.unmappable(
        ["other_fields"],
        `other_fields ${show(other)} is not an object; left out`,
        "Write the fallback permissions under the role's additional_fields in rules.json.",
      );
    } else {
      for (const kind of ["read", "write"] as const) {
        if (other[kind] === undefined) continue;
        const p = c.permission(other[kind], kind, ["other_fields", kind], undefined, "other_fields'");
        if (p !== undefined) additional[kind] = p;
      }
      if (other.valid !== undefined) {
        c.unmappable(
          ["other_fields", "valid"],
          `other_fields has a valid rule (${show(other.valid)}); a 20210101 schema has no documented validate for fields it does not list; left out, so writes are no longer checked by it`,
          "Add the fields it must check to schema.json's properties, each with this validate, or check the whole document with a validate at the schema's root.",
        );
      }
      for (const k of Object.keys(other).filter((k) => !KNOWN_FIELD.has(k) || k === "fields")) {
        c.unmappable(
          ["other_fields", k],
          `other_fields has "${k}" (${show(other[k])}), which additional_fields has no place for; left out`,
          "Check what it did in the old app and express it in rules.json by hand.",
        );
      }
    }
  }
  role.additional_fields = additional;

  const filters: Obj[] = [];
  if (value.filters !== undefined) {
    const list = Array.isArray(value.filters) ? value.filters : [];
    if (!Array.isArray(value.filters)) {
      c.unmappable(["filters"], `filters ${show(value.filters)} is not a list; left out`, "Write the filters in rules.json.");
    }
    list.forEach((f, i) => {
      const at: Path = ["filters", i];
      if (!isObj(f)) {
        c.unmappable(at, `filter ${i + 1} (${show(f)}) is not an object; left out`, "Write the filter in rules.json.");
        return;
      }
      const when = f.when ?? f.apply_when ?? {};
      const query = f.match_expression ?? f.query ?? {};
      const whenKey = f.when !== undefined ? "when" : "apply_when";
      const queryKey = f.match_expression !== undefined ? "match_expression" : "query";
      const badWhen = findIn(when, (s) => DOC_EXPANSION.test(s) || s === "%pipeline");
      const badQuery = badWhen ? undefined : findIn(query, (s) => s === "%pipeline");
      if (badWhen || badQuery) {
        c.unmappable(
          badWhen ? [...at, whenKey, ...badWhen] : [...at, queryKey, ...badQuery!],
          badWhen
            ? `filter ${i + 1}'s when refers to a document or a named pipeline (${show(when)}), which a filter's apply_when cannot (it runs before any document is read); the filter is left out, so queries are no longer narrowed by ${show(query)}`
            : `filter ${i + 1}'s match_expression calls a named pipeline (${show(query)}), which App Services no longer has; the filter is left out, so queries are no longer narrowed by it`,
          "Rewrite the condition from %%user, %%values or %function and add the filter to rules.json, or leave it out if the role's permissions already hide those documents.",
        );
        return;
      }
      const out: Obj = { name: typeof f.name === "string" && f.name ? f.name : `stitch_filter_${i + 1}`, apply_when: when, query };
      out.projection = isObj(f.projection) ? f.projection : {};
      for (const k of Object.keys(f).filter((k) => !["when", "apply_when", "match_expression", "query", "name", "projection"].includes(k))) {
        c.unmappable(
          [...at, k],
          `filter ${i + 1} has "${k}" (${show(f[k])}), which 20210101 filters have no place for; left out`,
          "Check what it did in the old app and express it in the filter in rules.json by hand.",
        );
      }
      filters.push(out);
    });
  }

  for (const k of Object.keys(value).filter((k) => !KNOWN_TOP.has(k))) {
    c.unmappable(
      [k],
      `"${k}" (${show(value[k])}) has no place in a 20210101 rules.json; left out`,
      "Check what it did in the old app and express it in rules.json or schema.json by hand.",
    );
  }
  const ids = ["id", "_id"].filter((k) => k in value);
  if (ids.length > 0) c.info([ids[0]!], "dropped-server-id", `Dropped ${ids.join(", ")} from ${file}: 20210101 exports carry no server ids`);

  c.findings.unshift(
    finding(
      "warning",
      "stitch-rule-converted",
      `${file} is an early Stitch rule for ${ns.database}.${ns.collection}; it became one role "${LEGACY_ROLE_NAME}" that always applies` +
        (schemaUsed ? ", plus validate expressions in schema.json" : "") +
        ". Stitch converted such rules on its server and never published how, so the role is hookshift's reading of the old rule",
      {
        file,
        ...c.at(["namespace"]),
        needsReview: true,
        rule: STITCH_RULES_RULE,
        hint: "Compare the role with the old rule (the report's diff shows both) before you push; docs/format-upgrade.md lists each correspondence.",
      },
    ),
  );

  const rules: Obj = { database: ns.database, collection: ns.collection, roles: [role], filters };
  return { ...ns, rules, schema: schemaUsed ? schema : undefined, findings: c.findings };
}
