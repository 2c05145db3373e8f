// Secret values out of serve's log lines. The request URL already hides the `secret` query
// parameter (runtime/server.ts loggedUrl); this also covers a secret quoted anywhere else, such
// as a function's error message that includes a value it read from context.values.

const REDACTED = "«redacted»";

/** Replaces every occurrence of every secret value (longest first, so a value inside another goes with it). */
export function secretRedactor(values: string[]): (text: string) => string {
  const secrets = [...new Set(values.filter((v) => v.length > 0))].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}
