// Upgrade of a 20180301 / 20200603 export (realm-cli "V1") to the 20210101 layout ("V2"), as
// realm-cli reads the one and writes the other (internal/local/structure_v1.go, structure_v2.go;
// see docs/format-upgrade.md for each mapping and its source). Pure: it takes the file list and
// the texts of the JSON and JS files and returns the tree of the upgraded app.
//
// Principles: every file ends up somewhere; what has a 20210101 place goes there; what hookshift
// does not understand is carried over unchanged and named in a finding; server ids (`id`, `_id`)
// are dropped because 20210101 has none, and references by id become references by name.
//
// The parts, in the order they run, are in ./v1-to-v2/: root-config.ts, functions.ts,
// services.ts, auth-providers.ts, triggers.ts, carried.ts; state.ts holds what they share (the
// new tree, the moves, the findings) and rules.ts the rule ids.

import type { UpgradePlan } from "./upgrade-plan.js";
import { authProviders } from "./v1-to-v2/auth-providers.js";
import { everythingElse, samePlace, values } from "./v1-to-v2/carried.js";
import { functionFolders } from "./v1-to-v2/functions.js";
import { appMeta, rootConfig } from "./v1-to-v2/root-config.js";
import { dataApiConfig, endpointsFile, service } from "./v1-to-v2/services.js";
import { UpgradeState, type UpgradeInput } from "./v1-to-v2/state.js";
import { triggers } from "./v1-to-v2/triggers.js";

export type { UpgradeInput } from "./v1-to-v2/state.js";

export function upgradeV1(input: UpgradeInput): UpgradePlan {
  const u = new UpgradeState(input);
  const services = u.readServices();
  u.indexFunctionIds();
  rootConfig(u);
  appMeta(u);
  functionFolders(u);
  for (const s of services) service(u, s);
  authProviders(u);
  triggers(u);
  dataApiConfig(u);
  values(u);
  endpointsFile(u);
  samePlace(u);
  everythingElse(u);
  return u.result();
}
