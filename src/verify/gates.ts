// Requests that get past a webhook's `can_evaluate` (pure). A case the rule denies never reaches the
// function, so it proves nothing about it; verify first tries the header sets this module guesses
// from the rule, and sends every later case with the first set the webhook let through.
//
// The guesses: a header the rule compares (`%%request.requestHeaders.X-Api-Version: "2"`, `$in`,
// `$eq`, `$exists`), `%%request.httpUserAgent` / `httpReferrer` as User-Agent / Referer, and for a
// `%function` that receives one of those facts, each string literal of that function's source.
// Expression syntax: https://www.mongodb.com/docs/atlas/app-services/rules/expressions/

/** Request facts a caller sets through a header. */
const FACT_HEADERS: Record<string, string> = { "%%request.httpUserAgent": "User-Agent", "%%request.httpReferrer": "Referer" };
const HEADER_PREFIX = "%%request.requestHeaders.";
/** Most header sets to try: each is one request per side, before the other cases. */
const MAX_SETS = 8;

function headerOf(key: string): string | undefined {
  if (key.startsWith(HEADER_PREFIX)) return key.slice(HEADER_PREFIX.length) || undefined;
  return FACT_HEADERS[key];
}

function scalar(v: unknown): string | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/** Values that satisfy `v` as the value of a header key: a literal, `$eq`, `$in`, `$exists: true`. */
function valuesFor(v: unknown): string[] {
  const s = scalar(v);
  if (s !== undefined) return [s];
  if (!v || typeof v !== "object" || Array.isArray(v)) return [];
  const o = v as Record<string, unknown>;
  if (o.$eq !== undefined) return valuesFor(o.$eq);
  if (Array.isArray(o.$in)) return o.$in.map(scalar).filter((x): x is string => x !== undefined);
  if (o.$exists === true) return ["1"];
  return [];
}

/** String literals of a source, in order, without repeats. */
function literalsOf(source: string): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(/(["'])((?:\\.|(?!\1)[^\\\n])*)\1/g)) out.add(m[2]!);
  return [...out];
}

/**
 * Header sets worth trying for `canEvaluate` ([] when the rule is absent or names nothing a caller
 * sets). `functions` are the app's function sources by name, for `%function` rules.
 */
export function gateHeaderSets(canEvaluate: Record<string, unknown> | undefined, functions: Record<string, { source: string }>): Record<string, string>[] {
  if (!canEvaluate || Object.keys(canEvaluate).length === 0) return [];
  const direct: Record<string, string[]> = {};
  const viaFunction: { header: string; values: string[] }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      const header = headerOf(key);
      if (header) {
        const values = valuesFor(value);
        if (values.length) direct[header] = values;
      }
      if (key === "%function" && value && typeof value === "object") {
        const { name, arguments: args } = value as { name?: unknown; arguments?: unknown };
        const fn = typeof name === "string" ? functions[name] : undefined;
        const passed = Array.isArray(args) ? args.map((a) => (typeof a === "string" ? headerOf(a) : undefined)).filter((h): h is string => !!h) : [];
        if (fn) for (const h of passed) viaFunction.push({ header: h, values: literalsOf(fn.source) });
      }
      walk(value);
    }
  };
  walk(canEvaluate);

  const first = Object.fromEntries(Object.entries(direct).map(([h, vs]) => [h, vs[0]!]));
  const sets: Record<string, string>[] = [];
  if (Object.keys(first).length) sets.push(first);
  for (const [h, vs] of Object.entries(direct)) for (const v of vs.slice(1)) sets.push({ ...first, [h]: v });
  for (const { header, values } of viaFunction) for (const v of values) sets.push({ ...first, [header]: v });
  return sets.slice(0, MAX_SETS);
}
