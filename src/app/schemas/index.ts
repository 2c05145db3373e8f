// JSON Schemas for every config file kind hookshift reads or writes, and one validator that
// turns schema violations into findings at `file:line:column` with a sentence a person can act on.
// The schemas are compiled ahead of time (ajv standalone: validators.generated.ts, written by
// scripts/gen-validators.mjs), so a run loads no ajv compiler. Messages never echo the value of a
// field named `secret`.

import type { ErrorObject, ValidateFunction } from "ajv";
import { parseTree, type Node } from "jsonc-parser";
import { finding, type Finding } from "../findings.js";
import { locate, pointerToPath } from "../json.js";
import { schema as appMeta } from "./app-meta.js";
import { schema as endpointsOutput } from "./endpoints-output.js";
import { schema as endpoints } from "./endpoints.js";
import { schema as functionManifestOutput } from "./function-manifest-output.js";
import { schema as functionManifest } from "./function-manifest.js";
import { schema as legacyFunctionConfig } from "./legacy-function-config.js";
import { schema as mdbMeta } from "./mdb-meta.js";
import { schema as realmConfig } from "./realm-config.js";
import { schema as rootConfig20230101 } from "./root-config-20230101.js";
import { schema as rootConfigV1 } from "./root-config-v1.js";
import { schema as serviceConfig } from "./service-config.js";
import { schema as value } from "./value.js";
import { schema as webhookConfig } from "./webhook-config.js";
import { validators } from "./validators.generated.js";

export type SchemaKind =
  | "webhook-config"
  | "service-config"
  | "endpoints"
  | "endpoints-output"
  | "function-manifest"
  | "function-manifest-output"
  | "legacy-function-config"
  | "root-config-v1"
  | "realm-config"
  | "root-config-20230101"
  | "value"
  | "mdb-meta"
  | "app-meta";

export const schemas: Record<SchemaKind, object> = {
  "webhook-config": webhookConfig,
  "service-config": serviceConfig,
  endpoints,
  "endpoints-output": endpointsOutput,
  "function-manifest": functionManifest,
  "function-manifest-output": functionManifestOutput,
  "legacy-function-config": legacyFunctionConfig,
  "root-config-v1": rootConfigV1,
  "realm-config": realmConfig,
  "root-config-20230101": rootConfig20230101,
  value,
  "mdb-meta": mdbMeta,
  "app-meta": appMeta,
};

function validator(kind: SchemaKind): ValidateFunction {
  return (validators as Record<SchemaKind, ValidateFunction>)[kind];
}

/**
 * Validates a parsed JSON value; every ajv error becomes a Finding (severity "error", code
 * "schema") with `file` and the line:column of the offending value. `required` errors point at
 * the parent object, `additionalProperties` errors at the extra key. Returns no findings when
 * `value` is undefined (the text was not usable JSON; `parseJson` has already reported that).
 * Positions come from `parsed`'s tree (read only when there is an error), else from parsing `text`.
 */
