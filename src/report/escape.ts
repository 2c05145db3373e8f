// HTML escaping, shared by report.html and verify.html (its own module so verify.html does not
// load diff2html with report.html).

const ESCAPED = /[&<>"']/;

/** Escapes text for HTML element content and attribute values. */
export function esc(text: string): string {
  // Most strings of a report need no escaping: test once before replacing.
  // A native pass per special character is several times faster than a callback per match on the
  // large diffs (a 60,000-line manifest is mostly quotes).
  return ESCAPED.test(text) ? text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;") : text;
}
