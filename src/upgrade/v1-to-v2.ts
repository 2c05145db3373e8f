// Upgrade of a 20180301 / 20200603 export (realm-cli "V1") to the 20210101 layout ("V2"), as
// realm-cli reads the one and writes the other (internal/local/structure_v1.go, structure_v2.go;
// see docs/format-upgrade.md for each mapping and its source). Pure: it takes the file list and
// the texts of the JSON and JS files and returns the tree of the upgraded app.
//
// Principles: every file ends up somewhere; what has a 20210101 place goes there; what hookshift
// does not understand is carried over unchanged and named in a finding; server ids (`id`, `_id`)
// are dropped because 20210101 has none, and references by id become references by name.

import { clip, finding, type Finding } from "../app/findings.js";
import { locate, parseJson } from "../app/json.js";
import { byCodePoint, fileNameProblem } from "../util/fs.js";
import { removeProperties } from "./json-edit.js";
import { convertStitchRule, isNamespaceRule, STITCH_RULES_RULE } from "./stitch-rules.js";
import type { Tree, TreeEntry } from "./tree.js";

export interface UpgradeInput {
  configVersion: "20180301" | "20200603";
  /** `stitch.json` or `config.json`. */
  rootFile: string;
  files: string[];
  /** Texts of the files hookshift reads (JSON and JS); other files are carried as bytes. */
  texts: Map<string, string>;
}

export type MoveKind = "moved" | "moved and edited" | "edited in place" | "merged into" | "split into" | "carried unchanged";

/** One line of the report's "moved files" section: where an old file's content went. */
export interface Move {
  from: string;
  to: string[];
  kind: MoveKind;
  rule: string;
}

export interface UpgradePlan {
  tree: Tree;
  moves: Move[];
  findings: Finding[];
  /** New path → id of the rule that put it there. */
  ruleOf: Map<string, string>;
}

export const UPGRADE_RULES = {
  root: "upgrade/root-config",
  meta: "upgrade/app-meta",
  functions: "upgrade/functions",
  httpServices: "upgrade/http-services",
  dataSources: "upgrade/data-sources",
  stitchRules: STITCH_RULES_RULE,
  services: "upgrade/services",
  auth: "upgrade/auth",
  triggers: "upgrade/triggers",
  ids: "upgrade/drop-server-ids",
  dataApi: "upgrade/data-api",
  unchanged: "upgrade/unchanged",
  unplaced: "upgrade/unplaced",
} as const;

/** Service types whose V2 home is data_sources/ (realm-cli AddDataSource; the legacy self-hosted `mongodb` too). */
const DATA_SOURCE_TYPES = new Set(["mongodb-atlas", "mongodb", "datalake"]);
const ID_KEYS = ["id", "_id"];
/** Top-level entries of a V1 export that keep their path in V2 (after dropping ids in their JSON). */
const SAME_PLACE = ["values", "environments", "triggers", "graphql", "log_forwarders", "hosting", "sync", "auth", "data_sources", "http_endpoints"];
/** Where hookshift puts what has no 20210101 place; realm-cli and appservices ignore unknown folders. */
export const UNPLACED_DIR = "hookshift-unplaced";

const json = (v: unknown) => JSON.stringify(v, null, 4) + "\n";

/** `obj` with `from` replaced by `to: value` at the same position (a name where an id stood). */
function renameKey(obj: Record<string, unknown>, from: string, to: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === from) {
      if (!(to in obj)) out[to] = value;
    } else out[k] = k === to ? value : v;
  }
  return out;
}

export function upgradeV1(input: UpgradeInput): UpgradePlan {
  return new Upgrade(input).run();
}

interface ServiceInfo {
  dir: string;
  name: string;
  type: string;
  id?: string;
}

class Upgrade {
  private readonly tree: Tree = new Map();
  private readonly moves: Move[] = [];
  private readonly findings: Finding[] = [];
  private readonly ruleOf = new Map<string, string>();
  private readonly handled = new Set<string>();
  private readonly serviceIds = new Map<string, string[]>();
  private readonly functionIds = new Map<string, string[]>();

