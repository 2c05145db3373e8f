// The `callers` use-case: read the report(s), search the folders, and (with --dry-run or --write)
// rewrite the exact old URLs. Owns the order of IO and the exit code; the CLI prints the result.
//
// Exit code: 0 nothing of the migrated apps found (or, with --write, everything rewritten and no
// caller change left for a person); 2 old URLs or places to review remain (with --write: written,
// but something still needs a person); 1 errors (an unreadable report, file or folder, a refused
// write), whatever else was found.

import { stat } from "node:fs/promises";
import path from "node:path";
import { Redactor } from "../report/redact.js";
import { shellWord, type NextStep } from "../report/next-steps.js";
import { UsageError } from "../util/errors.js";
import { isInside } from "../util/fs.js";
import { gitDirty } from "../util/git.js";
import type { OnProgress } from "../util/progress.js";
import { loadReports } from "./load-reports.js";
import { MatchIndex, matchFile } from "./match.js";
import { readTextFileSync } from "./read-file.js";
import { applyEdits, rewriteDiff } from "./rewrite.js";
import type { CallerError, CallerMatch, KnownApp } from "./types.js";
import { walkFiles, type WalkCounts, type WalkedFile } from "./walk.js";
import { writeRewrites, type PlannedWrite } from "./write.js";

export interface CallersOptions {
  /** Report folder (report.json), fleet report folder (fleet.json), or either file. */
  report: string;
  dirs: string[];
  dryRun?: boolean;
  write?: boolean;
  allowDirty?: boolean;
  /** Folder walks in flight, taking turns with the (synchronous) file reads (default 8). */
  concurrency?: number;
  onProgress?: OnProgress;
}

interface FileCounts {
  searched: number;
  withMatches: number;
  binary: number;
  tooLarge: number;
  ignored: number;
  excluded: number;
  links: number;
}

export interface CallersResult {
  code: 0 | 1 | 2;
  reportKind: "report" | "fleet";
  apps: KnownApp[];
  matches: CallerMatch[];
  files: FileCounts;
  /** --dry-run: the unified diff of each file --write would change. */
  diffs: { file: string; diff: string }[];
  /** --write: the files rewritten. */
  written: string[];
  errors: CallerError[];
  notices: string[];
  summary: { urls: number; rewritable: number; review: number; otherApps: number; rewritten: number; callerChanges: number; line: string };
  nextSteps: NextStep[];
}

interface Root {
  arg: string;
  abs: string;
  isFile: boolean;
}

const REVIEW_KINDS = new Set(["path", "parts", "host", "unknown-webhook"]);