export function validate(kind: SchemaKind, value: unknown, text: string, file: string, parsed?: { readonly tree: Node | undefined }): Finding[] {
  if (value === undefined) return [];
  const fn = validator(kind);
  if (fn(value)) return [];
  const errors = fn.errors ?? [];

  let body = text;
  let tree = parsed?.tree;
  if (!tree) {
    // Same BOM handling as parseJson, so offsets match the file.
    body = text.charCodeAt(0) === 0xfeff ? " " + text.slice(1) : text;
    tree = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  }

  // A value of the wrong type also fails its enum/pattern/length checks; report only the type.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    if (err.keyword === "if") continue; // the failing `then` is reported on its own
    if (err.keyword !== "type" && typeErrorAt.has(err.instancePath)) continue;
    const described = describeError(err, value);
    if (!described) continue;
    const key = `${described.path.join("\u0000")}|${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = locate(tree, body, described.path);
    out.push(finding("error", "schema", described.message, { file, ...pos, hint: described.hint }));
  }
  return out;
}

interface Described {
  /** JSON path the finding points at. */
  path: (string | number)[];
  message: string;
  hint: string;
}

function describeError(err: ErrorObject, root: unknown): Described | undefined {
  const path = pointerToPath(err.instancePath);
  const field = fieldName(path);
  const subject = subjectName(path);
  const current = valueAt(root, path);
  const hidden = isSecretPath(path);
  const params = err.params as Record<string, unknown>;

  switch (err.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      if (err.schemaPath.includes("/then/") && missing === "secret_name") {
        const method = valueAt(current, ["validation_method"]);
        return {
          path,
          message: `${subject} is missing the required field "secret_name" (needed because validation_method is ${JSON.stringify(method)})`,
          hint: 'Set "secret_name" to the name of the Secret that holds the endpoint secret, or use validation_method NO_VALIDATION.',
        };
      }
      return {
        path,
        message: `${subject} is missing the required field "${missing}"`,
        hint: path.length === 0 ? `Add "${missing}" at the top level of the file.` : `Add "${missing}" to ${field}.`,
      };
    }
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      return {
        path: [...path, extra],
        message: `${subject} has an unknown field "${extra}"`,
        hint: `Remove "${extra}" or correct its spelling; only the documented fields are allowed here.`,
      };
    }
    case "type": {
      const expected = describeTypes(String(params.type));
      return {
        path,
        message: `${subject} must be ${expected} (found ${describeFound(current, hidden)})`,
        hint: `Change ${path.length === 0 ? "the file's content" : field} to ${expected}.`,
      };
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        path,
        message: `${subject} must be one of ${allowed.join(", ")} (found ${shown(current, hidden)})`,
        hint: `Use one of the listed values for ${field}; they are case-sensitive.`,
      };
    }
    case "const":
      return {
        path,
        message: `${subject} must be ${JSON.stringify(params.allowedValue)} (found ${shown(current, hidden)})`,
        hint: `Set ${field} to ${JSON.stringify(params.allowedValue)}.`,
      };
    case "pattern": {
      const pattern = String(params.pattern);
      if (pattern === "^/") {
        return {
          path,
          message: `${subject} must start with "/" (found ${shown(current, hidden)})`,
          hint: `Start ${field} with "/", e.g. "/hello".`,
        };
      }
      return {
        path,
        message: `${subject} must match the pattern ${pattern} (found ${shown(current, hidden)})`,
        hint: `Change ${field} so that it matches ${pattern}.`,
      };
    }
    case "minLength":
      return Number(params.limit) === 1
        ? { path, message: `${subject} must not be empty`, hint: `Give ${field} a value.` }
        : {
            path,
            message: `${subject} must be at least ${String(params.limit)} characters long`,
            hint: `Lengthen ${field}.`,
          };
    case "maxLength":
      return {
        path,
        message: `${subject} must be at most ${String(params.limit)} characters long`,
        hint: `Shorten ${field}.`,
      };
    case "format":
      return {
        path,
        message: `${subject} must be a valid ${String(params.format)} (found ${shown(current, hidden)})`,
        hint: `Correct ${field}.`,
      };
    default:
      return {
        path,
        message: `${subject} ${err.message ?? "is not valid"}`,
        hint: `Correct ${field} to match the App Services configuration format.`,
      };
  }
}

/** `options.httpMethod`, `[0].route`, `security.allowed_request_origins[1]`, `["odd key"]`; "" for the root. */
function fieldName(path: (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Sentence subject: "The file", "Entry [0]" for an array element at the top, or the field name. */
function subjectName(path: (string | number)[]): string {
  if (path.length === 0) return "The file";
  const name = fieldName(path);
  return typeof path[0] === "number" && path.length === 1 ? `Entry ${name}` : name;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** A field named `secret` (anywhere on the path) holds a plaintext secret: never echo it. */
function isSecretPath(path: (string | number)[]): boolean {
  return path.some((seg) => typeof seg === "string" && seg.toLowerCase() === "secret");
}

const typeNames: Record<string, string> = {
  string: "a string",
  boolean: "a boolean (true or false)",
  integer: "an integer",
  number: "a number",
  object: "an object",
  array: "an array",
  null: "null",
};

function describeTypes(list: string): string {
  return list
    .split(",")
    .map((t) => typeNames[t] ?? t)
    .join(" or ");
}

function jsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return "nothing";
  }
}

/** What was found, for type errors: `the string "yes"`, `the number 5`, `an object`. */
function describeFound(v: unknown, hidden: boolean): string {
  if (hidden) return `${jsonKind(v)}; value hidden`;
  if (typeof v === "string") return `the string ${quote(v)}`;
  if (typeof v === "number") return `the number ${String(v)}`;
  if (typeof v === "boolean" || v === null) return String(v);
  return jsonKind(v);
}

/** The offending value itself, for enum/pattern errors: `"FETCH"`, `5`, `an object`. */
function shown(v: unknown, hidden: boolean): string {
  if (hidden) return "value hidden";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  return jsonKind(v);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}
