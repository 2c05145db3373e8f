// Reads one incoming webhook folder: config.json (validated, normalised) and source.js (read
// byte for byte, syntax-checked). Every problem is a finding on the webhook; nothing throws.

import { clip, finding, hasErrors, type Finding } from "../findings.js";
import type { Node } from "jsonc-parser";
import { keepTree, parseJson, positionAt, type ParsedJson } from "../json.js";
import type { AuthMode, HttpMethod, JsonFile, Service, ValidationMethod, Webhook, WebhookConfig, WebhookLayout } from "../model.js";
import { validate } from "../schemas/index.js";
import { readAppFileSync, readPlainFile } from "../../util/fs.js";
import type { Listing } from "./listing.js";
import { checkSource, type SourceCheck } from "./source.js";

export interface WebhookLocation {
  service: Service;
  dirName: string;
  /** App-relative folder of the webhook. */
  dir: string;
  layout: WebhookLayout;
}

export function readWebhook(root: string, realRoot: string, loc: WebhookLocation, listing?: Listing, check: SourceCheck = checkSource): Webhook {
  // A file the walk saw as a plain file needs no link check before it is read (listing.ts).
  const read = (rel: string) => (listing?.isPlainFile(rel) ? readPlainFile(root, realRoot, rel) : readAppFileSync(root, realRoot, rel));
  const findings: Finding[] = [];
  const configPath = `${loc.dir}/config.json`;
  const sourcePath = `${loc.dir}/source.js`;
  const webhook: Webhook = {
    id: `${loc.service.name}/${loc.dirName}`,
    service: loc.service,
    name: loc.dirName,
    dirName: loc.dirName,
    dir: loc.dir,
    layout: loc.layout,
    sourcePath,
    findings,
  };

  const cfgRead = read(configPath);
  if (!cfgRead.ok) {
    findings.push(
      finding("error", cfgRead.reason === "missing" ? "missing-config" : `config-${cfgRead.reason}`, `Webhook config cannot be read: ${cfgRead.detail}`, {
        file: configPath,
        hint:
          cfgRead.reason === "not-a-file" || cfgRead.reason === "too-large"
            ? "Replace it with the config.json from the original export."
            : "Every webhook folder needs a config.json; restore it from the original export.",
      }),
    );
  } else {
    const parsed = parseJson(cfgRead.text, configPath);
    findings.push(...parsed.findings);
    const value = parsed.value;
    const secrets = secretsIn(cfgRead.text, parsed, configPath);
    if (secrets) {
      webhook.otherSecretValues = secrets.values;
      findings.push(secrets.finding);
    }
    if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
      findings.push(finding("error", "schema", "A webhook config must be a JSON object", { file: configPath, line: 1, column: 1 }));
    } else if (value !== undefined) {
      const obj = value as Record<string, unknown>;
      webhook.configFile = keepTree({ path: configPath, text: cfgRead.text, value: obj } satisfies JsonFile<Record<string, unknown>>, parsed);
      const schemaFindings = validate("webhook-config", obj, cfgRead.text, configPath, parsed);
      findings.push(...schemaFindings);
      if (!hasErrors(schemaFindings)) {
        const at = (p: (string | number)[]) => ({ file: configPath, ...parsed.locate(p) });
        const cfg = normalise(obj, loc.service.type, findings, at);
        if (typeof obj.name === "string" && obj.name !== loc.dirName) {
          findings.push(
            finding(
              "warning",
              "name-mismatch",
              `Webhook config name "${clip(obj.name)}" differs from its folder name "${loc.dirName}"; using "${clip(obj.name)}"`,
              {
                ...at(["name"]),
                hint: "App Services requires the name to equal the folder name; rename one of them before you push.",
              },
            ),
          );
        }
        webhook.name = cfg.name;
        webhook.id = `${loc.service.name}/${cfg.name}`;
        webhook.config = cfg;
        webhook.authMode = authMode(cfg, findings, at);
      }
    }
  }

  const src = read(sourcePath);
  if (!src.ok) {
    const code =
      src.reason === "missing"
        ? "missing-source"
        : src.reason === "outside-app"
          ? "symlink-outside-app"
          : src.reason === "too-large"
            ? "source-too-large"
            : "unreadable-source";
    findings.push(
      finding("error", code, `Webhook source cannot be read: ${src.detail}`, {
        file: sourcePath,
        hint:
          src.reason === "outside-app"
            ? "Replace the link with the file itself; hookshift never reads outside the app."
            : "Restore source.js from the original export; the endpoint function is a copy of it.",
      }),
    );
  } else {
    webhook.source = src.text;
    // One parse for the syntax check and the facts the planner asks about.
    const checked = check(src.text, sourcePath);
    findings.push(...checked.findings);
    webhook.sourceFacts = checked.facts;
  }
  return webhook;
}

