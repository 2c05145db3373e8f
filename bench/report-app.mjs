// A generated app for the HTML report's benchmark (bench/report-html.mjs) and browser test
// (test/report/html-browser.test.ts): N HTTP webhooks in services of 50, of the shapes
// bench/migrate.mjs uses, with every status the report shows: most convert, some need review
// (Respond With Result with response methods, a GitHub service), every 40th is already converted
// (the app has its endpoint and function) and every 97th fails (an unknown HTTP method).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const SHAPES = [
  (i) =>
    `exports = async function(payload, response) {\n  const body = EJSON.parse(payload.body.text());\n  const r = await context.services.get("mongodb-atlas").db("db").collection("c${i % 50}").insertOne(body);\n  response.setStatusCode(201);\n  return { id: r.insertedId };\n};\n`,
  (i) =>
    `// webhook ${i}\nexports = function({ query, headers }) {\n  if (!query.id) { return { error: "missing id" }; }\n  return { id: query.id, agent: headers["User-Agent"], note: "a long string literal that makes this line wider than the page, so the code block has to scroll sideways instead of being cut: ${"x".repeat(80)}" };\n};\n`,
  (i) =>
    `exports = async function(payload, response) {\n  const res = await context.services.get("api").get({ url: "https://example.com/items/${i}" });\n  response.setHeader("Content-Type", "application/json");\n  response.setBody(res.body.text());\n};\n`,
  (i) => `exports = function(payload) {\n  context.functions.execute("record", ${i}, payload.query);\n};\n`,
];
const METHODS = ["POST", "GET", "PUT", "ANY", "DELETE"];
const VALIDATION = ["NO_VALIDATION", "SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"];

/** Writes the app into `root` (an empty folder). */
export function generateReportApp(n, root) {
  const json = (file, value) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), JSON.stringify(value, null, 4) + "\n");
  };
  json("realm_config.json", { app_id: "bench-abcde", name: "bench", config_version: 20210101 });
  json("http_endpoints/api/config.json", { name: "api", type: "http", config: {} });
  mkdirSync(path.join(root, "functions"), { recursive: true });
  const endpoints = [];
  const functions = [];
  for (let s = 0; s < Math.ceil(n / 50); s++) json(`http_endpoints/svc${s}/config.json`, { name: `svc${s}`, type: "http", config: {} });
  for (let i = 0; i < n; i++) {
    const service = `svc${Math.floor(i / 50)}`;
    const name = `hook${i}`;
    const dir = `http_endpoints/${service}/incoming_webhooks/${name}`;
    const validation = VALIDATION[i % VALIDATION.length];
    const method = i % 97 === 96 ? "FETCH" : METHODS[i % METHODS.length];
    json(`${dir}/config.json`, {
      name,
      run_as_authed_user: false,
      run_as_user_id: "",
      run_as_user_id_script_source: "",
      can_evaluate: {},
      options: { httpMethod: method, ...(validation === "NO_VALIDATION" ? {} : { secret: `bench-secret-${i}` }), validationMethod: validation },
      respond_result: i % 4 !== 3,
      disable_arg_logs: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
    });
    const source = SHAPES[i % SHAPES.length](i);
    writeFileSync(path.join(root, dir, "source.js"), source);
    if (i % 40 === 39 && method !== "FETCH") {
      // An earlier conversion: the endpoint /S/W calling S_W with the webhook's settings.
      endpoints.push({
        route: `/${service}/${name}`,
        http_method: method === "ANY" ? "*" : method,
        function_name: `${service}_${name}`,
        validation_method: validation,
        ...(validation === "NO_VALIDATION" ? {} : { secret_name: `${service}_${name}` }),
        respond_result: i % 4 !== 3,
        fetch_custom_user_data: false,
        create_user_on_auth: false,
        disabled: false,
        return_type: "EJSON",
      });
      functions.push({ name: `${service}_${name}`, private: false, run_as_system: true, disable_arg_logs: true });
      writeFileSync(path.join(root, `functions/${service}_${name}.js`), source);
    }
  }
  json("functions/config.json", functions);
  json("http_endpoints/config.json", endpoints);
}
