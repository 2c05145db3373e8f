import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { planMigration } from "../../src/migrate/plan.js";
import type { MigrationPlan } from "../../src/plan/types.js";
import { buildReport } from "../../src/report/build.js";
import { renderConsoleSummary } from "../../src/report/console.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { jsonValueSpans, REDACTED, Redactor, trieSource } from "../../src/report/redact.js";
import { tempDir } from "../helpers.js";

describe("secret redaction in file texts", () => {
  it("JSON: string values only, never keys; a value that is the secret goes whole, a name that contains it stays", () => {
    const r = new Redactor(["query", "http", "1"]);
    const text = '{\n  "query": "query",\n  "route": "/http/hook",\n  "function_name": "http_hook",\n  "url": "x?secret=query&n=1",\n  "n": 1 // query\n}\n';
    expect(r.file("a/config.json", text)).toBe(
      `{\n  "query": "${REDACTED}",\n  "route": "/http/hook",\n  "function_name": "http_hook",\n  "url": "x?secret=${REDACTED}&n=${REDACTED}",\n  "n": 1 // query\n}\n`,
    );
    expect(jsonValueSpans('{"a" : "b", /* "c": */ "d"\n:["e"]}').map(([s, e]) => '{"a" : "b", /* "c": */ "d"\n:["e"]}'.slice(s, e))).toEqual(["b", "e"]);
  });

  it("JavaScript: string literals, template text and comments, never identifiers, property names or element keys", () => {
    const r = new Redactor(["query", "param", "http", "1"]);
    const src = [
      "// reads the query param over http: 1 line",
      "exports = function (payload) {",
      "  const query = payload.query;",
      '  if (query["param"] === "param") return { "http": `Bearer ${query.param} param`, n: 1, u: \'https://h/x?secret=http\' };',
      '  return context.http.get({ url: "v1.2" });',
      "};",
    ].join("\n");
    expect(r.file("functions/f.js", src)).toBe(
      [
        // A comment is where a person pastes a value for later: redacted like a value.
        `// reads the ${REDACTED} ${REDACTED} over ${REDACTED}: ${REDACTED} line`,
        "exports = function (payload) {",
        "  const query = payload.query;",
        `  if (query["param"] === "${REDACTED}") return { "http": \`Bearer \${query.param} ${REDACTED}\`, n: 1, u: 'https://h/x?secret=${REDACTED}' };`,
        '  return context.http.get({ url: "v1.2" });',
        "};",
      ].join("\n"),
    );
  });

  it("a secret of 8 characters or more goes wherever it is inside a value: the end of a URL path, after a prefix", () => {
    const r = new Redactor(["S3cr3tV4lue", "http"]);
    const src = 'const u = "https://api.example.com/hooks/S3cr3tV4lue"; const t = `token-S3cr3tV4lue`; const p = "/http/hook";';
    expect(r.file("functions/f.js", src)).toBe(
      `const u = "https://api.example.com/hooks/${REDACTED}"; const t = \`token-${REDACTED}\`; const p = "/http/hook";`,
    );
    expect(r.file("a/config.json", '{"url": "https://x/y/S3cr3tV4lue", "S3cr3tV4lue": 1}')).toBe(`{"url": "https://x/y/${REDACTED}", "S3cr3tV4lue": 1}`);
  });

  it("other files: the whole text, still only where the secret stands apart", () => {
    expect(new Redactor(["tok"]).file("hosting/files/a.txt", "tok tokens atok tok.")).toBe(`${REDACTED} tokens atok ${REDACTED}.`);
  });

  it("escapes regex characters, takes the longest secret first, and the JSON-escaped form", () => {
    expect(trieSource(["abc", "abd", "ab", "x.y"])).toBe("(?:ab(?:c|d|)|x\\.y)");
    expect(new Redactor(["(s3cr3t)+[x]"]).value("(s3cr3t)+[x]")).toBe(REDACTED);
    expect(new Redactor(["ab", "abc"]).value("abc ab")).toBe(`${REDACTED} ${REDACTED}`);
    expect(new Redactor(['a"b']).file("c.json", '{"secret": "a\\"b"}')).toBe(`{"secret": "${REDACTED}"}`);
  });

  it("thousands of secrets sharing a prefix: each one whole", () => {
    const secrets = Array.from({ length: 5000 }, (_, i) => `fixture-secret-${i}`);
    expect(new Redactor(secrets).value("a fixture-secret-4999 b fixture-secret-12 c")).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });
});

// Secrets that are ordinary words: the report keeps every byte outside the values that hold them.
const SECRETS = { query: "query", param: "param", http: "http", one: "1" } as const;
const SECRET_WORDS = Object.values(SECRETS);

async function wordSecretsApp(): Promise<string> {
  const root = path.join(await tempDir(), "http-param");
  const put = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  };
  await put(
    "realm_config.json",
    JSON.stringify({ app_id: "query-1-abcde", name: "http-param", config_version: 20210101, location: "US-VA", deployment_model: "GLOBAL" }, null, 4) + "\n",
  );
  await put("http_endpoints/config.json", "[]\n");
  await put("functions/config.json", "[]\n");
  await put("http_endpoints/http/config.json", '{\n    "name": "http",\n    "type": "http",\n    "config": {}\n}\n');
  const hook = (name: string, method: string, validation: string, secret: string) =>
    JSON.stringify(
      {
        name,
        run_as_authed_user: false,
        run_as_user_id: "",
        run_as_user_id_script_source: "",
        options: { httpMethod: method, validationMethod: validation, secret },
        respond_result: true,
        disable_arg_logs: true,
        fetch_custom_user_data: false,
        create_user_on_auth: false,
      },
      null,
      4,
    ) + "\n";
  for (const [name, secret] of Object.entries(SECRETS)) {
    const validation = name === "param" ? "VERIFY_PAYLOAD" : "SECRET_AS_QUERY_PARAM";
    await put(`http_endpoints/http/incoming_webhooks/${name}/config.json`, hook(name, name === "query" ? "GET" : "POST", validation, secret));
    await put(
      `http_endpoints/http/incoming_webhooks/${name}/source.js`,
      [
        "// Reads the query param of an http request: 1 line.",
        "exports = function (payload) {",
        "  const query = payload.query || {};",
        `  if (query.param === ${JSON.stringify(secret)}) return { ok: 1, auth: "Bearer ${secret}" };`,
        `  return { ok: query["param"] === "x", url: "https://example.com/http/hook?secret=${secret}&n=2" };`,
        "};",
        "",
      ].join("\n"),
    );
  }
  return root;
}