/**
 * A `secret` key written more than once (`"secret": "a", "secret": "b"`): JSON.parse keeps the
 * last value, but the text holds them all, and every one is redacted from the reports. Only a text
 * with two `"secret"` (or an escaped key) is walked; the position tree is built for it alone.
 */
function secretsIn(text: string, parsed: ParsedJson, file: string): { values: string[]; finding: Finding } | undefined {
  if (parsed.value === undefined || ((text.match(/"secret"/g)?.length ?? 0) < 2 && !text.includes("\\u"))) return undefined;
  const found: Node[] = [];
  const stack: Node[] = parsed.tree ? [parsed.tree] : [];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === "property" && n.children?.[0]?.value === "secret") found.push(n);
    stack.push(...(n.children ?? []));
  }
  if (found.length < 2) return undefined;
  found.sort((a, b) => a.offset - b.offset);
  const values = found.flatMap((n) => (typeof n.children?.[1]?.value === "string" && n.children[1].value !== "" ? [n.children[1].value as string] : []));
  return {
    values,
    finding: finding(
      "warning",
      "duplicate-secret-key",
      `"secret" is written ${found.length} times in this config; hookshift, like JSON.parse, uses the last one`,
      {
        file,
        ...positionAt(text, found[0]!.offset),
        needsReview: true,
        hint: 'Keep one "secret" key with the value your callers use; every value is redacted from the report.',
      },
    ),
  };
}

const METHODS: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY"];

