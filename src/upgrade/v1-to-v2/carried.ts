// What keeps its place: values (without the legacy `private` flag), the folders whose 20210101
// place is the same, and everything else, carried unchanged and named in a finding.

import { finding } from "../../app/findings.js";
import { removeProperties } from "../json-edit.js";
import { UPGRADE_RULES } from "./rules.js";
import type { UpgradeState } from "./state.js";

/** Top-level entries of a V1 export that keep their path in V2 (after dropping ids in their JSON). */
const SAME_PLACE = ["values", "environments", "triggers", "graphql", "log_forwarders", "hosting", "sync", "auth", "data_sources", "http_endpoints"];

/** Values keep their place; the legacy `private` flag has no 20210101 field and goes with the ids. */
export function values(u: UpgradeState): void {
  for (const f of u.files("values/")) {
    const text = u.input.texts.get(f);
    const v = text !== undefined && f.endsWith(".json") ? u.parse(f).value : undefined;
    if (!v || !("private" in v)) {
      u.copyUnder(f, f, UPGRADE_RULES.unchanged);
      continue;
    }
    u.findings.push(
      finding("info", "dropped-value-private", `Dropped "private" from ${f}: 20210101 values have no such field`, { file: f, rule: UPGRADE_RULES.ids }),
    );
    u.put(f, { text: removeProperties(u.withoutIds(f, text!, v), ["private"]), origin: f }, UPGRADE_RULES.unchanged, f);
    u.move(f, [f], "edited in place", UPGRADE_RULES.ids);
  }
}

export function samePlace(u: UpgradeState): void {
  for (const top of ["http_endpoints", "data_sources", "auth"]) {
    const present = u.files(`${top}/`).filter((f) => !u.handled.has(f));
    if (present.length === 0) continue;
    u.findings.push(
      finding(
        "warning",
        "v2-part-in-v1-export",
        `This ${u.input.configVersion} export already has ${top}/ (a 20210101 place); its files are kept as they are`,
        {
          file: top,
          needsReview: true,
          rule: UPGRADE_RULES.unchanged,
          hint: "Check that they belong to this app; parts moved there by the upgrade that collide with them are reported separately.",
        },
      ),
    );
  }
  for (const top of SAME_PLACE) {
    for (const f of u.files(`${top}/`)) if (!u.handled.has(f) && !u.tree.has(f)) u.copyUnder(f, f, UPGRADE_RULES.unchanged);
  }
}

/** Whatever is left (secrets.json, .mdb, READMEs, unknown folders) is carried unchanged, and said. */
export function everythingElse(u: UpgradeState): void {
  const reported = new Set<string>();
  for (const f of u.input.files) {
    if (u.handled.has(f) || u.tree.has(f)) continue;
    const top = f.split("/")[0]!;
    if (f === "secrets.json") {
      u.findings.push(
        finding("info", "secrets-file", "secrets.json (import-only secret values) is carried unchanged; hookshift never prints its content", {
          file: f,
          rule: UPGRADE_RULES.unchanged,
          hint: "Keep it out of version control; create the Secrets with appservices secrets create.",
        }),
      );
    } else if (!reported.has(top) && top !== ".mdb") {
      reported.add(top);
      u.findings.push(
        finding("info", "not-app-config", `${f.includes("/") ? `${top}/` : f} is not part of the App Services format; carried unchanged`, {
          file: top,
          rule: UPGRADE_RULES.unchanged,
        }),
      );
    }
    u.copyUnder(f, f, UPGRADE_RULES.unchanged);
  }
}
