// 20210101 → 20230101 (the appservices CLI layout,
// https://www.mongodb.com/docs/atlas/app-services/reference/config/): `realm_config.json` becomes
// `root_config.json` plus `.mdb/meta.json`, and `http_endpoints/` becomes `https_endpoints/`.
// Pure, like the V1 upgrade. Where 20230101 keeps legacy HTTP services with webhooks is not
// documented; they go to `https_endpoints/<svc>/`, mirroring the Admin API's app model
// (https://github.com/mongodb/docs-app-services/blob/master/source/openapi-admin-v3.yaml), and a
// finding says so.

import { finding, type Finding } from "../app/findings.js";
import { parseJson } from "../app/json.js";
import { byCodePoint } from "../util/fs.js";
import type { Tree } from "./tree.js";
import type { Move, UpgradePlan } from "./upgrade-plan.js";

const C_RULES = {
  root: "upgrade/root-config-20230101",
  endpoints: "upgrade/https-endpoints",
  unchanged: "upgrade/unchanged",
} as const;

/** realm_config.json `location` → 20230101 `provider_region` (AWS regions of the location list). */
const PROVIDER_REGION: Record<string, string> = {
  "US-VA": "aws-us-east-1",
  "US-OH": "aws-us-east-2",
  "US-OR": "aws-us-west-2",
  IE: "aws-eu-west-1",
  GB: "aws-eu-west-2",
  "DE-FF": "aws-eu-central-1",
  "IN-MB": "aws-ap-south-1",
  SG: "aws-ap-southeast-1",
  AU: "aws-ap-southeast-2",
};

const json = (v: unknown) => JSON.stringify(v, null, 4) + "\n";

export function upgradeV2ToC(files: string[], texts: Map<string, string>): UpgradePlan {
  const tree: Tree = new Map();
  const moves: Move[] = [];
  const findings: Finding[] = [];
  const ruleOf = new Map<string, string>();
  const put = (p: string, entry: Tree extends Map<string, infer E> ? E : never, rule: string) => {
    tree.set(p, entry);
    ruleOf.set(p, rule);
  };
  const obj = (f: string) => {
    const v = texts.has(f) ? parseJson(texts.get(f)!, f).value : undefined;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  };

  const rc = obj("realm_config.json");
  const root: Record<string, unknown> = {};
  if (rc.name !== undefined) root.name = rc.name;
  if (rc.deployment_model !== undefined) root.deployment_model = rc.deployment_model;
  const region = typeof rc.provider_region === "string" ? rc.provider_region : typeof rc.location === "string" ? PROVIDER_REGION[rc.location] : undefined;
  if (region) root.provider_region = region;
  else {
    findings.push(
      finding("warning", "unknown-provider-region", `No provider_region for location ${JSON.stringify(rc.location)}; root_config.json leaves it out`, {
        file: "realm_config.json",
        needsReview: true,
        rule: C_RULES.root,
        hint: 'Add "provider_region" (for example "aws-us-east-1") before you push.',
      }),
    );
  }
  if (rc.environment !== undefined) root.environment = rc.environment;
  if (rc.allowed_request_origins !== undefined) root.allowed_request_origins = rc.allowed_request_origins;
  const known = new Set(["config_version", "app_id", "name", "location", "provider_region", "deployment_model", "environment", "allowed_request_origins"]);
  for (const k of Object.keys(rc).filter((k) => !known.has(k))) {
    root[k] = rc[k];
    findings.push(
      finding("warning", "unknown-root-key", `realm_config.json key ${k} has no documented 20230101 place; carried into root_config.json unchanged`, {
        file: "realm_config.json",
        needsReview: true,
        rule: C_RULES.root,
      }),
    );
  }
  put("root_config.json", { text: json(root), origin: "realm_config.json" }, C_RULES.root);

  // .mdb/meta.json: the appservices CLI's record of which remote app this folder is.
  const appMeta = obj(".mdb/app_meta.json");
  const meta: Record<string, unknown> = { config_version: 20230101 };
  if (appMeta.app_id !== undefined) meta.app_id = appMeta.app_id;
  if (appMeta.group_id !== undefined) meta.group_id = appMeta.group_id;
  if (rc.app_id !== undefined) meta.client_app_id = rc.app_id;
  if (appMeta.group_id === undefined) {
    findings.push(
      finding("info", "meta-without-remote", ".mdb/meta.json has no group_id or app_id (the export had no .mdb/app_meta.json)", {
        file: ".mdb/meta.json",
        rule: C_RULES.root,
        hint: "Pass --remote to appservices push, or pull once to record the remote app.",
      }),
    );
  }
  put(".mdb/meta.json", { text: json(meta), origin: files.includes(".mdb/app_meta.json") ? ".mdb/app_meta.json" : undefined }, C_RULES.root);
  moves.push({ from: "realm_config.json", to: ["root_config.json", ".mdb/meta.json"], kind: "split into", rule: C_RULES.root });
  if (files.includes(".mdb/app_meta.json")) moves.push({ from: ".mdb/app_meta.json", to: [".mdb/meta.json"], kind: "merged into", rule: C_RULES.root });

  let legacyServices = false;
  for (const f of [...files].sort(byCodePoint)) {
    if (f === "realm_config.json" || f === ".mdb/app_meta.json") continue;
    if (f.startsWith("http_endpoints/")) {
      const to = `https_endpoints/${f.slice("http_endpoints/".length)}`;
      if (tree.has(to)) {
        findings.push(
          finding("error", "upgrade-conflict", `${f} and an existing ${to} collide; the existing one is kept`, {
            file: f,
            needsReview: true,
            rule: C_RULES.endpoints,
          }),
        );
        continue;
      }
      put(to, { from: f }, C_RULES.endpoints);
      moves.push({ from: f, to: [to], kind: "moved", rule: C_RULES.endpoints });
      if (/^http_endpoints\/[^/]+\//.test(f)) legacyServices = true;
      continue;
    }
    if (!tree.has(f)) {
      put(f, { from: f }, C_RULES.unchanged);
      moves.push({ from: f, to: [f], kind: "carried unchanged", rule: C_RULES.unchanged });
    }
  }
  if (legacyServices) {
    findings.push(
      finding(
        "warning",
        "legacy-services-20230101",
        "Where 20230101 keeps legacy HTTP services and their webhooks is not documented; they were put under https_endpoints/<service>/",
        {
          file: "https_endpoints",
          needsReview: true,
          rule: C_RULES.endpoints,
          hint: "Check with `appservices pull` of a test app, or pass --remove-webhooks once callers have moved to the endpoints.",
        },
      ),
    );
  }
  return { tree, moves, findings, ruleOf };
}