function normalise(
  obj: Record<string, unknown>,
  serviceType: string,
  findings: Finding[],
  at: (p: (string | number)[]) => { file: string; line: number; column: number },
): WebhookConfig {
  const options = (obj.options && typeof obj.options === "object" ? obj.options : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const cfg: WebhookConfig = {
    name: typeof obj.name === "string" && obj.name !== "" ? obj.name : "",
    respondResult: obj.respond_result === true,
    runAsAuthedUser: obj.run_as_authed_user === true,
    runAsUserId: str(obj.run_as_user_id),
    runAsUserIdScriptSource: str(obj.run_as_user_id_script_source),
    fetchCustomUserData: obj.fetch_custom_user_data === true,
    createUserOnAuth: obj.create_user_on_auth === true,
  };
  if (typeof obj.run_as_system === "boolean") cfg.runAsSystem = obj.run_as_system;
  if (typeof obj.disable_arg_logs === "boolean") cfg.disableArgLogs = obj.disable_arg_logs;
  if (obj.can_evaluate && typeof obj.can_evaluate === "object" && Object.keys(obj.can_evaluate).length > 0) {
    cfg.canEvaluate = obj.can_evaluate as Record<string, unknown>;
  }
  if (typeof options.secret === "string" && options.secret !== "") cfg.secret = options.secret;

  if (obj.respond_result === undefined) {
    cfg.respondResult = true;
    findings.push(
      finding("warning", "missing-respond-result", "respond_result is missing; assuming true, the default of webhooks made in the UI", {
        ...at([]),
        needsReview: true,
        hint: 'Add "respond_result": true or false to say what the webhook did; the endpoint copies it.',
      }),
    );
  }

  if (serviceType === "http") {
    const m = options.httpMethod;
    if (typeof m === "string" && (METHODS as string[]).includes(m)) cfg.httpMethod = m as HttpMethod;
    else {
      cfg.httpMethod = "POST";
      findings.push(
        finding("warning", "missing-http-method", "options.httpMethod is missing; assuming POST, the default of webhooks made in the UI", {
          ...at(["options"]),
          needsReview: true,
          hint: "Set options.httpMethod to the method your callers use.",
        }),
      );
    }
    const v = options.validationMethod;
    if (typeof v === "string") cfg.validationMethod = v as ValidationMethod;
    if (options.secretAsQueryParam === true) {
      cfg.legacySecretAsQueryParam = true;
      if (cfg.validationMethod === undefined || cfg.validationMethod === "NO_VALIDATION") {
        cfg.validationMethod = "SECRET_AS_QUERY_PARAM";
        findings.push(
          finding("info", "legacy-secret-as-query-param", "Legacy option secretAsQueryParam: true read as validationMethod SECRET_AS_QUERY_PARAM", {
            ...at(["options", "secretAsQueryParam"]),
          }),
        );
      } else if (cfg.validationMethod !== "SECRET_AS_QUERY_PARAM") {
        findings.push(
          finding(
            "warning",
            "conflicting-validation",
            `secretAsQueryParam: true contradicts validationMethod ${cfg.validationMethod}; using ${cfg.validationMethod}`,
            {
              ...at(["options", "secretAsQueryParam"]),
              needsReview: true,
              hint: "Remove the option that is wrong.",
            },
          ),
        );
      }
    }
    if (cfg.validationMethod === undefined) {
      cfg.validationMethod = "NO_VALIDATION";
      findings.push(
        finding(cfg.secret ? "warning" : "info", "missing-validation-method", "options.validationMethod is missing; assuming NO_VALIDATION", {
          ...at(["options"]),
          needsReview: cfg.secret !== undefined,
          hint: cfg.secret ? "The webhook has a secret but no validation method; say which one it used." : undefined,
        }),
      );
    }
    if (cfg.validationMethod !== "NO_VALIDATION" && cfg.secret === undefined) {
      findings.push(
        finding(
          "warning",
          "missing-secret",
          `validationMethod ${cfg.validationMethod} without options.secret: the endpoint's Secret has no value to start from`,
          {
            ...at(["options"]),
            needsReview: true,
            hint: "Create the Secret by hand with the value your callers send.",
          },
        ),
      );
    }
  }
  return cfg;
}

/**
 * Execution user
 * (https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/);
 * conflicting settings are reported with the one that wins.
 */
function authMode(cfg: WebhookConfig, findings: Finding[], at: (p: (string | number)[]) => { file: string; line: number; column: number }): AuthMode {
  const set: string[] = [];
  if (cfg.runAsAuthedUser) set.push("run_as_authed_user");
  if (cfg.runAsSystem) set.push("run_as_system");
  if (cfg.runAsUserId) set.push("run_as_user_id");
  if (cfg.runAsUserIdScriptSource) set.push("run_as_user_id_script_source");
  const mode: AuthMode = cfg.runAsAuthedUser
    ? "application"
    : cfg.runAsSystem
      ? "system"
      : cfg.runAsUserId
        ? "user-id"
        : cfg.runAsUserIdScriptSource
          ? "script"
          : "system";
  if (set.length > 1) {
    findings.push(
      finding("warning", "conflicting-auth", `Several execution-user settings are set (${set.join(", ")}); ${set[0]} wins, as in App Services`, {
        ...at([set[0]!]),
        needsReview: true,
        hint: "Keep only the setting the webhook really used.",
      }),
    );
  }
  return mode;
}
