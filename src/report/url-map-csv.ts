// url-map.csv of a fleet run: every webhook's old URL and its new endpoint URL, one row each, for
// the people (and scripts) that update the callers. RFC 4180 CSV
// (https://www.rfc-editor.org/rfc/rfc4180): CRLF line ends, a field in double quotes when it holds
// a comma, a quote, a line break or leading/trailing space, a quote doubled inside; a cell that
// would start a spreadsheet formula gets a leading apostrophe (csvField).

import type { FleetApp } from "./fleet-model.js";

const URL_MAP_HEADER = ["app", "app_id", "webhook", "method", "old_url", "new_url"];

export function csvField(s: string): string {
  // A cell a spreadsheet would run as a formula (=, +, -, @ first: a folder or webhook named so) is
  // kept as text with a leading apostrophe, as OWASP's CSV injection page advises
  // (https://owasp.org/www-community/attacks/CSV_Injection); URLs never start so.
  const text = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(fields: string[]): string {
  return fields.map(csvField).join(",") + "\r\n";
}

/** The whole file (a fleet of 1,000 apps of 25 webhooks is about 5 MB). */
export function renderUrlMapCsv(apps: FleetApp[]): string {
  const out = [csvRow(URL_MAP_HEADER)];
  for (const a of apps) for (const u of a.urls) out.push(csvRow([a.path, a.appId ?? "", u.webhook, u.method, u.oldUrl, u.newUrl ?? ""]));
  return out.join("");
}
