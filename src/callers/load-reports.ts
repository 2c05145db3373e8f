// Reads what `callers` searches for: one app's report.json (docs/report-format.md) or a fleet
// report's fleet.json (docs/report-format.md, "fleet.json"), whose apps each link their report
// relative to it (`apps[].links.report`, the app's report.html; report.json is beside it).
// Read defensively: a fleet entry without a report, or a report that cannot be read, is one error
// and the other apps go on.

import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { jsonErrorText } from "../app/json.js";
import { UsageError } from "../util/errors.js";
import { errorText } from "../util/fs.js";
import { callerChanges, type ReportWebhookLike } from "./contract.js";
import type { CallerError, KnownApp } from "./types.js";

export interface LoadedReports {
  kind: "report" | "fleet";
  apps: KnownApp[];
  errors: CallerError[];
  notices: string[];
  /**
   * The values of the apps' Secrets, from the secrets.json migrate writes beside each report.json:
   * client code may hold one outside a `secret=` parameter (`const KEY = "…"` above the URL), and
   * it must be redacted there too (excerpts, diff context). Never part of the output.
   */
  secretValues: string[];
  /**
   * The folders read (absolute): the report folder, or the fleet report folder and each app's. They
   * hold every old URL of the apps (report.json, index.md, url-map.csv …) and are not client code:
   * a search of a folder that holds them skips them, and --write never rewrites a report.
   */
  folders: string[];
}

