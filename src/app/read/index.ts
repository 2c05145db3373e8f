// Reads one exported app into the model. One reader serves every format family: the layouts
// differ in where services and webhooks sit, not in what a webhook is, and real exports mix
// them (domain.md §1.1 "hybrids"), so every root is scanned whatever the version says.

import { realpath } from "node:fs/promises";
import path from "node:path";
import fg from "fast-glob";
import { detectApp, type Detection } from "../detect.js";
import { finding, type Finding } from "../findings.js";
import { keepTree, locateIn, parseJson } from "../json.js";
import type { App, AppLayout, EndpointEntry, FunctionEntry, JsonFile, Service, Webhook, WebhookLayout } from "../model.js";
import { validate, type SchemaKind } from "../schemas/index.js";
import { byCodePoint, isInside, readAppFile, toPosix } from "../../util/fs.js";
import { Listing } from "./listing.js";
import { readWebhook } from "./webhook.js";

/** Folders never treated as part of an app's services (tool caches, VCS metadata). */
const IGNORED_DIRS = new Set([".git", "node_modules", ".DS_Store"]);

export async function readApp(rootArg: string, detection?: Detection): Promise<App> {
  const root = path.resolve(rootArg);
  const realRoot = await realpath(root).catch(() => root);
  const det = detection ?? (await detectApp(root, realRoot));
  const findings: Finding[] = [...(det?.findings ?? [])];

  const app: App = {
    root,
    configVersion: det?.configVersion ?? "unknown",
    layout: "partial",
    services: [],
    webhooks: [],
    endpointFiles: [],
    functionNames: [],
    convertedSources: {},
    files: [],
    findings,
  };

  if (!det) {
    findings.push(
      finding("warning", "partial-export", "No root config (realm_config.json, root_config.json, config.json or stitch.json): reading a partial export", {
        file: ".",
        hint: "scan reads it; migrate needs the root config to write a pushable app.",
      }),
    );
  } else if (det.rootFile && det.rootText !== undefined && det.rootValue) {
    app.rootConfig = { path: det.rootFile, text: det.rootText, value: det.rootValue };
    const kind: SchemaKind =
      det.rootFile === "root_config.json" ? "root-config-20230101" : det.rootFile === "realm_config.json" ? "realm-config" : "root-config-v1";
    findings.push(...validate(kind, det.rootValue, det.rootText, det.rootFile));
    const v = det.rootValue;
    app.name = typeof v.name === "string" ? v.name : undefined;
    app.appId = typeof v.app_id === "string" ? v.app_id : undefined;
  }
  if (!app.appId) app.appId = await appIdFromMeta(root, realRoot);

  // Synchronous for the reason readAppFile gives (util/fs.ts): the walk is thousands of folders.
  const entries = fg.sync("**/*", { cwd: root, dot: true, onlyFiles: false, followSymbolicLinks: false, objectMode: true, ignore: ["**/.git/**"] });
  app.files = entries
    .filter((e) => !e.dirent.isDirectory())
    .map((e) => toPosix(e.path))
    .sort(byCodePoint);
  const listing = new Listing(entries);
  await reportLinksLeavingApp(root, realRoot, entries.filter((e) => e.dirent.isSymbolicLink()).map((e) => e.path), findings);
  await validateSmallConfigs(root, realRoot, app.files, findings);

  for (const top of ["services", "http_endpoints", "https_endpoints"] as const) {
    for (const dirName of serviceFolders(listing, top)) {
      const service = await readService(root, realRoot, top, dirName, findings);
      app.services.push(service);
      app.webhooks.push(...(await readServiceWebhooks(root, realRoot, service, listing, findings)));
    }
  }
  app.webhooks.sort((a, b) => byCodePoint(a.id, b.id));
  reportCaseCollisions(app);
  reportDuplicateWebhooks(app);

  for (const file of ["http_endpoints/config.json", "https_endpoints/config.json"]) {
    const jf = await readJsonFile<EndpointEntry[]>(root, realRoot, file, "endpoints", findings, true);
    if (jf) app.endpointFiles.push(jf);
  }
  await readFunctions(root, realRoot, app);
  for (const w of app.webhooks) {
    const name = `${w.service.name}_${w.name}`;
    if (!app.functionNames.includes(name)) continue;
    const r = await readAppFile(root, realRoot, `functions/${name}.js`);
    if (r.ok) app.convertedSources[name] = r.text;
  }
  app.layout = layoutOf(app, det);
  return app;
}

/**
 * A link whose target is outside the app is never followed: reading it would read someone else's
 * files, and copying it would copy them into the converted app. It is copied as a link.
 */
async function reportLinksLeavingApp(root: string, realRoot: string, links: string[], findings: Finding[]): Promise<void> {
  for (const link of links.sort(byCodePoint)) {
    const target = await realpath(path.join(root, link)).catch(() => undefined);
    if (target !== undefined && isInside(realRoot, target)) continue;
    findings.push(
      finding("warning", "symlink-outside-app", `${toPosix(link)} is a symbolic link to ${target ?? "a missing target"}, outside the app; hookshift does not follow it`, {
        file: toPosix(link),
        hint: "Replace the link with the file or folder it points to if the app needs it.",
      }),
    );
  }
}

