// The shapes verify produces (verify.json, the console, verify.html) and the source analysis that
// feeds its case generation. Types only: each module below imports from here, nothing else.

import type { Difference } from "./compare.js";

/**
 * How one case ended:
 * - `equal`: both sides ran the function to an answer and nothing differs: evidence.
 * - `different`: something differs (status, headers, body, writes, outbound calls).
 * - `bothFailed`: both sides failed the same way (the same function error or time limit):
 *   shown with the error, never counted as evidence of equality.
 * - `emulatorDefault`: neither side ran the function; both answers come from a platform default
 *   of the shim (an auth failure, a method not allowed, a validation failure ...): shown, not
 *   counted as evidence.
 * - `callerChange`: neither side ran the function; both refused the request's credentials, and
 *   the refusals differ as documented (webhooks and endpoints answer authentication errors with
 *   different statuses and codes; docs/parity.md): what a caller sees changes, the function does
 *   not. Shown with both answers and listed among the caller changes; not evidence, not a
 *   difference of the migrated code.
 */
export type CaseOutcome = "equal" | "different" | "bothFailed" | "emulatorDefault" | "callerChange";

export interface CaseResult {
  name: string;
  /** 1: cases from the config and the source; 2 and later: cases made for branches not reached. */
  round: number;
  webhookStatus: number;
  endpointStatus: number;
  /** No difference found (kept from earlier versions of verify.json: also true for bothFailed and emulatorDefault). */
  equal: boolean;
  outcome: CaseOutcome;
  /** bothFailed: the shared error (and the line it was thrown on, when known); emulatorDefault: the platform outcome; callerChange: both answers. */
  reason?: string;
  differences: Difference[];
}

export interface Count {
  covered: number;
  total: number;
}

/** Line and branch coverage of one function source. Line numbers are 1-based lines of that source. */
export interface SourceCoverage {
  lines: Count;
  branches: Count;
  uncoveredLines: number[];
}

export interface WebhookCoverage extends SourceCoverage {
  /**
   * The migrated function: the lines it kept from the user's source (`lines`, `branches`,
   * `uncoveredLines` in the migrated file's own numbering) ...
   */
  migrated?: SourceCoverage;
  /** ... and the lines a rewrite rule added to it, reported apart from the user's own lines. */
  addedLines?: Count & { uncoveredLines: number[] };
}

/** `error`: verify itself failed on this webhook (the message is in `error`); the other webhooks go on. */
export type Verdict = "equal" | "different" | "unproven" | "unpaired" | "error";

export interface WebhookVerification {
  id: string;
  endpoint?: string;
  /** Kept from earlier versions: `equal` | `different` | `unpaired` (an unproven webhook is `equal` here, one verify failed on `different`). */
  result: "equal" | "different" | "unpaired";
  /** Why verify could not finish this webhook (verdict `error`). */
  error?: string;
  /** `unproven`: no difference, but no case ran the function to an answer on both sides. */
  verdict: Verdict;
  counts: { equal: number; different: number; bothFailed: number; emulatorDefault: number; callerChange: number };
  /** The user's own source as the webhook ran it (source.js), plus the migrated function apart. */
  coverage?: WebhookCoverage;
  /** Why verify could not exercise the function (unproven webhooks; or functions that cannot run locally). */
  unprovenReason?: string;
  cases: CaseResult[];
  callerChanges: string[];
  /** Review findings migrate raised for this webhook: the known differences that may explain these. */
  knownDifferences: string[];
}

/** One line of a source as verify.html shows it. */
export type LineState = "covered" | "uncovered" | "none";

/** A function source with its per-line coverage, for verify.html (not part of verify.json). */
export interface SourceView {
  /** App-relative path, e.g. `http_endpoints/api/incoming_webhooks/hello/source.js` or `functions/api_hello.js`. */
  file: string;
  text: string;
  /** One entry per line of `text` (index 0 is line 1). */
  lines: LineState[];
  /** Lines (1-based) a rewrite rule added: only for the migrated function. */
  added?: number[];
}