/** The string values of secrets.json beside `reportFile`; none when there is none (or it is unreadable). */
async function secretsBeside(reportFile: string): Promise<string[]> {
  try {
    const doc = JSON.parse(await readFile(path.join(path.dirname(reportFile), "secrets.json"), "utf8")) as unknown;
    return isObject(doc) ? Object.values(doc).filter((v): v is string => typeof v === "string" && v !== "") : [];
  } catch {
    return [];
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A file that is not JSON: where (`file:line:column`) and why. */
class NotJson extends Error {}

async function readJson(file: string, shown: string): Promise<unknown> {
  const text = await readFile(file, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new NotJson(jsonErrorText(shown, text, e));
  }
}

const WHICH_REPORT = "Pass the report folder migrate wrote (it holds report.json; default <out>-hookshift-report), or a fleet report folder (fleet.json).";

async function kindOf(abs: string): Promise<"dir" | "file" | undefined> {
  try {
    const s = await stat(abs);
    return s.isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

/** `arg`: a report folder, a fleet report folder, or the report.json / fleet.json file itself. */
export async function loadReports(arg: string): Promise<LoadedReports> {
  const abs = path.resolve(arg);
  const kind = await kindOf(abs);
  if (!kind) throw new UsageError(`report ${arg} does not exist`, WHICH_REPORT);
  let file = abs;
  let shown = arg;
  if (kind === "dir") {
    if ((await kindOf(path.join(abs, "report.json"))) === "file") [file, shown] = [path.join(abs, "report.json"), path.join(arg, "report.json")];
    else if ((await kindOf(path.join(abs, "fleet.json"))) === "file") [file, shown] = [path.join(abs, "fleet.json"), path.join(arg, "fleet.json")];
    else throw new UsageError(`${arg} holds neither report.json nor fleet.json`, WHICH_REPORT);
  }
  let doc: unknown;
  try {
    doc = await readJson(file, shown);
  } catch (e) {
    throw new UsageError(e instanceof NotJson ? e.message : `${shown} cannot be read: ${errorText(e)}`, WHICH_REPORT);
  }
  if (isObject(doc) && Array.isArray(doc.webhooks)) {
    const app = toKnownApp(doc, shown);
    if (typeof app === "string") throw new UsageError(`${shown}: ${app}`);
    return { kind: "report", apps: [app], errors: [], notices: [], secretValues: await secretsBeside(file), folders: [path.dirname(file)] };
  }
  if (isObject(doc) && "apps" in doc) return loadFleet(doc, path.dirname(file), path.dirname(shown), shown);
  throw new UsageError(`${shown} is neither a hookshift report.json (no "webhooks" list) nor a fleet.json (no "apps" list)`, WHICH_REPORT);
}

async function loadFleet(doc: Json, dir: string, shownDir: string, shown: string): Promise<LoadedReports> {
  if (!Array.isArray(doc.apps))
    throw new UsageError(`${shown}: "apps" is not a list`, "Pass the fleet report folder that `hookshift migrate` wrote for several apps.");
  const out: LoadedReports = { kind: "fleet", apps: [], errors: [], notices: [], secretValues: [], folders: [dir] };
  for (const [i, entry] of doc.apps.entries()) {
    const label = isObject(entry) && typeof entry.path === "string" ? entry.path : `apps[${i}]`;
    // `links.report` (fleet migrate's fleet.json: the app's report.html, report.json beside it) or
    // `report` (the app's report folder, or its report.json), relative to fleet.json's folder.
    const links = isObject(entry) && isObject(entry.links) ? entry.links : {};
    let rel = typeof links.report === "string" ? links.report : isObject(entry) && typeof entry.report === "string" ? entry.report : "";
    if (rel === "") {
      const status = isObject(entry) && typeof entry.status === "string" ? ` (status ${entry.status})` : "";
      out.notices.push(`${shown}: ${label} has no report${status}: its migration wrote none; its callers are not searched`);
      continue;
    }
    if (rel.endsWith(".html")) rel = path.posix.join(path.posix.dirname(rel), "report.json");
    let file = path.resolve(dir, rel);
    let shownFile = path.join(shownDir, rel);
    if (!rel.endsWith(".json")) [file, shownFile] = [path.join(file, "report.json"), path.join(shownFile, "report.json")];
    try {
      const report = await readJson(file, shownFile);
      if (!isObject(report) || !Array.isArray(report.webhooks)) throw new Error('not a hookshift report.json (no "webhooks" list)');
      const app = toKnownApp(report, shownFile);
      if (typeof app === "string") throw new Error(app);
      out.apps.push(app);
      out.secretValues.push(...(await secretsBeside(file)));
      out.folders.push(path.dirname(file));
    } catch (e) {
      const why = e instanceof NotJson ? e.message : `${shownFile} ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : errorText(e)}`;
      out.errors.push({ file: shownFile, message: `${label}: ${why}; its callers are not searched`, hint: "Migrate that app again, or leave it out." });
    }
  }
  return out;
}

/** The app of a parsed report.json, or why it is not one. */
function toKnownApp(doc: Json, shown: string): KnownApp | string {
  const app = isObject(doc.app) ? doc.app : {};
  const appId = typeof app.appId === "string" && app.appId !== "" ? app.appId : undefined;
  const webhooks: KnownApp["webhooks"] = [];
  for (const w of doc.webhooks as unknown[]) {
    if (!isObject(w) || typeof w.service !== "string" || typeof w.name !== "string")
      return `a webhook entry has no service or name; is this a hookshift report.json?`;
    const rw = w as unknown as ReportWebhookLike;
    webhooks.push({
      id: typeof rw.id === "string" ? rw.id : `${rw.service}/${rw.name}`,
      service: rw.service,
      name: rw.name,
      status: typeof rw.status === "string" ? rw.status : "unknown",
      httpMethod: typeof rw.httpMethod === "string" ? rw.httpMethod : undefined,
      newUrl: typeof rw.newUrl === "string" ? rw.newUrl : undefined,
      route: typeof rw.route === "string" ? rw.route : undefined,
      callerChanges: callerChanges({ ...rw, findings: Array.isArray(rw.findings) ? (rw.findings.filter(isObject) as ReportWebhookLike["findings"]) : [] }),
    });
  }
  const output = isObject(doc.output) ? doc.output : {};
  const notWritten = doc.blocked === true ? "blocked" : output.mode === "dry-run" ? "dry-run" : undefined;
  return { report: shown, appId, name: typeof app.name === "string" ? app.name : undefined, ...(notWritten ? { notWritten } : {}), webhooks };
}
