// The state of one upgrade and the moves every part makes with it: put a file in the new tree
// (or aside, on a clash), record where an original file went, read a JSON file, drop server ids,
// copy a file, and turn a service or function id into its name.

import { finding, type Finding } from "../../app/findings.js";
import { locate, parseJson } from "../../app/json.js";
import { byCodePoint } from "../../util/fs.js";
import { removeProperties } from "../json-edit.js";
import type { Tree, TreeEntry } from "../tree.js";
import type { Move, MoveKind, UpgradePlan } from "../upgrade-plan.js";
import { ID_KEYS, UNPLACED_DIR, UPGRADE_RULES } from "./rules.js";

export interface UpgradeInput {
  configVersion: "20180301" | "20200603";
  /** `stitch.json` or `config.json`. */
  rootFile: string;
  files: string[];
  /** Texts of the files hookshift reads (JSON and JS); other files are carried as bytes. */
  texts: Map<string, string>;
}

export interface ServiceInfo {
  dir: string;
  name: string;
  type: string;
  id?: string;
}

export class UpgradeState {
  readonly tree: Tree = new Map();
  readonly moves: Move[] = [];
  readonly findings: Finding[] = [];
  readonly ruleOf = new Map<string, string>();
  readonly handled = new Set<string>();
  readonly serviceIds = new Map<string, string[]>();
  readonly functionIds = new Map<string, string[]>();

  constructor(readonly input: UpgradeInput) {}

  /** The plan, once every part has run. */
  result(): UpgradePlan {
    this.moves.sort((a, b) => byCodePoint(a.from, b.from));
    return { tree: this.tree, moves: this.moves, findings: this.findings, ruleOf: this.ruleOf };
  }

  /** Puts `entry` at `path`; false (and the entry set aside under UNPLACED_DIR, with an error) when another part got there first. */
  put(path: string, entry: TreeEntry, rule: string, source?: string): boolean {
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

  /** Records where an original file went; a moved file is handled, so nothing carries it again. */
  move(from: string, to: string[], kind: MoveKind, rule: string): void {
    this.moves.push({ from, to, kind, rule });
    this.handled.add(from);
  }

  /** A JSON file as an object (undefined when it is none), its parse findings recorded. */
  parse(file: string): { value: Record<string, unknown> | undefined; text: string } {
    const text = this.input.texts.get(file) ?? "";
    const parsed = parseJson(text, file);
    this.findings.push(...parsed.findings);
    const v = parsed.value;
    return { value: v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined, text };
  }

  /** A JSON file with its server ids removed (byte-exact elsewhere), plus an info finding when any were. */
  withoutIds(file: string, text: string, value: Record<string, unknown>, extraKeys: string[] = []): string {
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

  /** The export's files under `prefix`. */
  files(prefix: string): string[] {
    return this.input.files.filter((f) => f.startsWith(prefix));
  }

  /** Puts an original file at `to`: as is, or with its server ids removed when it is JSON that has them. */
  copyUnder(file: string, to: string, rule: string): void {
    const text = this.input.texts.get(file);
    const value = text !== undefined && file.endsWith(".json") ? this.parse(file).value : undefined;
    const edited = value && text !== undefined ? this.withoutIds(file, text, value) : text;
    const entry: TreeEntry = edited !== undefined && edited !== text ? { text: edited, origin: file } : { from: file };
    const kind: MoveKind = file === to ? ("text" in entry ? "edited in place" : "carried unchanged") : "text" in entry ? "moved and edited" : "moved";
    if (this.put(to, entry, rule, file)) this.move(file, [to], kind, rule);
    else this.handled.add(file);
  }

  /** Every service folder with its name, type and server id; indexes the ids for nameFor. */
  readServices(): ServiceInfo[] {
    const dirs = new Set(
      this.files("services/")
        .map((f) => f.split("/")[1]!)
        .filter(Boolean),
    );
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

  /** Indexes function ids for nameFor. */
  indexFunctionIds(): void {
    for (const f of this.files("functions/").filter((x) => /^functions\/[^/]+\/config\.json$/.test(x))) {
      const v = parseJson(this.input.texts.get(f) ?? "", f).value as Record<string, unknown> | undefined;
      const id = typeof v?.id === "string" ? v.id : typeof v?._id === "string" ? v._id : undefined;
      const name = typeof v?.name === "string" ? v.name : f.split("/")[1]!;
      if (id) this.functionIds.set(id, [...(this.functionIds.get(id) ?? []), name]);
    }
  }

  /** The name behind a service or function id, or undefined (with a finding) when no single one carries it. */
  nameFor(kind: "service" | "function", id: unknown, file: string): string | undefined {
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
}
