// JSON Schemas (draft-07) of the fleet files a fleet run writes: fleet.json (fleet migrate) and
// the fleet verify.json, as documented in docs/report-format.md ("fleet.json"). Output schemas:
// hookshift writes these files and tests check what it writes against them (test/fleet/), so a
// reader can rely on the shape. `additionalProperties: false` where the shape is hookshift's own.

import { DRAFT_07, schemaId } from "../app/schemas/common.js";

const count = { type: "integer", minimum: 0 } as const;
const exit = { enum: [0, 1, 2] } as const;
const str = { type: "string" } as const;

const findingSchema = {
  type: "object",
  required: ["severity", "code", "message"],
  properties: {
    severity: { enum: ["error", "warning", "info"] },
    code: str,
    message: str,
    hint: str,
    file: { type: "string", description: "Relative to the app folder, with /." },
    line: { type: "integer", minimum: 1 },
    column: { type: "integer", minimum: 1 },
    needsReview: { type: "boolean" },
    rule: str,
  },
  additionalProperties: false,
} as const;

const appSchema = {
  type: "object",
  required: [
    "path",
    "root",
    "format",
    "status",
    "exit",
    "webhooks",
    "converted",
    "needsReview",
    "appNeedsReview",
    "alreadyConverted",
    "failed",
    "filesChanged",
    "line",
    "links",
    "errors",
    "review",
    "secrets",
    "urls",
    "notices",
  ],
  properties: {
    path: { type: "string", description: "The app's folder relative to the fleet's base, with /; its output is <out>/<path>, its report <report>/<path>." },
    root: { type: "string", description: "The app folder as the user would type it (relative to the working directory)." },
    appId: str,
    name: str,
    format: { type: "string", description: "Config format (20180301, 20200603, 20210101, 20230101), or unknown." },
    layout: str,
    status: { enum: ["migrated", "skipped", "failed", "planned"] },
    exit,
    webhooks: count,
    converted: count,
    needsReview: count,
    appNeedsReview: count,
    alreadyConverted: count,
    failed: count,
    filesChanged: count,
    line: str,
    links: {
      type: "object",
      required: ["original"],
      properties: { report: str, output: str, original: str },
      additionalProperties: false,
      description: "Relative to the fleet report folder, with /.",
    },
    errors: { type: "array", items: findingSchema },
    review: {
      type: "array",
      items: { type: "object", required: ["finding"], properties: { webhook: str, finding: findingSchema }, additionalProperties: false },
    },
    secrets: {
      type: "array",
      items: { type: "object", required: ["name", "command"], properties: { name: str, command: str }, additionalProperties: false },
    },
    urls: {
      type: "array",
      items: {
        type: "object",
        required: ["webhook", "method", "oldUrl"],
        properties: { webhook: str, method: str, oldUrl: str, newUrl: str },
        additionalProperties: false,
      },
    },
    notices: { type: "array", items: str },
    inputHash: { type: "string", pattern: "^[0-9a-f]{64}$" },
  },
  additionalProperties: false,
} as const;

export const fleetSchema = {
  $schema: DRAFT_07,
  $id: schemaId("fleet"),
  title: "hookshift fleet.json",
  description: "The summary of a fleet migrate: one row per app (docs/report-format.md, fleet.json).",
  type: "object",
  required: ["formatVersion", "kind", "tool", "mode", "base", "summary", "apps"],
  properties: {
    formatVersion: { const: 1 },
    kind: { const: "fleet" },
    tool: { type: "object", required: ["name", "version"], properties: { name: { const: "hookshift" }, version: str }, additionalProperties: false },
    mode: { enum: ["out", "in-place", "dry-run"] },
    base: str,
    out: str,
    reportDir: str,
    summary: {
      type: "object",
      required: [
        "apps",
        "migrated",
        "skipped",
        "failedApps",
        "planned",
        "webhooks",
        "converted",
        "needsReview",
        "appNeedsReview",
        "alreadyConverted",
        "failed",
        "secrets",
        "exit",
        "line",
      ],
      properties: {
        apps: count,
        migrated: count,
        skipped: count,
        failedApps: count,
        planned: count,
        webhooks: count,
        converted: count,
        needsReview: count,
        appNeedsReview: count,
        alreadyConverted: count,
        failed: count,
        secrets: count,
        exit,
        line: str,
      },
      additionalProperties: false,
    },
    apps: { type: "array", items: appSchema },
  },
  additionalProperties: false,
} as const;

const verdicts = {
  type: "object",
  required: ["equal", "different", "unproven", "unpaired", "error"],
  properties: { equal: count, different: count, unproven: count, unpaired: count, error: count },
  additionalProperties: false,
} as const;
const covered = { type: "object", required: ["covered", "total"], properties: { covered: count, total: count }, additionalProperties: false } as const;

export const fleetVerifySchema = {
  $schema: DRAFT_07,
  $id: schemaId("fleet-verify"),
  title: "hookshift fleet verify.json",
  description: "The summary of `verify --fleet`: one row per app of the fleet (docs/report-format.md, fleet verify.json).",
  type: "object",
  required: ["formatVersion", "kind", "tool", "summary", "apps"],
  properties: {
    formatVersion: { const: 1 },
    kind: { const: "fleet-verify" },
    tool: { type: "object", required: ["name", "version"], properties: { name: { const: "hookshift" }, version: str }, additionalProperties: false },
    summary: {
      type: "object",
      required: ["apps", "verified", "notVerified", "failed", "webhooks", "equal", "different", "unproven", "unpaired", "error", "exit", "line"],
      properties: {
        apps: count,
        verified: count,
        notVerified: count,
        failed: count,
        webhooks: count,
        equal: count,
        different: count,
        unproven: count,
        unpaired: count,
        error: count,
        exit,
        line: str,
      },
      additionalProperties: false,
    },
    apps: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "status", "exit", "webhooks", "cases", "verdicts", "markers", "line", "links"],
        properties: {
          path: str,
          appId: str,
          status: { enum: ["verified", "not-verified", "failed"] },
          exit,
          webhooks: count,
          cases: count,
          verdicts,
          medianLineCoverage: { type: "number", minimum: 0, maximum: 100 },
          lines: covered,
          branches: covered,
          markers: count,
          line: str,
          error: str,
          links: {
            type: "object",
            required: ["original"],
            properties: { verify: str, report: str, original: str, migrated: str },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;