/** Values and CLI metadata have schemas too; their problems are app findings. */
async function validateSmallConfigs(root: string, realRoot: string, files: string[], findings: Finding[]): Promise<void> {
  for (const file of files) {
    const kind: SchemaKind | undefined = /^values\/[^/]+\.json$/.test(file)
      ? "value"
      : file === ".mdb/meta.json"
        ? "mdb-meta"
        : file === ".mdb/app_meta.json"
          ? "app-meta"
          : undefined;
    if (kind) await readJsonFile(root, realRoot, file, kind, findings, true);
  }
}

async function appIdFromMeta(root: string, realRoot: string): Promise<string | undefined> {
  for (const file of [".mdb/meta.json", ".mdb/app_meta.json"]) {
    const r = await readAppFile(root, realRoot, file);
    if (!r.ok) continue;
    const v = parseJson(r.text, file).value as Record<string, unknown> | undefined;
    const id = v?.client_app_id ?? v?.app_id;
    if (typeof id === "string" && id) return id;
  }
  return undefined;
}

/** Reads a JSON config file, validates it, and returns it; problems go to `findings`. */
export async function readJsonFile<T>(
  root: string,
  realRoot: string,
  file: string,
  kind: SchemaKind,
  findings: Finding[],
  optional: boolean,
): Promise<JsonFile<T> | undefined> {
  const r = await readAppFile(root, realRoot, file);
  if (!r.ok) {
    if (r.reason !== "missing" || !optional) {
      findings.push(finding(r.reason === "missing" ? "warning" : "error", `config-${r.reason}`, `Cannot read ${file}: ${r.detail}`, { file }));
    }
    return undefined;
  }
  const parsed = parseJson(r.text, file);
  findings.push(...parsed.findings);
  if (parsed.value === undefined) return { path: file, text: r.text, value: undefined };
  findings.push(...validate(kind, parsed.value, r.text, file, parsed));
  return keepTree({ path: file, text: r.text, value: parsed.value as T }, parsed);
}

async function readService(
  root: string,
  realRoot: string,
  top: Service["root"],
  dirName: string,
  findings: Finding[],
): Promise<Service> {
  const dir = `${top}/${dirName}`;
  const service: Service = { name: dirName, dirName, dir, root: top, type: top === "services" ? "unknown" : "http" };
  const file = `${dir}/config.json`;
  const jf = await readJsonFile<Record<string, unknown>>(root, realRoot, file, "service-config", findings, true);
  if (!jf) {
    findings.push(
      finding(top === "services" ? "warning" : "info", "missing-service-config", `Service folder ${dir} has no config.json; ${top === "services" ? "its type is unknown" : "treating it as an HTTP service, as realm-cli does"}`, {
        file: dir,
        hint: "Restore the service's config.json from the original export.",
      }),
    );
    return service;
  }
  if (jf.value && typeof jf.value === "object") {
    service.config = jf;
    const v = jf.value;
    if (typeof v.type === "string") service.type = v.type;
    if (typeof v.name === "string" && v.name !== "") {
      service.name = v.name;
      if (v.name !== dirName) {
        findings.push(
          finding("warning", "name-mismatch", `Service config name "${v.name}" differs from its folder name "${dirName}"; using "${v.name}"`, {
            file,
            ...locateIn(jf, ["name"]),
            hint: "App Services names the service by its config; rename the folder to match before you push.",
          }),
        );
      }
    }
    if (top !== "services" && service.type !== "http") {
      findings.push(
        finding("warning", "unexpected-service-type", `${dir} holds a service of type "${service.type}"; ${top}/ holds HTTP services`, {
          file,
          hint: "Move it to services/ if it is not an HTTP service.",
        }),
      );
    }
  }
  return service;
}

/** The folders in `rel` that can hold services or webhooks (not tool caches or VCS metadata). */
function serviceFolders(listing: Listing, rel: string): string[] {
  return listing.subdirs(rel).filter((d) => !IGNORED_DIRS.has(d));
}

