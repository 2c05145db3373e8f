// What the shim serves, built from the app model: the function runtime's AppSpec (functions,
// values with secrets resolved, environment, services) and the webhook and endpoint tables.

import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { parseJson } from "../app/json.js";
import type { App, EndpointEntry, FunctionEntry, Webhook } from "../app/model.js";
import { readAppFile } from "../util/fs.js";
import type { AppSpec } from "./functions/protocol.js";

export interface ServedEndpoint {
  entry: EndpointEntry;
  fn?: FunctionEntry;
  /** Source of the endpoint's function; undefined when the app lacks it (the endpoint answers an error). */
  source?: string;
}

export interface ServedApp {
  app: App;
  appId: string;
  spec: AppSpec;
  webhooks: Webhook[];
  endpoints: ServedEndpoint[];
  /** Secret name → value (from the --secrets file `migrate` wrote). */
  secrets: Record<string, string>;
  /** auth/custom_user_data.json, when enabled. */
  customUserData?: { mongo_service_name?: string; database_name?: string; collection_name?: string; user_id_field?: string };
  /** Problems the shim could not resolve (a from_secret Value without its secret ...). */
  warnings: string[];
  /** Every Secret the app refers to (an endpoint's secret_name, a from_secret Value), with what uses it; serve checks them at start. */
  secretRefs: { name: string; usedBy: string }[];
}

export interface ServeOptions {
  appId?: string;
  environment?: string;
  secrets?: Record<string, string>;
}

const DATA_SOURCE_TYPES = new Set(["mongodb-atlas", "mongodb", "datalake"]);