export async function findCallers(opts: CallersOptions): Promise<CallersResult> {
  if (opts.write && opts.dryRun) throw new UsageError("--write and --dry-run exclude each other", "--dry-run shows the diff --write would apply.");
  if (opts.allowDirty && !opts.write) throw new UsageError("--allow-dirty only applies with --write");
  const loaded = await loadReports(opts.report);
  if (loaded.apps.length === 0) throw new UsageError(`${opts.report} lists no app with a readable report`, loaded.errors[0]?.message);
  const roots = await checkRoots(opts.dirs);
  const index = new MatchIndex(loaded.apps);
  const errors: CallerError[] = [...loaded.errors];
  const notices = [...loaded.notices];
  for (const a of loaded.apps) {
    if (a.notWritten === "dry-run") notices.push(`${a.report} is the report of a dry run: the endpoints it lists exist once the app is migrated and pushed`);
    if (a.notWritten === "blocked") notices.push(`${a.report} is the report of a blocked migration (nothing was written): fix it before callers move`);
  }

  const counts: WalkCounts = { ignored: 0, excluded: 0, links: 0, unreadable: [] };
  const files: FileCounts = { searched: 0, withMatches: 0, binary: 0, tooLarge: 0, ignored: 0, excluded: 0, links: 0 };
  const found: { root: number; rel: string; shown: string; matches: CallerMatch[]; buf?: Buffer }[] = [];
  const secrets = new Set<string>();
  const keepBytes = opts.write || opts.dryRun;
  const seen = new Set<string>();
  let lastReport = 0;
  const progress = () => {
    const now = Date.now();
    if (opts.onProgress && now - lastReport >= 100) {
      lastReport = now;
      opts.onProgress({ phase: `Searching client files: ${files.searched.toLocaleString("en-US")} read`, done: 0, total: 0 });
    }
  };

  // The reports read hold every old URL of the apps: never searched, never rewritten.
  const isReport = (abs: string) => loaded.folders.some((d) => isInside(d, abs));
  for (const [ri, root] of roots.entries()) {
    if (isReport(root.abs)) {
      counts.excluded++;
      continue;
    }
    const source: AsyncIterator<WalkedFile> = root.isFile ? single(root.abs) : walkFiles(root.abs, counts, isReport);
    const worker = async () => {
      for (let r = await source.next(); !r.done; r = await source.next()) {
        const f = r.value;
        if (seen.has(f.abs)) continue; // folders given twice, or one inside another
        seen.add(f.abs);
        const shown = root.isFile ? root.arg : path.join(root.arg, ...f.rel.split("/"));
        const got = readTextFileSync(f.abs);
        files.searched++;
        progress();
        if (got.kind === "binary") files.binary++;
        else if (got.kind === "too-large") files.tooLarge++;
        else if (got.kind === "error") errors.push({ file: shown, message: `${shown} cannot be read (${got.reason})` });
        else if (index.prefilter(got.buf)) {
          const m = matchFile(got.buf, index);
          for (const s of m.secrets) secrets.add(s);
          if (m.matches.length === 0) continue;
          files.withMatches++;
          found.push({
            root: ri,
            rel: root.isFile ? "" : f.rel,
            shown,
            matches: m.matches.map((x) => ({ file: shown, ...x })),
            ...(keepBytes && m.matches.some((x) => x.edit) ? { buf: got.buf } : {}),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  }
  files.ignored = counts.ignored;
  files.excluded = counts.excluded;
  files.links = counts.links;
  for (const u of counts.unreadable) errors.push({ file: u.rel, message: `folder ${u.rel} cannot be listed (${u.reason})` });

  // Output order: as the folders were given, then by path, then by place in the file.
  found.sort((a, b) => a.root - b.root || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const redactor = new Redactor([...secrets, ...loaded.secretValues]);
  const matches = found.flatMap((f) => f.matches);
  for (const m of matches) if (m.excerpt) m.excerpt = redactor.value(m.excerpt);

  const planned: PlannedWrite[] = [];
  for (const f of found) {
    const edits = f.matches.flatMap((m) => (m.edit ? [m.edit] : []));
    if (edits.length === 0 || !f.buf) continue;
    const root = roots[f.root]!;
    planned.push({
      root: root.isFile ? path.dirname(root.abs) : root.abs,
      rel: root.isFile ? path.basename(root.abs) : f.rel,
      shown: f.shown,
      before: f.buf,
      after: applyEdits(f.buf, edits),
    });
  }
  // Diff headers name the file as shown, with `/` and without a leading one (`a/tmp/…`, not `a//tmp/…`).
  const diffs = opts.dryRun
    ? planned.map((p) => ({ file: p.shown, diff: rewriteDiff(p.shown.split(path.sep).join("/").replace(/^\/+/, ""), p.before, p.after, redactor) }))
    : [];

  let written: string[] = [];
  if (opts.write && planned.length > 0) {
    const refusal = opts.allowDirty ? undefined : await dirtyRefusal(roots, planned);
    if (refusal) errors.push(refusal);
    else {
      const out = await writeRewrites(planned);
      written = out.written;
      errors.push(...out.errors);
    }
  }
  const writtenSet = new Set(written);
  const result = summarise(matches, writtenSet, opts);
  const code: 0 | 1 | 2 = errors.length > 0 ? 1 : result.open > 0 ? 2 : 0;
  for (const m of matches) delete m.edit;
  return {
    code,
    reportKind: loaded.kind,
    apps: loaded.apps,
    matches,
    files,
    diffs,
    written,
    errors,
    notices,
    summary: result.summary,
    nextSteps: nextSteps(opts, result, loaded.apps.length, errors.length > 0),
  };
}

async function* single(abs: string): AsyncGenerator<WalkedFile> {
  yield { abs, rel: path.basename(abs) };
}

const SEARCH_HINT = "After the report, pass the folders (or files) of client code to search: repositories, configuration, scripts.";

async function checkRoots(dirs: string[]): Promise<Root[]> {
  const out: Root[] = [];
  for (const arg of dirs) {
    const abs = path.resolve(arg);
    let info;
    try {
      info = await stat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(code === "ENOENT" ? `folder ${arg} does not exist` : `folder ${arg} cannot be read (${code ?? String(e)})`, SEARCH_HINT);
    }
    if (!info.isDirectory() && !info.isFile()) throw new UsageError(`${arg} is neither a folder nor a file`, SEARCH_HINT);
    out.push({ arg, abs, isFile: info.isFile() });
  }
  return out;
}

async function dirtyRefusal(roots: Root[], planned: PlannedWrite[]): Promise<CallerError | undefined> {
  const dirty: string[] = [];
  for (const root of new Set(planned.map((p) => p.root))) {
    const status = await gitDirty(root);
    if (status) dirty.push(`${roots.find((r) => r.abs === root || path.dirname(r.abs) === root)?.arg ?? root}:\n${status}`);
  }
  if (dirty.length === 0) return undefined;
  return {
    message: `nothing written: uncommitted changes in the git work tree of ${dirty.join("\n")}`,
    hint: "Commit or stash them first, so the rewrite is one reviewable change, or pass --allow-dirty.",
  };
}

interface Tally {
  summary: CallersResult["summary"];
  /** Items that still need a person or a run: exit 2 when above 0. */
  open: number;
  pendingCallerChanges: number;
}

function summarise(matches: CallerMatch[], written: Set<string>, opts: CallersOptions): Tally {
  const urls = matches.filter((m) => m.kind === "url");
  const rewritable = urls.filter((m) => m.rewrite);
  const rewritten = rewritable.filter((m) => written.has(m.file));
  const review = matches.filter((m) => REVIEW_KINDS.has(m.kind) || (m.kind === "url" && !m.rewrite));
  const otherApps = matches.filter((m) => m.kind === "other-app").length;
  const withChanges = matches.filter((m) => m.kind !== "other-app" && m.callerChanges.length > 0).length;
  const files = new Set(urls.map((m) => m.file)).size;
  const plural = (n: number, one: string, many = one + "s") => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
  const parts: string[] = [];
  if (opts.write) parts.push(`${plural(rewritten.length, "old webhook URL")} rewritten in ${plural(new Set(rewritten.map((m) => m.file)).size, "file")}`);
  else
    parts.push(`${plural(urls.length, "old webhook URL")} in ${plural(files, "file")} (${rewritable.length.toLocaleString("en-US")} to rewrite with --write)`);
  parts.push(`${plural(review.length, "place")} to review`);
  if (withChanges > 0) parts.push(`${plural(withChanges, "caller")} with contract changes`);
  if (otherApps > 0) parts.push(`${plural(otherApps, "URL")} of apps in no report`);
  const notRewritten = rewritable.length - rewritten.length;
  // After --write, a rewritten URL whose webhook has caller changes still needs a person.
  const open = opts.write ? notRewritten + review.length + rewritten.filter((m) => m.callerChanges.length > 0).length : urls.length + review.length;
  return {
    summary: {
      urls: urls.length,
      rewritable: rewritable.length,
      review: review.length,
      otherApps,
      rewritten: rewritten.length,
      callerChanges: withChanges,
      line: parts.join("; "),
    },
    open,
    pendingCallerChanges: withChanges,
  };
}

function nextSteps(opts: CallersOptions, t: Tally, apps: number, failed: boolean): NextStep[] {
  const base = `hookshift callers ${[opts.report, ...opts.dirs].map(shellWord).join(" ")}`;
  const s = t.summary;
  const steps: NextStep[] = [];
  if (failed) steps.push({ text: "Fix the errors above (each names its file), then run the same command again." });
  if (s.urls + s.review === 0) {
    steps.push({
      text: `No caller of the ${apps === 1 ? "app" : `${apps} apps`} here: search the other repositories and configuration that call the webhooks`,
      command: `hookshift callers ${shellWord(opts.report)} <other folder>`,
    });
    return steps;
  }
  if (opts.write) {
    if (s.rewritten > 0) steps.push({ text: "Review the rewrite and commit it", command: "git diff" });
  } else if (opts.dryRun) {
    if (s.rewritable > 0) steps.push({ text: `Rewrite the ${s.rewritable} URL${s.rewritable === 1 ? "" : "s"} shown`, command: `${base} --write` });
  } else if (s.rewritable > 0) {
    steps.push({ text: "See the rewrite as a diff (writes nothing)", command: `${base} --dry-run` });
    steps.push({ text: `Rewrite the ${s.rewritable} URL${s.rewritable === 1 ? "" : "s"} in place`, command: `${base} --write` });
  }
  if (s.review > 0)
    steps.push({ text: `Change the ${s.review} place${s.review === 1 ? "" : "s"} listed for review by hand (URLs built from parts, other hosts, paths)` });
  if (t.pendingCallerChanges > 0)
    steps.push({ text: "Make the caller changes listed under each URL (method, signature header, credentials …) when the callers switch" });
  steps.push({ text: "Ship the callers once the migrated app is pushed, then check that nothing calls the old URLs", command: base });
  return steps;
}
