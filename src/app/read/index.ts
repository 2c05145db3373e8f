// Reads one exported app into the model. One reader serves every format family: the layouts
// differ in where services and webhooks sit, not in what a webhook is, and real exports mix
// them (e.g. https://github.com/mongodb/docs-app-services/blob/master/examples/functions/functions_tester/root_config.json
// carries 20210101 fields), so every root is scanned whatever the version says.

import { lstatSync } from "node:fs";
import { realpath } from "node:fs/promises";
import path from "node:path";
import { detectApp, type Detection } from "../detect.js";
import { clip, finding, type Finding } from "../findings.js";
import { keepTree, locateIn, parseJson } from "../json.js";
import type { App, AppLayout, EndpointEntry, FunctionEntry, JsonFile, Service, Webhook, WebhookLayout } from "../model.js";
import { validate, type SchemaKind } from "../schemas/index.js";
import { byCodePoint, readAppFile, specialKind, toPosix } from "../../util/fs.js";
import { Listing } from "./listing.js";
import { walkApp, type AppWalk } from "./walk.js";
import type { OnProgress } from "../../util/progress.js";
import { readWebhook } from "./webhook.js";
import { AnalysisCache } from "./analysis-cache.js";
import type { SourceCheck } from "./source.js";

/** Folders never treated as part of an app's services (tool caches, VCS metadata). */
const IGNORED_DIRS = new Set([".git", "node_modules", ".DS_Store"]);

/**
 * `cacheAnalyses` (scan): webhook sources analysed by an earlier scan of this app are not parsed
 * again (analysis-cache.ts). Their facts then come without a tree, which only detection can use.
 */