const ctx = { version: "0.0.0", mode: "out" as const, root: "http-param", outDir: "http-param-1", secretsFile: "http-param-1-hookshift-report/secrets.json" };

function renderings(plan: MigrationPlan): Record<string, string> {
  const report = buildReport(plan, ctx);
  return {
    json: JSON.stringify(report, null, 2),
    md: renderMarkdown(report),
    html: renderHtml(report, ""),
    console: renderConsoleSummary(report, { color: false }),
  };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("secrets of any length (bench/fuzz.mjs)", () => {
  it("a secret of a megabyte is redacted: too long for one regular expression, found without one", () => {
    const long = "A".repeat(1_000_000);
    const r = new Redactor([long, "short-one", "B".repeat(300_000)]);
    const text = `{"secret": "${long}", "b": "${"B".repeat(300_000)}", "s": "short-one", "n": "x${long}"}`;
    // Over 256 characters a secret is redacted wherever it is, even inside a longer name.
    expect(r.file("c/config.json", text)).toBe(`{"secret": "${REDACTED}", "b": "${REDACTED}", "s": "${REDACTED}", "n": "x${REDACTED}"}`);
    expect(trieSource(["ab".repeat(200_000)])).toBe("ab".repeat(200_000));
  });

  // Quadratic matching took minutes here (bench/fuzz.mjs seed 1388); the test's time-out is the guard.
  it("a long secret made of one character in a longer run of it is found in one pass", () => {
    const r = new Redactor(["A".repeat(600_000), "B".repeat(200)]);
    const out = r.file("f.js", `// ${"A".repeat(1_900_000)}\n// ${"B".repeat(500_000)}\n`);
    expect(out).toBe(`// ${REDACTED.repeat(3)}${"A".repeat(100_000)}\n// ${REDACTED.repeat(2500)}\n`);
  }, 30_000);
});

describe("redaction keeps the report's own bytes (secrets query, param, http and 1)", () => {
  it("differs from an unredacted report only where a secret value was replaced, in md, html, json and console", async () => {
    const plan = planMigration(await readApp(await wordSecretsApp()), { removeWebhooks: true });
    expect(Object.values(plan.secrets).sort()).toEqual([...SECRET_WORDS].sort());
    // The same plan with secret values that occur nowhere: nothing is redacted, everything else is equal.
    const control: MigrationPlan = {
      ...plan,
      secrets: Object.fromEntries(Object.keys(plan.secrets).map((k, i) => [k, `\u0001never-${i}`])),
      secretValues: [],
    };
    const actual = renderings(plan);
    const expected = renderings(control);
    const word = `(?:${SECRET_WORDS.map(escapeRe).join("|")})`;
    for (const format of Object.keys(actual)) {
      const a = actual[format]!.split("\n");
      const e = expected[format]!.split("\n");
      expect(a.length, format).toBe(e.length);
      let redactedLines = 0;
      a.forEach((line, i) => {
        if (line === e[i]) return;
        redactedLines++;
        // The control line is the redacted one with a secret word at each «redacted».
        const shape = new RegExp(`^${line.split(REDACTED).map(escapeRe).join(word)}$`);
        expect(e[i], `${format} line ${i + 1}`).toMatch(shape);
        expect(line.split(REDACTED).length, `${format} line ${i + 1}`).toBeGreaterThan(1);
      });
      // report.json holds each diff on one line; the others show the removed configs and sources line by line.
      if (format === "console") expect(redactedLines).toBe(0);
      else expect(redactedLines, format).toBeGreaterThan(format === "json" ? 3 : 10);
    }
    // Names, URLs, codes and commands keep their bytes.
    expect(actual.json).toContain("--app query-1-abcde --name http_query --value");
    expect(actual.md).toContain("| `http_query` |");
    expect(actual.md).toContain("`GET /http/query` → function `http_query`");
    expect(actual.md).toContain("https://data.mongodb-api.com/app/query-1-abcde/endpoint/http/param");
    for (const code of ["url-change", "public-function", "return-type-ejson"]) expect(actual.json).toContain(`"code": "${code}"`);
  });

  it("no secret is left where it is a value", async () => {
    const plan = planMigration(await readApp(await wordSecretsApp()), { removeWebhooks: true });
    const report = buildReport(plan, ctx);
    const diffs = report.files.map((f) => f.diff).join("\n");
    expect(diffs).toContain(`"secret": "${REDACTED}"`);
    for (const s of SECRET_WORDS) {
      expect(diffs).not.toContain(`"secret": "${s}"`);
      expect(diffs).not.toContain(`=== "${s}"`);
      expect(diffs).not.toContain(`Bearer ${s}"`);
      expect(diffs).not.toContain(`secret=${s}&`);
    }
    // ... while the code around them is intact.
    expect(diffs).toContain("-  const query = payload.query || {};");
    expect(diffs).toContain('query["param"] === "x"');
  });
});
