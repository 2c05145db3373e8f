// auth_providers/*.json become one auth/providers.json, keyed by provider name (merged into one
// the export already has, when it is an object of providers).

import { finding } from "../../app/findings.js";
import { parseJson } from "../../app/json.js";
import { ID_KEYS, json, UNPLACED_DIR, UPGRADE_RULES } from "./rules.js";
import type { UpgradeState } from "./state.js";

export function authProviders(u: UpgradeState): void {
  const files = u.files("auth_providers/").filter((f) => f.endsWith(".json"));
  if (files.length === 0) return;
  const existing = u.input.texts.get("auth/providers.json");
  const prior = existing !== undefined ? parseJson(existing, "auth/providers.json").value : undefined;
  if (existing !== undefined && (!prior || typeof prior !== "object" || Array.isArray(prior))) {
    // Not an object of providers (a string, an array, broken JSON): nothing can be merged into
    // it. It stays as it is, and the old provider files are set aside for a person.
    u.findings.push(
      finding(
        "error",
        "unusable-providers",
        "auth/providers.json is not a JSON object of providers, so the auth_providers/ files cannot be merged into it; they are set aside",
        {
          file: "auth/providers.json",
          line: 1,
          column: 1,
          needsReview: true,
          rule: UPGRADE_RULES.auth,
          hint: `Fix auth/providers.json (an object keyed by provider name), then migrate again; or merge the files under ${UNPLACED_DIR}/auth_providers/ by hand.`,
        },
      ),
    );
    for (const f of u.files("auth_providers/")) u.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
    return;
  }
  const providers: Record<string, unknown> = prior ? { ...(prior as Record<string, unknown>) } : {};
  for (const f of files) {
    const { value } = u.parse(f);
    if (!value) {
      u.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
      continue;
    }
    const p = Object.fromEntries(Object.entries(value).filter(([k]) => !ID_KEYS.includes(k)));
    const name = typeof p.name === "string" ? p.name : f.slice("auth_providers/".length, -".json".length);
    if (name in providers) {
      u.findings.push(
        finding("warning", "duplicate-provider", `Auth provider ${name} is defined twice; the first is kept`, {
          file: f,
          needsReview: true,
          rule: UPGRADE_RULES.auth,
        }),
      );
      u.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
      continue;
    }
    providers[name] = p;
    u.move(f, ["auth/providers.json"], "merged into", UPGRADE_RULES.auth);
  }
  if (existing !== undefined) u.handled.add("auth/providers.json");
  u.put("auth/providers.json", { text: json(providers), origin: existing !== undefined ? "auth/providers.json" : undefined }, UPGRADE_RULES.auth);
  for (const f of u.files("auth_providers/").filter((x) => !u.handled.has(x))) u.copyUnder(f, `${UNPLACED_DIR}/${f}`, UPGRADE_RULES.unplaced);
}