export interface VerifySummary {
  webhooks: number;
  cases: number;
  equal: number;
  different: number;
  bothFailed: number;
  emulatorDefault: number;
  /** Cases whose only difference is a documented change in how the platform refuses credentials. */
  callerChange: number;
  unpaired: number;
  unproven: number;
  /** Webhooks verify could not finish (verdict `error`). */
  errors: number;
  /** Median of the webhooks' own-line coverage, in percent (one decimal); undefined without coverage. */
  medianLineCoverage?: number;
  /** Lines covered / total over every webhook's own source. */
  lines?: Count;
  branches?: Count;
  /** Up to five webhooks with the lowest own-line coverage, lowest first. */
  weakest: { id: string; percent: number }[];
  /** Webhooks below --min-coverage. */
  belowMinCoverage: string[];
  line: string;
}

export interface VerifyResult {
  /** The original app's id (what `appservices push --remote` names), when its config has one. */
  appId?: string;
  webhooks: WebhookVerification[];
  /** Unresolved `hookshift-todo` markers in the migrated functions: verify fails while any remain. */
  markers: { function: string; rule: string; line: number; message: string }[];
  summary: VerifySummary;
  /** For verify.html: each webhook's sources with their line states (not written to verify.json). */
  views?: Record<string, { original: SourceView; migrated?: SourceView }>;
}

// ---------------------------------------------------------------------------------------------
// What a function reads (reads.ts), from its source

/** How the function reads its request body. */
export type BodyEncoding = "json" | "ejson" | "form" | "text" | "none";

export type FieldType = "string" | "number" | "boolean" | "objectId" | "date" | "array" | "object";

export interface FieldRef {
  from: "query" | "header" | "body";
  /** Query parameter or header name as written; for the body, a dotted path (`customer.id`). */
  name: string;
}

export interface FieldRead extends FieldRef {
  /** Plausible type, from how the value is used (`new BSON.ObjectId(x)` → objectId, `parseInt(x)` / `x > 3` → number ...). */
  type: FieldType;
  /** Literals the code compares the field with (`===`, `==`, `!==`, `switch` cases, `[..].includes(x)`), in source order, without repeats. */
  literals: (string | number | boolean)[];
  /** 1-based line of the first read. */
  line: number;
}

/** A value in a database filter. */
export type FilterValue =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "field"; field: FieldRef; objectId: boolean; number: boolean }
  | { kind: "unknown" };

export interface CollectionRead {
  service: string;
  db: string;
  collection: string;
  /** `findOne`, `find`, `updateOne`, `deleteOne`, `count` ... */
  method: string;
  /** Top-level filter fields (`{ _id: new BSON.ObjectId(query.id), status: "open" }`). */
  filter: Record<string, FilterValue>;
  line: number;
}

/** A field of a document the function read with `findOne` (or `findOneAndUpdate` ...) from a collection. */
export interface DocumentRef {
  db: string;
  collection: string;
  /** Dotted path in the document (`plan`, `address.country`). */
  path: string;
}

interface DocumentFieldRead extends DocumentRef {
  type: FieldType;
  /** Literals the code compares the field with, as for request fields. */
  literals: (string | number | boolean)[];
  line: number;
}

/** A branch condition (`if`, `?:`, `switch`, `&&`/`||`) that names request fields or fields of a read document. */
export interface ConditionRead {
  line: number;
  fields: FieldRef[];
  documentFields: DocumentRef[];
  literals: (string | number | boolean)[];
}

export interface FunctionReads {
  body: BodyEncoding;
  fields: FieldRead[];
  collections: CollectionRead[];
  /** `context.user` paths the function reads (`id`, `data.email`, `custom_data.plan`). */
  userFields: string[];
  /** Fields of documents the function read (what seeded documents should hold, and the values worth trying). */
  documentFields: DocumentFieldRead[];
  conditions: ConditionRead[];
}
