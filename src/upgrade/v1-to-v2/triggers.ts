// Triggers keep their folder; their server ids go, and references by id (function_id,
// config.service_id) become references by name.

import { ID_KEYS, json, renameKey, UPGRADE_RULES } from "./rules.js";
import type { UpgradeState } from "./state.js";

/** Triggers keep their folder; ids go, and references by id become references by name. */
export function triggers(u: UpgradeState): void {
  for (const f of u.files("triggers/")) {
    const text = u.input.texts.get(f);
    const { value } = text !== undefined && f.endsWith(".json") ? u.parse(f) : { value: undefined };
    if (!value) {
      u.copyUnder(f, f, UPGRADE_RULES.triggers);
      continue;
    }
    let t: Record<string, unknown> = value;
    let changed = false;
    if (t.function_id !== undefined) {
      const name = t.function_name === undefined ? u.nameFor("function", t.function_id, f) : String(t.function_name);
      if (name) {
        t = renameKey(t, "function_id", "function_name", name);
        changed = true;
      }
    }
    const config = t.config && typeof t.config === "object" ? (t.config as Record<string, unknown>) : undefined;
    if (config && config.service_id !== undefined) {
      const name = config.service_name === undefined ? u.nameFor("service", config.service_id, f) : String(config.service_name);
      if (name) {
        t = { ...t, config: renameKey(config, "service_id", "service_name", name) };
        changed = true;
      }
    }
    if (!changed) {
      u.copyUnder(f, f, UPGRADE_RULES.triggers);
      continue;
    }
    t = Object.fromEntries(Object.entries(t).filter(([k]) => !ID_KEYS.includes(k)));
    u.put(f, { text: json(t), origin: f }, UPGRADE_RULES.triggers, f);
    u.move(f, [f], "edited in place", UPGRADE_RULES.triggers);
  }
}
