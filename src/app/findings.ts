// Findings: every problem or notable fact hookshift reports, with a position a reviewer can
// jump to and a sentence that says what to do. Nothing in hookshift throws at a user: readers,
// planners and writers return findings instead.

import { byCodePoint } from "../util/fs.js";

export type Severity = "error" | "warning" | "info";

export interface Finding {
  severity: Severity;
  /** Stable, greppable code, e.g. `json-syntax`, `name-mismatch`, `head-method`. */
  code: string;
  message: string;
  /** What the user should do about it, when there is something to do. */
  hint?: string;
  /** App-relative (or, for scan, root-relative) path with forward slashes. */
  file?: string;
  line?: number;
  column?: number;
  /** True when a person has to look at it before the migrated app goes live. */
  needsReview?: boolean;
  /** Id of the mapping or rewrite rule that raised it, when one did. */
  rule?: string;
}

export function finding(severity: Severity, code: string, message: string, extra: Omit<Finding, "severity" | "code" | "message"> = {}): Finding {
  return { severity, code, message, ...extra };
}

/** A name as a message shows it: at most 80 characters (an export can hold a 5 MB name). */
export function clip(name: string): string {
  return name.length > 80 ? `${name.slice(0, 77)}…` : name;
}

/** `path:line:column` (or less, when the position is unknown). */
export function formatLocation(f: Pick<Finding, "file" | "line" | "column">): string {
  if (!f.file) return "";
  if (f.line === undefined) return f.file;
  return `${f.file}:${f.line}:${f.column ?? 1}`;
}

const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order for output: by file, then position, then severity, then code. */
export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort(
    (a, b) =>
      byCodePoint(a.file ?? "", b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      order[a.severity] - order[b.severity] ||
      byCodePoint(a.code, b.code),
  );
}

export const hasErrors = (list: Finding[]): boolean => list.some((f) => f.severity === "error");