export async function buildServedApp(app: App, opts: ServeOptions = {}): Promise<ServedApp> {
  const warnings: string[] = [];
  const realRoot = app.root;
  const read = async (rel: string) => {
    const r = await readAppFile(app.root, realRoot, rel);
    return r.ok ? r.text : undefined;
  };
  const secrets = opts.secrets ?? {};

  // Functions: functions/config.json entries with functions/<name>.js, or legacy folders.
  const functions: AppSpec["functions"] = {};
  const manifest = Array.isArray(app.functionManifest?.value) ? app.functionManifest!.value : [];
  const entries = new Map<string, FunctionEntry>(manifest.filter((e) => e && typeof e.name === "string").map((e) => [e.name, e]));
  for (const name of app.functionNames) {
    const source = (await read(`functions/${name}.js`)) ?? (await read(`functions/${name}/source.js`));
    if (source !== undefined) functions[name] = { source, private: entries.get(name)?.private === true };
  }

  // Values: values/*.json; from_secret ones resolve through the secrets file.
  const values: Record<string, unknown> = {};
  const secretRefs: ServedApp["secretRefs"] = [];
  for (const f of app.files.filter((x) => /^values\/[^/]+\.json$/.test(x))) {
    const v = parseJson((await read(f)) ?? "", f).value as { name?: string; value?: unknown; from_secret?: boolean } | undefined;
    if (!v || typeof v.name !== "string") continue;
    if (v.from_secret && typeof v.value === "string") secretRefs.push({ name: v.value, usedBy: `Value ${v.name} (${f})` });
    if (v.from_secret) {
      const secret = typeof v.value === "string" ? secrets[v.value] : undefined;
      if (secret !== undefined) values[v.name] = secret;
      else
        warnings.push(
          `Value ${v.name} comes from Secret ${String(v.value)}, which the --secrets file does not hold; context.values.get("${v.name}") returns undefined`,
        );
    } else values[v.name] = v.value;
  }

  // Environment: environments/<tag>.json (the root config's `environment` unless --environment).
  const cfg = app.rootConfig?.value ?? {};
  const tag = opts.environment ?? (typeof cfg.environment === "string" ? cfg.environment : "");
  let envValues: Record<string, unknown> = {};
  const envText = await read(`environments/${tag || "no-environment"}.json`);
  if (envText !== undefined) {
    const v = parseJson(envText, "environment").value as { values?: Record<string, unknown> } | undefined;
    envValues = v?.values ?? {};
  } else if (opts.environment) warnings.push(`environments/${opts.environment}.json does not exist; context.environment.values is empty`);

  const services: Record<string, string> = {};
  for (const s of app.services) services[s.name] = s.type;
  for (const f of app.files) {
    const m = /^data_sources\/([^/]+)\/config\.json$/.exec(f);
    if (!m) continue;
    const v = parseJson((await read(f)) ?? "", f).value as { name?: string; type?: string } | undefined;
    services[v?.name ?? m[1]!] = v?.type ?? "mongodb-atlas";
  }
  if (!Object.values(services).some((t) => DATA_SOURCE_TYPES.has(t))) services["mongodb-atlas"] = "mongodb-atlas";

  const appId = opts.appId ?? app.appId ?? "local-app";
  const spec: AppSpec = {
    app: {
      id: appId,
      clientAppId: appId,
      name: app.name ?? path.basename(app.root),
      projectId: "000000000000000000000000",
      deployment: {
        model: typeof cfg.deployment_model === "string" ? cfg.deployment_model : "GLOBAL",
        providerRegion: typeof cfg.provider_region === "string" ? cfg.provider_region : "aws-us-east-1",
      },
      lastDeployed: "1970-01-01T00:00:00.000Z",
      hostingUri: "",
    },
    environment: { tag, values: envValues },
    functions,
    values,
    services,
  };
  const dependencies = await appDependencies(app.root, read);
  if (dependencies) spec.dependencies = dependencies;

  const endpoints: ServedEndpoint[] = [];
  for (const file of app.endpointFiles) {
    if (!Array.isArray(file.value)) continue;
    for (const entry of file.value) {
      if (!entry || typeof entry.route !== "string") continue;
      endpoints.push({ entry, fn: entries.get(entry.function_name), source: functions[entry.function_name]?.source });
      const validated = entry.validation_method === "SECRET_AS_QUERY_PARAM" || entry.validation_method === "VERIFY_PAYLOAD";
      if (validated && !entry.disabled && typeof entry.secret_name === "string")
        secretRefs.push({ name: entry.secret_name, usedBy: `endpoint ${String(entry.http_method)} ${entry.route}` });
    }
  }

  let customUserData: ServedApp["customUserData"];
  const cudText = await read("auth/custom_user_data.json");
  if (cudText) {
    const v = parseJson(cudText, "auth/custom_user_data.json").value as Record<string, unknown> | undefined;
    if (v?.enabled === true) customUserData = v as ServedApp["customUserData"];
  }

  return {
    app,
    appId,
    spec,
    webhooks: app.webhooks.filter((w) => w.config && w.source !== undefined),
    endpoints,
    secrets,
    customUserData,
    warnings,
    secretRefs,
  };
}

/**
 * The app's npm dependencies for `require`: its `functions/node_modules` folder (real path) and the
 * names `functions/package.json` lists (https://www.mongodb.com/docs/atlas/app-services/functions/dependencies/).
 */
async function appDependencies(root: string, read: (rel: string) => Promise<string | undefined>): Promise<AppSpec["dependencies"]> {
  let nodeModules: string | undefined;
  try {
    const dir = await realpath(path.join(root, "functions", "node_modules"));
    if ((await stat(dir)).isDirectory()) nodeModules = dir;
  } catch {
    // No node_modules folder.
  }
  const pkgText = await read("functions/package.json");
  const pkg = pkgText ? (parseJson(pkgText, "functions/package.json").value as { dependencies?: unknown } | undefined) : undefined;
  const declared = pkg?.dependencies && typeof pkg.dependencies === "object" ? Object.keys(pkg.dependencies as Record<string, unknown>) : [];
  if (!nodeModules && declared.length === 0) return undefined;
  return { ...(nodeModules ? { nodeModules } : {}), ...(declared.length ? { declared } : {}) };
}

/** Reads a `secrets.json` written by `migrate` (`{ "S_W": "value" }`). */
export async function readSecretsFile(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, "utf8");
  const v = parseJson(text, file).value;
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(`${file} is not a JSON object of secret names to values`);
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === "string")) as Record<string, string>;
}
