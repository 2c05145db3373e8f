// Which apps a `migrate <path>...` names, found as `scan` finds them (src/app/discover.ts), and
// where each one's output and report go: `<out>/<rel>/` and `<report>/<rel>/`, `rel` being the
// app's folder relative to the common parent of the inputs (an input that is itself an app
// counts as its parent folder, so `migrate a b` puts them at `<out>/a`, `<out>/b`).

import path from "node:path";
import { discoverApps, type FoundApp } from "../app/discover.js";
import { toPosix } from "../util/fs.js";

export interface FleetMember {
  /** Absolute app folder. */
  root: string;
  /** Relative to `base`, with `/`. */
  rel: string;
}

export interface FoundFleet {
  base: string;
  apps: FleetMember[];
  /** Inputs that hold no app at all (each is an error of the run). */
  empty: string[];
  /** Absolute inputs that are folders of apps rather than apps (no output may go inside one). */
  folders: string[];
}

export async function findFleet(inputs: string[]): Promise<FoundFleet> {
  return assemble(inputs, await Promise.all(inputs.map(discover)));
}

/**
 * The fleet that `paths` name, or undefined when they name one app: a fleet is several paths, or
 * one folder that holds several apps. One path that is an app (or holds none, or one in a
 * subfolder) is the one-app `migrate`, as before. Each input is searched once: a fleet run goes on
 * with what this found.
 */
export async function fleetOf(paths: string[]): Promise<FoundFleet | undefined> {
  if (new Set(paths.map((p) => path.resolve(p))).size > 1) return findFleet(paths);
  const found = await discover(paths[0]!);
  return found.length > 1
    ? assemble(
        paths,
        paths.map(() => found),
      )
    : undefined;
}

const discover = (input: string) => discoverApps(path.resolve(input)).catch(() => [] as FoundApp[]);

function assemble(inputs: string[], discovered: FoundApp[][]): FoundFleet {
  const apps = new Map<string, FleetMember>();
  const anchors: string[] = [];
  const empty: string[] = [];
  const folders: string[] = [];
  inputs.forEach((input, i) => {
    const abs = path.resolve(input);
    const found = discovered[i]!;
    if (found.length === 0) empty.push(input);
    const isApp = found.length === 1 && path.resolve(found[0]!.root) === abs;
    anchors.push(isApp ? path.dirname(abs) : abs);
    if (!isApp) folders.push(abs);
    for (const f of found) apps.set(path.resolve(f.root), { root: path.resolve(f.root), rel: "" });
  });
  const base = commonParent(anchors.length > 0 ? anchors : [process.cwd()]);
  const list = [...apps.values()].map((a) => ({ root: a.root, rel: toPosix(path.relative(base, a.root)) || path.basename(a.root) }));
  list.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { base, apps: list, empty, folders };
}

/** The deepest folder that holds every one of `dirs` (absolute paths). */
export function commonParent(dirs: string[]): string {
  let common = path.resolve(dirs[0]!).split(path.sep);
  for (const d of dirs.slice(1)) {
    const parts = path.resolve(d).split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}