async function readServiceWebhooks(root: string, realRoot: string, service: Service, listing: Listing, findings: Finding[]): Promise<Webhook[]> {
  const layoutFor = (nested: boolean): WebhookLayout =>
    service.root === "services" ? "A" : service.root === "https_endpoints" ? "C" : nested ? "B" : "B′";
  const locations: { dirName: string; dir: string; layout: WebhookLayout }[] = [];

  const nested = `${service.dir}/incoming_webhooks`;
  for (const d of serviceFolders(listing, nested)) {
    locations.push({ dirName: d, dir: `${service.dir}/incoming_webhooks/${d}`, layout: layoutFor(true) });
  }
  for (const f of listing.files(nested)) {
    findings.push(strayFile(`${service.dir}/incoming_webhooks/${f}`));
  }
  // B′: http_endpoints/<svc>/<webhook>/ without the incoming_webhooks level (docs, March 2021).
  if (service.root !== "services") {
    for (const d of serviceFolders(listing, service.dir)) {
      if (d === "incoming_webhooks" || d === "rules") continue;
      const present = listing.files(`${service.dir}/${d}`);
      if (present.includes("config.json") || present.includes("source.js")) {
        locations.push({ dirName: d, dir: `${service.dir}/${d}`, layout: layoutFor(false) });
      } else {
        findings.push(
          finding("info", "stray-folder", `${service.dir}/${d} is neither a webhook (no config.json or source.js) nor rules; left as it is`, {
            file: `${service.dir}/${d}`,
          }),
        );
      }
    }
  }

  const webhooks: Webhook[] = [];
  for (const loc of locations) {
    const wh = readWebhook(root, realRoot, { service, ...loc }, listing);
    if (service.type !== "http" && service.type !== "github" && service.type !== "twilio") {
      wh.findings.push(
        finding("warning", "unsupported-service-type", `Webhook of a "${service.type}" service: hookshift converts http, github and twilio webhooks`, {
          file: wh.dir,
          needsReview: true,
          hint: "Check the service's config.json type; migrate leaves this webhook alone.",
        }),
      );
    }
    webhooks.push(wh);
  }
  return webhooks;
}


function strayFile(file: string): Finding {
  return finding("info", "stray-file", `${file} is not part of any webhook; left as it is`, { file });
}

/** Names that differ only in case collide on case-insensitive file systems (macOS, Windows). */
function reportCaseCollisions(app: App): void {
  const seen = new Map<string, Service>();
  for (const s of app.services) {
    const key = s.name.toLowerCase();
    const other = seen.get(key);
    if (other && other.name !== s.name) {
      app.findings.push(
        finding("warning", "case-collision", `Services "${other.name}" and "${s.name}" differ only in case; their functions ${other.name}_... and ${s.name}_... collide on case-insensitive file systems`, {
          file: s.config?.path ?? s.dir,
          ...(s.config ? locateIn(s.config, ["name"]) : {}),
          needsReview: true,
          hint: "Work on the converted app on a case-sensitive file system, or rename one service.",
        }),
      );
    }
    if (!other) seen.set(key, s);
  }
}

function reportDuplicateWebhooks(app: App): void {
  const seen = new Map<string, Webhook>();
  for (const w of app.webhooks) {
    const other = seen.get(w.id);
    if (other) {
      w.findings.push(
        finding("error", "duplicate-webhook", `Webhook ${w.id} is defined twice (${other.dir} and ${w.dir})`, {
          file: w.configFile?.path ?? w.dir,
          hint: "Remove one of them; App Services names must be unique within a service.",
        }),
      );
    } else seen.set(w.id, w);
  }
}

async function readFunctions(root: string, realRoot: string, app: App): Promise<void> {
  const names = new Set<string>();
  const manifest = await readJsonFile<FunctionEntry[]>(root, realRoot, "functions/config.json", "function-manifest", app.findings, true);
  if (manifest) {
    app.functionManifest = manifest;
    if (Array.isArray(manifest.value)) {
      for (const e of manifest.value) if (e && typeof e.name === "string") names.add(e.name);
    }
  }
  // Function source files (20210101+: functions/<name>.js; legacy: functions/<name>/source.js).
  for (const f of app.files) {
    if (!f.startsWith("functions/")) continue;
    const rest = f.slice("functions/".length);
    if (rest.endsWith("/source.js")) names.add(rest.slice(0, -"/source.js".length));
    else if (rest.endsWith(".js") && !app.configVersion.startsWith("2018") && !app.configVersion.startsWith("2020")) {
      names.add(rest.slice(0, -3));
    }
  }
  for (const f of app.files) {
    const m = /^functions\/([^/]+)\/config\.json$/.exec(f);
    if (!m) continue;
    const jf = await readJsonFile<Record<string, unknown>>(root, realRoot, f, "legacy-function-config", app.findings, true);
    const name = jf?.value && typeof jf.value.name === "string" ? jf.value.name : m[1]!;
    names.add(name);
  }
  app.functionNames = [...names].sort();
}

function layoutOf(app: App, det: Detection | undefined): AppLayout {
  if (!det || det.configVersion === "unknown") return "partial";
  const has = (prefix: string) => app.files.some((f) => f.startsWith(prefix));
  const reasons = [...det.hybridReasons];
  let base: AppLayout;
  if (det.configVersion === "20180301" || det.configVersion === "20200603") {
    base = "A";
    if (has("http_endpoints/") || has("https_endpoints/")) reasons.push("a pre-2021 app with http(s)_endpoints/");
  } else if (det.configVersion === "20210101") {
    base = "B";
    if (has("https_endpoints/")) reasons.push("a 20210101 app with https_endpoints/");
  } else {
    base = "C";
    if (app.webhooks.some((w) => w.service.root === "http_endpoints")) reasons.push("a 20230101 app with webhooks under http_endpoints/");
  }
  if (reasons.length > 0) {
    app.findings.push(
      finding("info", "hybrid-layout", `Hybrid export: ${reasons.join("; ")}. Reading every layout present.`, {
        file: det.rootFile,
      }),
    );
    return "hybrid";
  }
  return base;
}
