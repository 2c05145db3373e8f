// The rule ids of the 20180301 / 20200603 → 20210101 upgrade (each move and finding names one),
// and the few conventions every part of it shares: where unplaced files go, which keys are server
// ids, how a rewritten JSON file is printed.

import { STITCH_RULES_RULE } from "../stitch-rules.js";

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

/** Server ids: 20210101 exports have none. */
export const ID_KEYS = ["id", "_id"];
/** Where hookshift puts what has no 20210101 place; realm-cli and appservices ignore unknown folders. */
export const UNPLACED_DIR = "hookshift-unplaced";

/** A JSON file the upgrade writes: 4-space indented, with a final newline. */
export const json = (v: unknown) => JSON.stringify(v, null, 4) + "\n";

/** `obj` with `from` replaced by `to: value` at the same position (a name where an id stood). */
export function renameKey(obj: Record<string, unknown>, from: string, to: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === from) {
      if (!(to in obj)) out[to] = value;
    } else out[k] = k === to ? value : v;
  }
  return out;
}
