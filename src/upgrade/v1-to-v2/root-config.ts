// The root config (`stitch.json` / `config.json`) becomes realm_config.json, with its parts that
// have their own 20210101 file (custom user data, sync, hosting) split out; .mdb/app_meta.json
// gets the new config version.

import { finding } from "../../app/findings.js";
import { json, renameKey, UPGRADE_RULES } from "./rules.js";
import type { UpgradeState } from "./state.js";

export function rootConfig(u: UpgradeState): void {
  const file = u.input.rootFile;
  const { value } = u.parse(file);
  const root = value ?? {};
  const rc: Record<string, unknown> = { config_version: 20210101 };
  for (const k of ["app_id", "name", "location", "deployment_model", "environment"]) if (root[k] !== undefined) rc[k] = root[k];
  const outputs = ["realm_config.json"];
  const security = (root.security && typeof root.security === "object" ? root.security : undefined) as Record<string, unknown> | undefined;
  if (security && Array.isArray(security.allowed_request_origins)) rc.allowed_request_origins = security.allowed_request_origins;
  const leftovers = security ? Object.keys(security).filter((k) => k !== "allowed_request_origins") : [];
  const known = new Set([
    "config_version",
    "app_id",
    "name",
    "location",
    "deployment_model",
    "environment",
    "security",
    "hosting",
    "custom_user_data_config",
    "sync",
  ]);
  const unknown = Object.keys(root).filter((k) => !known.has(k));
  // Carried over unchanged, so nothing is lost; App Services may reject keys it does not know.
  for (const k of unknown) rc[k] = root[k];
  if (leftovers.length > 0) rc.security = Object.fromEntries(leftovers.map((k) => [k, security![k]]));
  for (const k of [...unknown, ...leftovers.map((l) => `security.${l}`)]) {
    u.findings.push(
      finding("warning", "unknown-root-key", `${file} key ${k} has no documented 20210101 place; carried into realm_config.json unchanged`, {
        file,
        needsReview: true,
        rule: UPGRADE_RULES.root,
        hint: "Remove it if App Services rejects the push.",
      }),
    );
  }
  u.put("realm_config.json", { text: json(rc), origin: file }, UPGRADE_RULES.root, file);

  const cud = root.custom_user_data_config;
  if (cud && typeof cud === "object") {
    let c = { ...(cud as Record<string, unknown>) };
    for (const [kind, idKey, nameKey] of [
      ["service", "mongo_service_id", "mongo_service_name"],
      ["function", "on_user_creation_function_id", "on_user_creation_function_name"],
    ] as const) {
      if (c[idKey] === undefined || c[nameKey] !== undefined) continue;
      const name = u.nameFor(kind, c[idKey], file);
      if (name) c = renameKey(c, idKey, nameKey, name);
    }
    if (u.put("auth/custom_user_data.json", { text: json(c) }, UPGRADE_RULES.auth, file)) outputs.push("auth/custom_user_data.json");
  }
  if (root.sync && typeof root.sync === "object" && !u.input.files.includes("sync/config.json")) {
    if (u.put("sync/config.json", { text: json(root.sync) }, UPGRADE_RULES.root, file)) outputs.push("sync/config.json");
  }
  if (root.hosting && typeof root.hosting === "object" && !u.input.files.includes("hosting/config.json")) {
    if (u.put("hosting/config.json", { text: json(root.hosting) }, UPGRADE_RULES.root, file)) outputs.push("hosting/config.json");
  }
  u.move(file, outputs, "split into", UPGRADE_RULES.root);
}

export function appMeta(u: UpgradeState): void {
  const file = ".mdb/app_meta.json";
  if (!u.input.texts.has(file)) return;
  const { value, text } = u.parse(file);
  if (!value) return;
  const edited = { ...value, config_version: 20210101 };
  u.put(file, { text: text.includes("\n") ? json(edited) : JSON.stringify(edited), origin: file }, UPGRADE_RULES.meta, file);
  u.move(file, [file], "edited in place", UPGRADE_RULES.meta);
}
