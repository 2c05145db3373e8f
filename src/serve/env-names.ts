// Secrets and Values from environment variables, one naming scheme (docs/deploy.md, "Secrets and
// Values"): `HOOKSHIFT_SECRET_<name>` and `HOOKSHIFT_VALUE_<name>`, the name as the app spells it
// (case kept). A character that cannot stand in a variable name (anything but ASCII letters,
// digits and `_`) is written `_x<hex>_` with its code point in upper-case hex: the Secret
// `stripe-key` is `HOOKSHIFT_SECRET_stripe_x2D_key`. Lookups go from the app's names to variable
// names (never back), so no name is guessed from the environment.

export const SECRET_ENV_PREFIX = "HOOKSHIFT_SECRET_";
const VALUE_ENV_PREFIX = "HOOKSHIFT_VALUE_";

/** The variable name that carries `name` under `prefix`. */
export function envName(prefix: string, name: string): string {
  let out = prefix;
  for (const ch of name) out += /[A-Za-z0-9_]/.test(ch) ? ch : `_x${ch.codePointAt(0)!.toString(16).toUpperCase()}_`;
  return out;
}

export interface ResolvedSecrets {
  secrets: Record<string, string>;
  /** Secrets the app needs that neither the environment nor the file holds, with their variable names. */
  missing: { name: string; variable: string; usedBy: string[] }[];
  /** Where each Secret came from (names only: a value is never printed). */
  sources: Record<string, "environment" | "file">;
}

/**
 * The Secrets the app refers to, from the environment first (a deployment's own setting wins) and
 * then the secrets file. Every other Secret in the file is kept too (webhook code may read none,
 * but a Value may be added later without a new file).
 */
export function resolveSecrets(refs: { name: string; usedBy: string }[], env: NodeJS.ProcessEnv, file: Record<string, string>): ResolvedSecrets {
  const secrets: Record<string, string> = { ...file };
  const sources: ResolvedSecrets["sources"] = Object.fromEntries(Object.keys(file).map((k) => [k, "file" as const]));
  const missing = new Map<string, { name: string; variable: string; usedBy: string[] }>();
  for (const ref of refs) {
    const variable = envName(SECRET_ENV_PREFIX, ref.name);
    const fromEnv = env[variable];
    if (fromEnv !== undefined) {
      secrets[ref.name] = fromEnv;
      sources[ref.name] = "environment";
    } else if (file[ref.name] === undefined) {
      const m = missing.get(ref.name) ?? { name: ref.name, variable, usedBy: [] };
      m.usedBy.push(ref.usedBy);
      missing.set(ref.name, m);
    }
  }
  return { secrets, missing: [...missing.values()], sources };
}

/**
 * Values set in the environment (`HOOKSHIFT_VALUE_<name>`) for the app's Values: the text as
 * JSON when it parses (`42`, `{"a":1}`, `"text"`), else the text itself.
 */
export function valueOverrides(names: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const text = env[envName(VALUE_ENV_PREFIX, name)];
    if (text === undefined) continue;
    try {
      out[name] = JSON.parse(text);
    } catch {
      out[name] = text;
    }
  }
  return out;
}