  constructor(private readonly input: UpgradeInput) {}

  run(): UpgradePlan {
    const services = this.readServices();
    this.indexFunctionIds();
    this.rootConfig();
    this.appMeta();
    this.functions();
    for (const s of services) this.service(s);
    this.authProviders();
    this.triggers();
    this.dataApiConfig();
    this.values();
    this.endpointsFile();
    this.samePlace();
    this.everythingElse();
    this.moves.sort((a, b) => byCodePoint(a.from, b.from));
    return { tree: this.tree, moves: this.moves, findings: this.findings, ruleOf: this.ruleOf };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private put(path: string, entry: TreeEntry, rule: string, source?: string): boolean {
    if (this.tree.has(path)) {
      const to = `${UNPLACED_DIR}/${source ?? path}`;
      this.findings.push(
        finding("error", "upgrade-conflict", `Two parts of the app want ${path}; ${source ?? "the second"} was put in ${to} instead`, {
          file: source,
          needsReview: true,
          rule,
          hint: "Decide which one the app needs and move it into place by hand.",
        }),
      );
      this.tree.set(to, entry);
      this.ruleOf.set(to, UPGRADE_RULES.unplaced);
      return false;
    }
    this.tree.set(path, entry);
    this.ruleOf.set(path, rule);
    return true;
  }

  private move(from: string, to: string[], kind: MoveKind, rule: string): void {
    this.moves.push({ from, to, kind, rule });
    this.handled.add(from);
  }

  private parse(file: string): { value: Record<string, unknown> | undefined; text: string } {
    const text = this.input.texts.get(file) ?? "";
    const parsed = parseJson(text, file);
    this.findings.push(...parsed.findings);
    const v = parsed.value;
    return { value: v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined, text };
  }

  /** A JSON file with its server ids removed (byte-exact elsewhere), plus an info finding when any were. */
  private withoutIds(file: string, text: string, value: Record<string, unknown>, extraKeys: string[] = []): string {
    const drop = [...ID_KEYS, ...extraKeys].filter((k) => k in value);
    if (drop.length === 0) return text;
    this.findings.push(
      finding("info", "dropped-server-id", `Dropped ${drop.join(", ")} from ${file}: 20210101 exports carry no server ids`, {
        file,
        ...locate(parseJson(text, file).tree, text, [drop[0]!]),
        rule: UPGRADE_RULES.ids,
      }),
    );
    return removeProperties(text, drop);
  }

  private files(prefix: string): string[] {
    return this.input.files.filter((f) => f.startsWith(prefix));
  }

  /** Puts an original file at `to`: as is, or with its server ids removed when it is JSON that has them. */
  private copyUnder(file: string, to: string, rule: string): void {
    const text = this.input.texts.get(file);
    const value = text !== undefined && file.endsWith(".json") ? this.parse(file).value : undefined;
    const edited = value && text !== undefined ? this.withoutIds(file, text, value) : text;
    const entry: TreeEntry = edited !== undefined && edited !== text ? { text: edited, origin: file } : { from: file };
    const kind: MoveKind = file === to ? ("text" in entry ? "edited in place" : "carried unchanged") : "text" in entry ? "moved and edited" : "moved";
    if (this.put(to, entry, rule, file)) this.move(file, [to], kind, rule);
    else this.handled.add(file);
  }

  // ---- parts ---------------------------------------------------------------------------------

  private readServices(): ServiceInfo[] {
    const dirs = new Set(this.files("services/").map((f) => f.split("/")[1]!).filter(Boolean));
    const out: ServiceInfo[] = [];
    for (const dir of [...dirs].sort(byCodePoint)) {
      const file = `services/${dir}/config.json`;
      const { value } = this.input.texts.has(file) ? this.parse(file) : { value: undefined };
      const name = typeof value?.name === "string" && value.name ? value.name : dir;
      const type = typeof value?.type === "string" ? value.type : "unknown";
      const id = typeof value?.id === "string" ? value.id : typeof value?._id === "string" ? value._id : undefined;
      if (id) this.serviceIds.set(id, [...(this.serviceIds.get(id) ?? []), name]);
      out.push({ dir, name, type, id });
    }
    for (const [id, names] of this.serviceIds) {
      if (names.length > 1) {
        this.findings.push(
          finding("warning", "duplicate-service-id", `Services ${names.join(" and ")} share the id ${id}; references to that id cannot be turned into a name`, {
            needsReview: true,
            rule: UPGRADE_RULES.ids,
            hint: "Check the triggers and custom user data settings that name a service by id.",
          }),
        );
      }
    }
    return out;
  }

  private indexFunctionIds(): void {
    for (const f of this.files("functions/").filter((x) => /^functions\/[^/]+\/config\.json$/.test(x))) {
      const v = parseJson(this.input.texts.get(f) ?? "", f).value as Record<string, unknown> | undefined;
      const id = typeof v?.id === "string" ? v.id : typeof v?._id === "string" ? v._id : undefined;
      const name = typeof v?.name === "string" ? v.name : f.split("/")[1]!;
      if (id) this.functionIds.set(id, [...(this.functionIds.get(id) ?? []), name]);
    }
  }

  private nameFor(kind: "service" | "function", id: unknown, file: string): string | undefined {
    if (typeof id !== "string") return undefined;
    const names = (kind === "service" ? this.serviceIds : this.functionIds).get(id);
    if (names?.length === 1) return names[0];
    this.findings.push(
      finding("warning", "unresolved-id", `${file} refers to ${kind} id ${id}, which ${names ? "several" : "no"} ${kind}s of the export carry; left as it is`, {
        file,
        needsReview: true,
        rule: UPGRADE_RULES.ids,
        hint: `Replace it with the ${kind}'s name (20210101 refers by name).`,
      }),
    );
    return undefined;
  }

  private rootConfig(): void {
    const file = this.input.rootFile;
    const { value } = this.parse(file);
    const root = value ?? {};
    const rc: Record<string, unknown> = { config_version: 20210101 };
    for (const k of ["app_id", "name", "location", "deployment_model", "environment"]) if (root[k] !== undefined) rc[k] = root[k];
    const outputs = ["realm_config.json"];
    const security = (root.security && typeof root.security === "object" ? root.security : undefined) as Record<string, unknown> | undefined;
    if (security && Array.isArray(security.allowed_request_origins)) rc.allowed_request_origins = security.allowed_request_origins;
    const leftovers = security ? Object.keys(security).filter((k) => k !== "allowed_request_origins") : [];
    const known = new Set(["config_version", "app_id", "name", "location", "deployment_model", "environment", "security", "hosting", "custom_user_data_config", "sync"]);
    const unknown = Object.keys(root).filter((k) => !known.has(k));
    // Carried over unchanged, so nothing is lost; App Services may reject keys it does not know.
    for (const k of unknown) rc[k] = root[k];
    if (leftovers.length > 0) rc.security = Object.fromEntries(leftovers.map((k) => [k, security![k]]));
    for (const k of [...unknown, ...leftovers.map((l) => `security.${l}`)]) {
      this.findings.push(
        finding("warning", "unknown-root-key", `${file} key ${k} has no documented 20210101 place; carried into realm_config.json unchanged`, {
          file,
          needsReview: true,
          rule: UPGRADE_RULES.root,
          hint: "Remove it if App Services rejects the push.",
        }),
      );
    }
    this.put("realm_config.json", { text: json(rc), origin: file }, UPGRADE_RULES.root, file);

    const cud = root.custom_user_data_config;
    if (cud && typeof cud === "object") {
      let c = { ...(cud as Record<string, unknown>) };
      for (const [kind, idKey, nameKey] of [
        ["service", "mongo_service_id", "mongo_service_name"],
        ["function", "on_user_creation_function_id", "on_user_creation_function_name"],
      ] as const) {
        if (c[idKey] === undefined || c[nameKey] !== undefined) continue;
        const name = this.nameFor(kind, c[idKey], file);
        if (name) c = renameKey(c, idKey, nameKey, name);
      }
      if (this.put("auth/custom_user_data.json", { text: json(c) }, UPGRADE_RULES.auth, file)) outputs.push("auth/custom_user_data.json");
    }
    if (root.sync && typeof root.sync === "object" && !this.input.files.includes("sync/config.json")) {
      if (this.put("sync/config.json", { text: json(root.sync) }, UPGRADE_RULES.root, file)) outputs.push("sync/config.json");
    }
    if (root.hosting && typeof root.hosting === "object" && !this.input.files.includes("hosting/config.json")) {
      if (this.put("hosting/config.json", { text: json(root.hosting) }, UPGRADE_RULES.root, file)) outputs.push("hosting/config.json");
    }
    this.move(file, outputs, "split into", UPGRADE_RULES.root);
  }

  private appMeta(): void {
    const file = ".mdb/app_meta.json";
    if (!this.input.texts.has(file)) return;
    const { value, text } = this.parse(file);
    if (!value) return;
    const edited = { ...value, config_version: 20210101 };
    this.put(file, { text: text.includes("\n") ? json(edited) : JSON.stringify(edited), origin: file }, UPGRADE_RULES.meta, file);
    this.move(file, [file], "edited in place", UPGRADE_RULES.meta);
  }

  private functions(): void {
    const dirs = new Set(this.files("functions/").filter((f) => /^functions\/[^/]+\//.test(f)).map((f) => f.split("/")[1]!));
    dirs.delete("node_modules");
    const entries: Record<string, unknown>[] = [];
    for (const dir of [...dirs].sort(byCodePoint)) {
      const cfgFile = `functions/${dir}/config.json`;
      const srcFile = `functions/${dir}/source.js`;
      if (!this.input.files.includes(srcFile) && !this.input.files.includes(cfgFile)) {
        this.findings.push(
          finding("info", "not-a-function", `functions/${dir}/ has neither config.json nor source.js, so it is no function; carried unchanged`, {
            file: `functions/${dir}`,
            rule: UPGRADE_RULES.functions,
          }),
        );
        for (const f of this.files(`functions/${dir}/`)) this.copyUnder(f, f, UPGRADE_RULES.unchanged);
        continue;
      }
      let cfg: Record<string, unknown> = { name: dir, private: false };
      if (this.input.texts.has(cfgFile)) {
        const { value } = this.parse(cfgFile);
        if (value) cfg = Object.fromEntries(Object.entries(value).filter(([k]) => !ID_KEYS.includes(k)));
        if (value && ID_KEYS.some((k) => k in value)) {
          this.findings.push(finding("info", "dropped-server-id", `Dropped the server id of function ${dir}`, { file: cfgFile, rule: UPGRADE_RULES.ids }));
        }
      } else {
        this.findings.push(
          finding("warning", "missing-function-config", `Function folder functions/${dir} has no config.json; added as a public function named "${dir}"`, {
            file: `functions/${dir}`,
            needsReview: true,
            rule: UPGRADE_RULES.functions,
          }),
        );
      }
      let name = typeof cfg.name === "string" && cfg.name ? cfg.name : dir;
      const badName = fileNameProblem(name);
      if (badName) {
        this.findings.push(
          finding("error", "invalid-name", `Function folder "${dir}" names its function ${clip(name)}, which cannot name functions/<name>.js: ${badName}; the function keeps its folder name`, {
            file: cfgFile,
            needsReview: true,
            rule: UPGRADE_RULES.functions,
            hint: "Give the function a short name in its config.json, as App Services requires, and migrate again.",
          }),
        );
        name = dir;
        cfg = { ...cfg, name: dir };
      }
      if (name !== dir) {
        this.findings.push(
          finding("warning", "name-mismatch", `Function folder "${dir}" holds function "${name}"; its source becomes functions/${name}.js`, {
            file: cfgFile,
            rule: UPGRADE_RULES.functions,
          }),
        );
      }
      if (!this.input.files.includes(srcFile)) {
        this.findings.push(
          finding("error", "missing-source", `Function ${name} has no source.js; its folder is carried unchanged and the function is not added`, {
            file: srcFile,
            needsReview: true,
            rule: UPGRADE_RULES.functions,
            hint: "Restore source.js from the original export.",
          }),
        );
        for (const f of this.files(`functions/${dir}/`)) this.copyUnder(f, f, UPGRADE_RULES.unchanged);
        continue;
      }
      entries.push({ ...cfg, name });
      this.move(cfgFile, ["functions/config.json"], "merged into", UPGRADE_RULES.functions);
      const target = `functions/${name}.js`;
      if (this.put(target, { from: srcFile }, UPGRADE_RULES.functions, srcFile)) this.move(srcFile, [target], "moved", UPGRADE_RULES.functions);
      else this.handled.add(srcFile);
      // Other files of the folder (tests, helpers, notes) stay where they are; .js files under
      // functions/ are functions to 20210101, so say so.
      for (const extra of this.files(`functions/${dir}/`).filter((f) => f !== cfgFile && f !== srcFile)) {
        this.copyUnder(extra, extra, UPGRADE_RULES.functions);
        this.findings.push(
          finding(extra.endsWith(".js") ? "warning" : "info", "function-extra-file", `${extra} is not part of function ${name}; kept where it is` +
            (extra.endsWith(".js") ? `, where 20210101 reads it as a function named "${extra.slice("functions/".length, -3)}"` : ""), {
            file: extra,
            needsReview: extra.endsWith(".js"),
            rule: UPGRADE_RULES.functions,
            hint: extra.endsWith(".js") ? "Move it out of functions/ or delete it before you push, unless it should be a function." : undefined,
          }),
        );
      }
    }
    entries.sort((a, b) => byCodePoint(String(a.name), String(b.name)));
    const existing = this.input.texts.get("functions/config.json");
    if (existing !== undefined) {
      this.findings.push(
        finding("warning", "manifest-exists", "functions/config.json already exists in this pre-2021 export; its entries are kept and the folder functions are added after them", {
          file: "functions/config.json",
          needsReview: true,
          rule: UPGRADE_RULES.functions,
        }),
      );
      const prior = parseJson(existing, "functions/config.json").value;
      const list = Array.isArray(prior) ? prior : [];
      const names = new Set(list.map((e) => (e as { name?: unknown })?.name));
      this.put("functions/config.json", { text: json([...list, ...entries.filter((e) => !names.has(e.name))]), origin: "functions/config.json" }, UPGRADE_RULES.functions);
      this.handled.add("functions/config.json");
    } else {
      this.put("functions/config.json", { text: json(entries) }, UPGRADE_RULES.functions);
    }
    // package.json, node_modules archives and loose files of functions/ keep their place.
    for (const f of this.files("functions/").filter((x) => !this.handled.has(x) && !/^functions\/[^/]+\//.test(x))) {
      this.copyUnder(f, f, UPGRADE_RULES.unchanged);
    }
    for (const f of this.files("functions/node_modules/")) this.copyUnder(f, f, UPGRADE_RULES.unchanged);
  }

  private service(s: ServiceInfo): void {
    const prefix = `services/${s.dir}/`;
    const files = this.files(prefix);
    const safeName = /^[A-Za-z0-9_-]+$/.test(s.name) && !fileNameProblem(s.name) ? s.name : s.dir;
    if (s.name !== s.dir) {
      const shown = clip(s.name);
      this.findings.push(
        finding("warning", "name-mismatch", `Service folder "${s.dir}" holds service "${shown}"; its 20210101 folder is named ${safeName === s.name ? shown : safeName}`, {
          file: `${prefix}config.json`,
          rule: UPGRADE_RULES.services,
        }),
      );
    }
    if (s.type === "http") {
      for (const f of files) this.copyUnder(f, `http_endpoints/${safeName}/${f.slice(prefix.length)}`, UPGRADE_RULES.httpServices);
      return;
    }
    if (DATA_SOURCE_TYPES.has(s.type)) {
      this.dataSource(s, safeName, files);
      return;
    }
    if (s.type === "unknown") {
      this.findings.push(
        finding("warning", "unknown-service", `services/${s.dir} has no readable config.json, so its type is unknown; carried unchanged`, {
          file: `${prefix}config.json`,
          needsReview: true,
          rule: UPGRADE_RULES.services,
        }),
      );
    }
    for (const f of files) this.copyUnder(f, `services/${safeName}/${f.slice(prefix.length)}`, UPGRADE_RULES.services);
  }

  /** MongoDB services become data sources; each collection rule is split into rules/schema/relationships. */
  private dataSource(s: ServiceInfo, name: string, files: string[]): void {
    const prefix = `services/${s.dir}/`;
    const base = `data_sources/${name}`;
    for (const f of files) {
      const rel = f.slice(prefix.length);
      if (rel === "config.json" || rel === "default_rule.json") {
        this.copyUnder(f, `${base}/${rel}`, UPGRADE_RULES.dataSources);
        continue;
      }
      if (rel.startsWith("rules/") && f.endsWith(".json") && this.input.texts.has(f)) {
        const { value } = this.parse(f);
        const db = value?.database;
        const coll = value?.collection;
        if (value && typeof db === "string" && typeof coll === "string" && db && coll) {
          const dir = `${base}/${db}/${coll}`;
          const { schema, relationships, ...rest } = value;
          const rule = Object.fromEntries(Object.entries(rest).filter(([k]) => !ID_KEYS.includes(k)));
          const outs = [`${dir}/rules.json`];
          this.put(`${dir}/rules.json`, { text: json(rule), origin: f }, UPGRADE_RULES.dataSources, f);
          if (schema !== undefined && this.put(`${dir}/schema.json`, { text: json(schema) }, UPGRADE_RULES.dataSources, f)) outs.push(`${dir}/schema.json`);
          if (relationships !== undefined && this.put(`${dir}/relationships.json`, { text: json(relationships) }, UPGRADE_RULES.dataSources, f)) {
            outs.push(`${dir}/relationships.json`);
          }
          this.move(f, outs, outs.length > 1 ? "split into" : "moved and edited", UPGRADE_RULES.dataSources);
          continue;
        }
        if (value && isNamespaceRule(value) && this.stitchRule(f, base, value)) continue;
        this.findings.push(
          finding("warning", "rule-without-collection", `${f} names no database and collection, so it has no 20210101 place; put in ${UNPLACED_DIR}/`, {
            file: f,
            needsReview: true,
            rule: UPGRADE_RULES.unplaced,
          }),
        );
      } else {
        this.findings.push(
          finding("info", "unplaced-file", `${f} is not part of a 20210101 data source; put in ${UNPLACED_DIR}/`, { file: f, rule: UPGRADE_RULES.unplaced }),
        );
      }
      this.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
    }
  }

  /**
   * An early Stitch rule (`"namespace": "db.coll"`, read/write/valid expressions): converted to a
   * role-based rules.json (+ schema.json for its `valid` expressions) by ./stitch-rules.ts. False
   * when its namespace names no database and collection.
   */
  private stitchRule(f: string, base: string, value: Record<string, unknown>): boolean {
    const converted = convertStitchRule(value, this.input.texts.get(f) ?? "", f);
    if (!converted) return false;
    this.findings.push(...converted.findings);
    const dir = `${base}/${converted.database}/${converted.collection}`;
    // On a clash (another rule file for the same collection) put() keeps the first and sets this
    // one aside under hookshift-unplaced/ with an error finding; the move says where it went.
    const place = (to: string, text: string, source: string) =>
      this.put(to, { text, origin: f }, UPGRADE_RULES.stitchRules, source) ? to : `${UNPLACED_DIR}/${source}`;
    const outs = [place(`${dir}/rules.json`, json(converted.rules), f)];
    if (converted.schema) outs.push(place(`${dir}/schema.json`, json(converted.schema), `${f.slice(0, -".json".length)}.schema.json`));
    this.move(f, outs, outs.length > 1 ? "split into" : "moved and edited", UPGRADE_RULES.stitchRules);
    return true;
  }

  private authProviders(): void {
    const files = this.files("auth_providers/").filter((f) => f.endsWith(".json"));
    if (files.length === 0) return;
    const existing = this.input.texts.get("auth/providers.json");
    const prior = existing !== undefined ? parseJson(existing, "auth/providers.json").value : undefined;
    if (existing !== undefined && (!prior || typeof prior !== "object" || Array.isArray(prior))) {
      // Not an object of providers (a string, an array, broken JSON): nothing can be merged into
      // it. It stays as it is, and the old provider files are set aside for a person.
      this.findings.push(
        finding("error", "unusable-providers", "auth/providers.json is not a JSON object of providers, so the auth_providers/ files cannot be merged into it; they are set aside", {
          file: "auth/providers.json",
          line: 1,
          column: 1,
          needsReview: true,
          rule: UPGRADE_RULES.auth,
          hint: `Fix auth/providers.json (an object keyed by provider name), then migrate again; or merge the files under ${UNPLACED_DIR}/auth_providers/ by hand.`,
        }),
      );
      for (const f of this.files("auth_providers/")) this.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
      return;
    }
    const providers: Record<string, unknown> = prior ? { ...(prior as Record<string, unknown>) } : {};
    for (const f of files) {
      const { value } = this.parse(f);
      if (!value) {
        this.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
        continue;
      }
      const p = Object.fromEntries(Object.entries(value).filter(([k]) => !ID_KEYS.includes(k)));
      const name = typeof p.name === "string" ? p.name : f.slice("auth_providers/".length, -".json".length);
      if (name in providers) {
        this.findings.push(finding("warning", "duplicate-provider", `Auth provider ${name} is defined twice; the first is kept`, { file: f, needsReview: true, rule: UPGRADE_RULES.auth }));
        this.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
        continue;
      }
      providers[name] = p;
      this.move(f, ["auth/providers.json"], "merged into", UPGRADE_RULES.auth);
    }
    if (existing !== undefined) this.handled.add("auth/providers.json");
    this.put("auth/providers.json", { text: json(providers), origin: existing !== undefined ? "auth/providers.json" : undefined }, UPGRADE_RULES.auth);
    for (const f of this.files("auth_providers/").filter((x) => !this.handled.has(x))) this.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
  }

  /** Triggers keep their folder; ids go, and references by id become references by name. */
  private triggers(): void {
    for (const f of this.files("triggers/")) {
      const text = this.input.texts.get(f);
      const { value } = text !== undefined && f.endsWith(".json") ? this.parse(f) : { value: undefined };
      if (!value) {
        this.copyUnder(f, f, UPGRADE_RULES.triggers);
        continue;
      }
      let t: Record<string, unknown> = value;
      let changed = false;
      if (t.function_id !== undefined) {
        const name = t.function_name === undefined ? this.nameFor("function", t.function_id, f) : String(t.function_name);
        if (name) {
          t = renameKey(t, "function_id", "function_name", name);
          changed = true;
        }
      }
      const config = t.config && typeof t.config === "object" ? (t.config as Record<string, unknown>) : undefined;
      if (config && config.service_id !== undefined) {
        const name = config.service_name === undefined ? this.nameFor("service", config.service_id, f) : String(config.service_name);
        if (name) {
          t = { ...t, config: renameKey(config, "service_id", "service_name", name) };
          changed = true;
        }
      }
      if (!changed) {
        this.copyUnder(f, f, UPGRADE_RULES.triggers);
        continue;
      }
      t = Object.fromEntries(Object.entries(t).filter(([k]) => !ID_KEYS.includes(k)));
      this.put(f, { text: json(t), origin: f }, UPGRADE_RULES.triggers, f);
      this.move(f, [f], "edited in place", UPGRADE_RULES.triggers);
    }
  }

  private dataApiConfig(): void {
    const f = "data_api_config.json";
    if (!this.input.files.includes(f)) return;
    this.copyUnder(f, "http_endpoints/data_api_config.json", UPGRADE_RULES.dataApi);
  }

  private endpointsFile(): void {
    // 20210101 reads http_endpoints/config.json as the endpoint list; the conversion fills it.
    if (!this.input.files.includes("http_endpoints/config.json")) this.put("http_endpoints/config.json", { text: "[]\n" }, UPGRADE_RULES.httpServices);
  }

  /** Values keep their place; the legacy `private` flag has no 20210101 field and goes with the ids. */
  private values(): void {
    for (const f of this.files("values/")) {
      const text = this.input.texts.get(f);
      const v = text !== undefined && f.endsWith(".json") ? this.parse(f).value : undefined;
      if (!v || !("private" in v)) {
        this.copyUnder(f, f, UPGRADE_RULES.unchanged);
        continue;
      }
      this.findings.push(finding("info", "dropped-value-private", `Dropped "private" from ${f}: 20210101 values have no such field`, { file: f, rule: UPGRADE_RULES.ids }));
      this.put(f, { text: removeProperties(this.withoutIds(f, text!, v), ["private"]), origin: f }, UPGRADE_RULES.unchanged, f);
      this.move(f, [f], "edited in place", UPGRADE_RULES.ids);
    }
  }

  private samePlace(): void {
    for (const top of ["http_endpoints", "data_sources", "auth"]) {
      const present = this.files(`${top}/`).filter((f) => !this.handled.has(f));
      if (present.length === 0) continue;
      this.findings.push(
        finding("warning", "v2-part-in-v1-export", `This ${this.input.configVersion} export already has ${top}/ (a 20210101 place); its files are kept as they are`, {
          file: top,
          needsReview: true,
          rule: UPGRADE_RULES.unchanged,
          hint: "Check that they belong to this app; parts moved there by the upgrade that collide with them are reported separately.",
        }),
      );
    }
    for (const top of SAME_PLACE) {
      for (const f of this.files(`${top}/`)) if (!this.handled.has(f) && !this.tree.has(f)) this.copyUnder(f, f, UPGRADE_RULES.unchanged);
    }
  }

  /** Whatever is left (secrets.json, .mdb, READMEs, unknown folders) is carried unchanged, and said. */
  private everythingElse(): void {
    const reported = new Set<string>();
    for (const f of this.input.files) {
      if (this.handled.has(f) || this.tree.has(f)) continue;
      const top = f.split("/")[0]!;
      if (f === "secrets.json") {
        this.findings.push(
          finding("info", "secrets-file", "secrets.json (import-only secret values) is carried unchanged; hookshift never prints its content", {
            file: f,
            rule: UPGRADE_RULES.unchanged,
            hint: "Keep it out of version control; create the Secrets with appservices secrets create.",
          }),
        );
      } else if (!reported.has(top) && top !== ".mdb") {
        reported.add(top);
        this.findings.push(
          finding("info", "not-app-config", `${f.includes("/") ? `${top}/` : f} is not part of the App Services format; carried unchanged`, {
            file: top,
            rule: UPGRADE_RULES.unchanged,
          }),
        );
      }
      this.copyUnder(f, f, UPGRADE_RULES.unchanged);
    }
  }
}