export async function readApp(rootArg: string, detection?: Detection, onProgress?: OnProgress, { cacheAnalyses = false } = {}): Promise<App> {
  const root = path.resolve(rootArg);
  const realRoot = await realpath(root).catch(() => root);
  const analyses = cacheAnalyses ? AnalysisCache.open(realRoot) : undefined;
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
  const walk = walkApp(root, realRoot);
  const entries = walk.entries;
  const special = entries.filter((e) => !e.dirent.isDirectory() && !e.dirent.isFile() && !e.dirent.isSymbolicLink());
  app.files = entries
    .filter((e) => !e.dirent.isDirectory() && !special.includes(e))
    .map((e) => toPosix(e.path))
    .sort(byCodePoint);
  const listing = new Listing(entries);
  reportWalkSkips(walk, findings);
  reportSpecialFiles(
    root,
    special.map((e) => toPosix(e.path)),
    findings,
  );
  for (const bad of walk.badNames.sort(byCodePoint)) {
    findings.push(
      finding(
        "error",
        "invalid-file-name",
        `${bad} (shown with U+FFFD) has a name that is not valid UTF-8; hookshift can neither read it nor copy it with --out`,
        {
          file: bad,
          hint: "Rename it to a UTF-8 name (App Services names are UTF-8), then run hookshift again.",
        },
      ),
    );
  }
  await validateSmallConfigs(root, realRoot, app.files, findings);

  // Progress (phase "read"), service by service: the CLI's bar for a large app.
  const serviceTotal = onProgress
    ? (["services", "http_endpoints", "https_endpoints"] as const).reduce((n, top) => n + serviceFolders(listing, top).length, 0)
    : 0;
  for (const top of ["services", "http_endpoints", "https_endpoints"] as const) {
    for (const dirName of serviceFolders(listing, top)) {
      const service = await readService(root, realRoot, top, dirName, findings);
      app.services.push(service);
      app.webhooks.push(...(await readServiceWebhooks(root, realRoot, service, listing, findings, analyses?.check)));
      onProgress?.({ phase: "read", done: app.services.length, total: serviceTotal, unit: "services" });
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
  await analyses?.save();
  return app;
}

/**
 * A link whose target is outside the app is never followed: reading it would read someone else's
 * files into the app and its report, and copying them would put them into the converted app. It
 * is copied as a link. A link inside the app that would loop is not followed either.
 */
function reportWalkSkips(walk: AppWalk, findings: Finding[]): void {
  for (const { link, target } of [...walk.outside].sort((a, b) => byCodePoint(a.link, b.link))) {
    findings.push(
      finding(
        "warning",
        "symlink-outside-app",
        target === undefined
          ? `${link} is a symbolic link to a missing target; hookshift does not follow it`
          : `${link} is a symbolic link to ${target}, outside the app; hookshift does not follow it, so nothing in it is read, converted or reported`,
        {
          file: link,
          hint: "Copy the files into the app (replace the link with a real copy of what it points to), then run hookshift again.",
        },
      ),
    );
  }
  for (const { path: dir, code } of [...walk.unreadable].sort((a, b) => byCodePoint(a.path, b.path))) {
    findings.push(
      finding("error", "unreadable-folder", `${dir} cannot be opened (${code}), so nothing in it is read, converted or copied`, {
        file: dir,
        hint: "Make the folder readable by the user running hookshift (chmod, chown), then run hookshift again; migrate writes nothing for an app it could not read whole.",
      }),
    );
  }
  for (const { link, target } of [...walk.loops].sort((a, b) => byCodePoint(a.link, b.link))) {
    findings.push(
      finding(
        "info",
        "symlink-loop",
        `${link} is a symbolic link to ${target}, a folder it is already inside; hookshift reads that folder once and does not follow the link, which would never end`,
        {
          file: link,
          hint: "Remove the link if App Services should not see the folder twice.",
        },
      ),
    );
  }
}

/**
 * Named pipes, sockets and devices are no part of an export: reading a pipe would block until
 * something writes to it. They are neither read nor copied (the model's `files` leaves them out).
 */
function reportSpecialFiles(root: string, rels: string[], findings: Finding[]): void {
  for (const rel of rels.sort(byCodePoint)) {
    let kind = "a special file";
    try {
      kind = specialKind(lstatSync(path.join(root, rel)));
    } catch {
      // gone since the walk
    }
    findings.push(
      finding("warning", "special-file", `${rel} is ${kind}, not a regular file; hookshift does not read it, and --out does not copy it`, {
        file: rel,
        hint: "Replace it with the regular file from the original export, or remove it.",
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
async function readJsonFile<T>(
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
      const hint =
        r.reason === "outside-app"
          ? "Copy the files into the app instead of linking to them; hookshift never reads outside the app."
          : r.reason === "not-a-file" || r.reason === "too-large"
            ? "Replace it with the file from the original export."
            : undefined;
      findings.push(finding(r.reason === "missing" ? "warning" : "error", `config-${r.reason}`, `Cannot read ${file}: ${r.detail}`, { file, hint }));
    }
    return undefined;
  }
  const parsed = parseJson(r.text, file);
  findings.push(...parsed.findings);
  if (parsed.value === undefined) return { path: file, text: r.text, value: undefined };
  findings.push(...validate(kind, parsed.value, r.text, file, parsed));
  return keepTree({ path: file, text: r.text, value: parsed.value as T }, parsed);
}

async function readService(root: string, realRoot: string, top: Service["root"], dirName: string, findings: Finding[]): Promise<Service> {
  const dir = `${top}/${dirName}`;
  const service: Service = { name: dirName, dirName, dir, root: top, type: top === "services" ? "unknown" : "http" };
  const file = `${dir}/config.json`;
  const jf = await readJsonFile<Record<string, unknown>>(root, realRoot, file, "service-config", findings, true);
  if (!jf) {
    findings.push(
      finding(
        top === "services" ? "warning" : "info",
        "missing-service-config",
        `Service folder ${dir} has no config.json; ${top === "services" ? "its type is unknown" : "treating it as an HTTP service, as realm-cli does"}`,
        {
          file: dir,
          hint: "Restore the service's config.json from the original export.",
        },
      ),
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
          finding("warning", "name-mismatch", `Service config name "${clip(v.name)}" differs from its folder name "${dirName}"; using "${clip(v.name)}"`, {
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

async function readServiceWebhooks(
  root: string,
  realRoot: string,
  service: Service,
  listing: Listing,
  findings: Finding[],
  check?: SourceCheck,
): Promise<Webhook[]> {
  const layoutFor = (nested: boolean): WebhookLayout => (service.root === "services" ? "A" : service.root === "https_endpoints" ? "C" : nested ? "B" : "B′");
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
    const wh = readWebhook(root, realRoot, { service, ...loc }, listing, check);
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
        finding(
          "warning",
          "case-collision",
          `Services "${other.name}" and "${s.name}" differ only in case; their functions ${other.name}_... and ${s.name}_... collide on case-insensitive file systems`,
          {
            file: s.config?.path ?? s.dir,
            ...(s.config ? locateIn(s.config, ["name"]) : {}),
            needsReview: true,
            hint: "Work on the converted app on a case-sensitive file system, or rename one service.",
          },
        ),
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
