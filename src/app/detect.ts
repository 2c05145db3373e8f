// Which config format a folder is. realm-cli's procedure
// (https://github.com/10gen/realm-cli/blob/master/internal/local/app.go), extended with the
// 20230101 `root_config.json` + `.mdb/meta.json` pair and the hybrids seen in real exports:
//   1. `.mdb/meta.json` (appservices CLI) or `.mdb/app_meta.json` (realm-cli v2) naming a known
//      config_version picks the root file for that version;
//   2. otherwise realm_config.json, config.json, stitch.json are tried in that order and the
//      last one present wins, as in realm-cli's loadAppRoot;
//   3. a root file without a config_version is not an app root (skips nested config.json files).
// Where realm-cli would give up on the winning file, we fall back to the next candidate and say so.

import { finding, type Finding } from "./findings.js";
import type { ConfigVersion } from "./model.js";
import { parseJson } from "./json.js";
import { readAppFile } from "../util/fs.js";

export interface Detection {
  configVersion: ConfigVersion;
  /** App-relative root config file, undefined for partial exports. */
  rootFile?: string;
  rootText?: string;
  rootValue?: Record<string, unknown>;
  /** Version recorded in `.mdb/meta.json` or `.mdb/app_meta.json`, if any. */
  metaVersion?: ConfigVersion;
  hybridReasons: string[];
  findings: Finding[];
}

const KNOWN: ConfigVersion[] = ["20180301", "20200603", "20210101", "20230101"];
const ROOT_FILE_FOR: Record<string, string> = {
  "20180301": "stitch.json",
  "20200603": "config.json",
  "20210101": "realm_config.json",
  "20230101": "root_config.json",
};

function asConfigVersion(v: unknown): ConfigVersion | undefined {
  const s = typeof v === "number" || typeof v === "string" ? String(v) : "";
  return (KNOWN as string[]).includes(s) ? (s as ConfigVersion) : undefined;
}

interface Candidate {
  file: string;
  text: string;
  value: Record<string, unknown> | undefined;
  version: ConfigVersion | undefined;
  findings: Finding[];
  notAFile?: boolean;
}

async function readCandidate(root: string, realRoot: string, file: string): Promise<Candidate | undefined> {
  const r = await readAppFile(root, realRoot, file);
  if (!r.ok && (r.reason === "not-a-file" || r.reason === "too-large")) {
    // A root file that is a named pipe (or the like), or huge, is still where the root config should be.
    const f = finding("error", `root-config-${r.reason}`, r.detail, { file, hint: "Replace it with the root config from the original export." });
    return { file, text: "", value: undefined, version: undefined, findings: [f], notAFile: true };
  }
  if (!r.ok) return undefined;
  const parsed = parseJson(r.text, file);
  const value = parsed.value && typeof parsed.value === "object" && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : undefined;
  return { file, text: r.text, value, version: asConfigVersion(value?.config_version), findings: parsed.findings };
}

/**
 * Detects the format of `root`. Returns undefined when the folder is not an app root at all
 * (no root file with a config version, and no 20230101 root_config.json).
 */
export async function detectApp(root: string, realRoot: string): Promise<Detection | undefined> {
  const findings: Finding[] = [];
  const hybridReasons: string[] = [];

  let metaVersion: ConfigVersion | undefined;
  for (const metaFile of [".mdb/meta.json", ".mdb/app_meta.json"]) {
    const meta = await readCandidate(root, realRoot, metaFile);
    if (meta?.version) {
      metaVersion = meta.version;
      break;
    }
  }

  // 20230101: root_config.json carries no config_version; the version lives in .mdb/meta.json.
  const rootConfig = await readCandidate(root, realRoot, "root_config.json");
  if (rootConfig && (metaVersion === "20230101" || metaVersion === undefined || rootConfig.version)) {
    findings.push(...rootConfig.findings);
    if (rootConfig.version && rootConfig.version !== "20230101") {
      hybridReasons.push(`root_config.json still carries config_version ${rootConfig.version}`);
    }
    if (rootConfig.value && "location" in rootConfig.value && "provider_region" in rootConfig.value) {
      hybridReasons.push("root_config.json carries both location and provider_region");
    }
    if (metaVersion === undefined) {
      findings.push(
        finding("info", "missing-meta", "root_config.json without .mdb/meta.json: reading it as a 20230101 app", {
          file: "root_config.json",
          hint: "appservices pull writes .mdb/meta.json; keep it next to root_config.json when you push.",
        }),
      );
    }
    return {
      configVersion: "20230101",
      rootFile: "root_config.json",
      rootText: rootConfig.text,
      rootValue: rootConfig.value,
      metaVersion,
      hybridReasons,
      findings,
    };
  }

  const candidates: Candidate[] = [];
  if (metaVersion && metaVersion !== "20230101") {
    const c = await readCandidate(root, realRoot, ROOT_FILE_FOR[metaVersion]!);
    if (c?.version) candidates.push(c);
  }
  // realm-cli tests these in order and keeps the last hit; we keep them all, last first.
  const present: Candidate[] = [];
  for (const file of ["realm_config.json", "config.json", "stitch.json"]) {
    const c = await readCandidate(root, realRoot, file);
    if (c) present.push(c);
  }
  candidates.push(...present.reverse());
  const winner = candidates.find((c) => c.version);
  if (!winner) {
    // A root file that is broken JSON is still the app root: report it rather than skip the app.
    const broken = present.find((c) => c.value === undefined && c.file !== "config.json");
    if (broken) {
      return {
        configVersion: "unknown",
        rootFile: broken.file,
        rootText: broken.text,
        metaVersion,
        hybridReasons,
        findings: broken.notAFile
          ? broken.findings
          : [
              ...broken.findings,
              finding("error", "root-config-unreadable", `${broken.file} is not valid JSON, so the config version is unknown`, {
                file: broken.file,
                line: 1,
                column: 1,
                hint: "Fix the JSON syntax of the root config.",
              }),
            ],
      };
    }
    return undefined;
  }
  findings.push(...winner.findings);
  const others = present.filter((c) => c.file !== winner.file && c.version);
  if (others.length > 0) {
    findings.push(
      finding(
        "warning",
        "several-root-configs",
        `Several root config files: ${[winner, ...others].map((c) => c.file).join(", ")}; using ${winner.file} (config_version ${winner.version})`,
        { file: winner.file, hint: "Remove the stale root config files so every tool reads the same one." },
      ),
    );
    hybridReasons.push(`several root config files (${[winner, ...others].map((c) => c.file).join(", ")})`);
  }
  const expected = ROOT_FILE_FOR[winner.version!];
  if (expected !== winner.file) {
    hybridReasons.push(`${winner.file} declares config_version ${winner.version}, whose root file is ${expected}`);
  }
  if (metaVersion && metaVersion !== winner.version) {
    hybridReasons.push(`.mdb metadata says ${metaVersion} but ${winner.file} says ${winner.version}`);
  }
  return {
    configVersion: winner.version!,
    rootFile: winner.file,
    rootText: winner.text,
    rootValue: winner.value,
    metaVersion,
    hybridReasons,
    findings,
  };
}
