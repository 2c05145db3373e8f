// What an upgrade step returns: the tree of the upgraded app, where each original file went, the
// findings, and which rule put each new file there. Both steps (./v1-to-v2.ts, ./v2-to-c.ts)
// return one; src/commands/plan-with-upgrade.ts composes them.

import type { Finding } from "../app/findings.js";
import type { Tree } from "./tree.js";

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
