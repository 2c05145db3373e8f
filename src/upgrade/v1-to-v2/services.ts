// services/<name>/: HTTP services become http_endpoints/<name>/, MongoDB services become
// data_sources/<name>/ (each collection rule split into rules/schema/relationships, an early Stitch
// rule converted), other services keep their folder; data_api_config.json moves under
// http_endpoints/, which gets an endpoint list to fill.

import { clip, finding } from "../../app/findings.js";
import { fileNameProblem } from "../../util/fs.js";
import { convertStitchRule, isNamespaceRule } from "../stitch-rules.js";
import { ID_KEYS, json, UNPLACED_DIR, UPGRADE_RULES } from "./rules.js";
import type { ServiceInfo, UpgradeState } from "./state.js";

/** Service types whose V2 home is data_sources/ (realm-cli AddDataSource; the legacy self-hosted `mongodb` too). */
const DATA_SOURCE_TYPES = new Set(["mongodb-atlas", "mongodb", "datalake"]);

export function service(u: UpgradeState, s: ServiceInfo): void {
  const prefix = `services/${s.dir}/`;
  const files = u.files(prefix);
  const safeName = /^[A-Za-z0-9_-]+$/.test(s.name) && !fileNameProblem(s.name) ? s.name : s.dir;
  if (s.name !== s.dir) {
    const shown = clip(s.name);
    u.findings.push(
      finding(
        "warning",
        "name-mismatch",
        `Service folder "${s.dir}" holds service "${shown}"; its 20210101 folder is named ${safeName === s.name ? shown : safeName}`,
        {
          file: `${prefix}config.json`,
          rule: UPGRADE_RULES.services,
        },
      ),
    );
  }
  if (s.type === "http") {
    for (const f of files) u.copyUnder(f, `http_endpoints/${safeName}/${f.slice(prefix.length)}`, UPGRADE_RULES.httpServices);
    return;
  }
  if (DATA_SOURCE_TYPES.has(s.type)) {
    dataSource(u, s, safeName, files);
    return;
  }
  if (s.type === "unknown") {
    u.findings.push(
      finding("warning", "unknown-service", `services/${s.dir} has no readable config.json, so its type is unknown; carried unchanged`, {
        file: `${prefix}config.json`,
        needsReview: true,
        rule: UPGRADE_RULES.services,
      }),
    );
  }
  for (const f of files) u.copyUnder(f, `services/${safeName}/${f.slice(prefix.length)}`, UPGRADE_RULES.services);
}

/** MongoDB services become data sources; each collection rule is split into rules/schema/relationships. */
function dataSource(u: UpgradeState, s: ServiceInfo, name: string, files: string[]): void {
  const prefix = `services/${s.dir}/`;
  const base = `data_sources/${name}`;
  for (const f of files) {
    const rel = f.slice(prefix.length);
    if (rel === "config.json" || rel === "default_rule.json") {
      u.copyUnder(f, `${base}/${rel}`, UPGRADE_RULES.dataSources);
      continue;
    }
    if (rel.startsWith("rules/") && f.endsWith(".json") && u.input.texts.has(f)) {
      const { value } = u.parse(f);
      const db = value?.database;
      const coll = value?.collection;
      if (value && typeof db === "string" && typeof coll === "string" && db && coll) {
        const dir = `${base}/${db}/${coll}`;
        const { schema, relationships, ...rest } = value;
        const rule = Object.fromEntries(Object.entries(rest).filter(([k]) => !ID_KEYS.includes(k)));
        const outs = [`${dir}/rules.json`];
        u.put(`${dir}/rules.json`, { text: json(rule), origin: f }, UPGRADE_RULES.dataSources, f);
        if (schema !== undefined && u.put(`${dir}/schema.json`, { text: json(schema) }, UPGRADE_RULES.dataSources, f)) outs.push(`${dir}/schema.json`);
        if (relationships !== undefined && u.put(`${dir}/relationships.json`, { text: json(relationships) }, UPGRADE_RULES.dataSources, f)) {
          outs.push(`${dir}/relationships.json`);
        }
        u.move(f, outs, outs.length > 1 ? "split into" : "moved and edited", UPGRADE_RULES.dataSources);
        continue;
      }
      if (value && isNamespaceRule(value) && stitchRule(u, f, base, value)) continue;
      u.findings.push(
        finding("warning", "rule-without-collection", `${f} names no database and collection, so it has no 20210101 place; put in ${UNPLACED_DIR}/`, {
          file: f,
          needsReview: true,
          rule: UPGRADE_RULES.unplaced,
        }),
      );
    } else {
      u.findings.push(
        finding("info", "unplaced-file", `${f} is not part of a 20210101 data source; put in ${UNPLACED_DIR}/`, { file: f, rule: UPGRADE_RULES.unplaced }),
      );
    }
    u.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
  }
}

/**
 * An early Stitch rule (`"namespace": "db.coll"`, read/write/valid expressions): converted to a
 * role-based rules.json (+ schema.json for its `valid` expressions) by ./stitch-rules.ts. False
 * when its namespace names no database and collection.
 */
function stitchRule(u: UpgradeState, f: string, base: string, value: Record<string, unknown>): boolean {
  const converted = convertStitchRule(value, u.input.texts.get(f) ?? "", f);
  if (!converted) return false;
  u.findings.push(...converted.findings);
  const dir = `${base}/${converted.database}/${converted.collection}`;
  // On a clash (another rule file for the same collection) put() keeps the first and sets this
  // one aside under hookshift-unplaced/ with an error finding; the move says where it went.
  const place = (to: string, text: string, source: string) =>
    u.put(to, { text, origin: f }, UPGRADE_RULES.stitchRules, source) ? to : `${UNPLACED_DIR}/${source}`;
  const outs = [place(`${dir}/rules.json`, json(converted.rules), f)];
  if (converted.schema) outs.push(place(`${dir}/schema.json`, json(converted.schema), `${f.slice(0, -".json".length)}.schema.json`));
  u.move(f, outs, outs.length > 1 ? "split into" : "moved and edited", UPGRADE_RULES.stitchRules);
  return true;
}

export function dataApiConfig(u: UpgradeState): void {
  const f = "data_api_config.json";
  if (!u.input.files.includes(f)) return;
  u.copyUnder(f, "http_endpoints/data_api_config.json", UPGRADE_RULES.dataApi);
}

export function endpointsFile(u: UpgradeState): void {
  // 20210101 reads http_endpoints/config.json as the endpoint list; the conversion fills it.
  if (!u.input.files.includes("http_endpoints/config.json")) u.put("http_endpoints/config.json", { text: "[]\n" }, UPGRADE_RULES.httpServices);
}
