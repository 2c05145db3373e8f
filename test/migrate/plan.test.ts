import { describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { planMigration } from "../../src/migrate/plan.js";
import type { MigrationPlan, WebhookPlan } from "../../src/plan/types.js";
import { RULE_IDS } from "../../src/rewrite/registry.js";
import { fixture } from "../helpers.js";

const plan = async (name: string, removeWebhooks = false) => planMigration(await readApp(fixture(name)), { removeWebhooks });
/** The conversion as App Services' "Convert" made it: no rewrite rules. */
const verbatim = async (name: string) => planMigration(await readApp(fixture(name)), { removeWebhooks: false, skipRules: RULE_IDS });
const wh = (p: MigrationPlan, id: string): WebhookPlan => {
  const w = p.webhooks.find((x) => x.id === id);
  if (!w) throw new Error(`no ${id}`);
  return w;
};
const file = (p: MigrationPlan, path: string) => p.files.find((f) => f.path === path);
const codes = (w: WebhookPlan) => w.findings.map((f) => f.code);

describe("endpoint and function entries, field by field (docs/mapping.md)", () => {
  it("system webhook with SECRET_AS_QUERY_PARAM: exactly the UI conversion's output plus return_type", async () => {
    const p = await verbatim("demo");
    const w = wh(p, "orders/createOrder");
    // It calls setStatusCode and returns a value: the documented respond_result difference applies.
    expect(w.status).toBe("needs-review");
    expect(w.findings.find((f) => f.code === "respond-result-response-methods")).toMatchObject({ needsReview: true, file: w.source + "/source.js" });
    expect(w.endpoint).toEqual({
      route: "/orders/createOrder",
      http_method: "POST",
      function_name: "orders_createOrder",
      validation_method: "SECRET_AS_QUERY_PARAM",
      secret_name: "orders_createOrder",
      respond_result: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
      disabled: false,
      return_type: "EJSON",
    });
    // Key order as App Services writes it.
    expect(Object.keys(w.endpoint!)).toEqual([
      "route",
      "http_method",
      "function_name",
      "validation_method",
      "secret_name",
      "respond_result",
      "fetch_custom_user_data",
      "create_user_on_auth",
      "disabled",
      "return_type",
    ]);
    expect(w.functionEntry).toEqual({ name: "orders_createOrder", private: false, run_as_system: true, disable_arg_logs: true });
    expect(p.secrets).toMatchObject({ orders_createOrder: "fixture-secret-01" });
    expect(w.newUrl).toBe("https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/createOrder");
    expect(w.oldUrl).toBe("https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/createOrder");
  });

  it("fixed user id: run_as_user_id copied, no secret_name with NO_VALIDATION", async () => {
    const w = wh(await plan("demo"), "orders/orderStatus");
    expect(w.status).toBe("converted");
    expect(w.endpoint).not.toHaveProperty("secret_name");
    expect(w.endpoint?.validation_method).toBe("NO_VALIDATION");
    expect(w.endpoint?.http_method).toBe("GET");
    expect(w.functionEntry).toMatchObject({ name: "orders_orderStatus", private: false, run_as_user_id: "5f1d2e3c4b5a697887766554" });
    expect(w.functionEntry).not.toHaveProperty("run_as_system");
  });

  it("application auth: no run_as field; user-data flags copied; review for body credentials, signature header and respond_result off", async () => {
    const w = wh(await verbatim("demo"), "orders/paymentEvent");
    expect(w.status).toBe("needs-review");
    expect(w.endpoint).toMatchObject({
      validation_method: "VERIFY_PAYLOAD",
      secret_name: "orders_paymentEvent",
      respond_result: false,
      fetch_custom_user_data: true,
    });
    expect(Object.keys(w.functionEntry!).filter((k) => k.startsWith("run_as"))).toEqual([]);
    expect(codes(w)).toEqual(expect.arrayContaining(["credentials-in-body", "signature-header", "respond-result-off"]));
  });

  it("every auth mode, can_evaluate and disable_arg_logs", async () => {
    const p = await plan("auth-modes");
    expect(wh(p, "auth/asSystem").functionEntry).toMatchObject({ run_as_system: true });
    expect(wh(p, "auth/asUser").functionEntry).toMatchObject({ run_as_user_id: "60a0000000000000000000b1" });
    expect(wh(p, "auth/asScript").functionEntry?.run_as_user_id_script_source).toMatch(/runAsSystem/);
    expect(codes(wh(p, "auth/asScript"))).toContain("user-script");
    expect(wh(p, "auth/asAuthed").endpoint).toMatchObject({ fetch_custom_user_data: true, create_user_on_auth: true });
    expect(wh(p, "auth/withRule").functionEntry).toMatchObject({
      can_evaluate: { "%%request.remoteIPAddress": { $in: ["127.0.0.1"] } },
      disable_arg_logs: false,
      run_as_system: true,
    });
    const legacy = wh(p, "auth/legacySystem").functionEntry!;
    expect(legacy.run_as_system).toBe(true);
    expect(legacy).not.toHaveProperty("run_as_user_id");
  });

  it("an empty can_evaluate is left out of the function, as the UI conversion did", async () => {
    const w = wh(await plan("demo"), "orders/createOrder");
    expect(w.functionEntry).not.toHaveProperty("can_evaluate");
  });

  it("ANY becomes *, HEAD becomes GET with a needs-review finding", async () => {
    expect(wh(await plan("layout-b-prime"), "hooks/echo").endpoint?.http_method).toBe("*");
    const head = wh(await plan("head-method"), "probe/ping");
    expect(head.endpoint?.http_method).toBe("GET");
    expect(head.status).toBe("needs-review");
    expect(head.findings.find((f) => f.code === "head-method")?.needsReview).toBe(true);
  });

  it("HEAD is a caller change: callers must send GET", async () => {
    const f = wh(await verbatim("head-method"), "probe/ping").findings.find((x) => x.code === "head-method")!;
    expect(f.message).toMatch(/callers must send GET instead of HEAD/);
    expect(f.hint).toMatch(/Change every caller to send GET/);
  });

  it("application authentication lists the endpoint's documented error answers as a caller change", async () => {
    const w = wh(await verbatim("demo"), "orders/paymentEvent");
    const f = w.findings.find((x) => x.code === "auth-error-status")!;
    expect(f).toMatchObject({ severity: "warning", needsReview: true });
    expect(f.message).toMatch(/400 InvalidParameter .*400 MissingParameter.*401 InvalidSession/);
    expect(codes(wh(await verbatim("demo"), "orders/createOrder"))).not.toContain("auth-error-status");
  });

  it("legacy secretAsQueryParam: true gives SECRET_AS_QUERY_PARAM with a Secret", async () => {
    const p = await plan("messy-names");
    const w = wh(p, "myService/save");
    expect(w.endpoint).toMatchObject({ route: "/myService/save", validation_method: "SECRET_AS_QUERY_PARAM", secret_name: "myService_save" });
    expect(p.secrets.myService_save).toBe("fixture-secret-10");
    expect(wh(p, "myService/getItems").endpoint?.route).toBe("/myService/getItems");
  });

  it("GitHub and Twilio webhooks get the same mapping and are marked needs-review", async () => {
    const p = await verbatim("layout-b-20210101");
    const gh = wh(p, "github/onRelease");
    expect(gh.status).toBe("needs-review");
    expect(gh.endpoint).toMatchObject({
      route: "/github/onRelease",
      http_method: "POST",
      function_name: "github_onRelease",
      validation_method: "NO_VALIDATION",
    });
    expect(codes(gh)).toContain("github-payload");
    const tw = wh(p, "twilio/smsIn");
    expect(tw.status).toBe("needs-review");
    expect(codes(tw)).toContain("twilio-payload");
  });

  it("names the respond_result difference when the source calls response methods and returns a value", async () => {
    const p = await plan("head-method");
    const w = wh(p, "probe/ping");
    const src = (await readApp(fixture("head-method"))).webhooks[0]!.source!;
    const applies = /addHeader|setStatusCode|setHeader|setBody/.test(src) && /return\s+[^;\s]/.test(src);
    expect(codes(w).includes("respond-result-response-methods")).toBe(applies);
  });
});

describe("with the rewrite rules (the default)", () => {
  it("respond_result with response methods: the rule keeps the webhook's behaviour, so nothing needs review", async () => {
    const w = wh(await plan("demo"), "orders/createOrder");
    expect(w.status).toBe("converted");
    expect(w.produced.map((p) => p.rule)).toContain("respond-result-response-methods");
    const f = w.findings.find((x) => x.code === "respond-result-response-methods")!;
    expect(f).toMatchObject({ needsReview: false, severity: "info" });
    expect(f.message).toMatch(/^Handled by rule respond-result-response-methods: /);
    expect(w.functionSource).toContain("// - hookshift:respond-result-response-methods - "); // its part of the compat block
  });

  it("VERIFY_PAYLOAD keeps its callers: the check moves into code, with a Value for the Secret", async () => {
    const p = await plan("demo");
    const w = wh(p, "orders/paymentEvent");
    expect(w.endpoint).toMatchObject({ validation_method: "NO_VALIDATION" });
    expect(w.endpoint).not.toHaveProperty("secret_name");
    expect(w.values).toEqual([{ name: "orders_paymentEvent_signing_secret", value: "orders_paymentEvent", from_secret: true, rule: "signature-header" }]);
    expect(file(p, "values/orders_paymentEvent_signing_secret.json")?.after).toBe(
      '{\n    "name": "orders_paymentEvent_signing_secret",\n    "value": "orders_paymentEvent",\n    "from_secret": true\n}\n',
    );
    expect(p.secrets.orders_paymentEvent).toBe("fixture-secret-02");
    // Credentials in the body stay a caller change a person must handle.
    expect(w.status).toBe("needs-review");
    expect(w.findings.filter((f) => f.needsReview).map((f) => f.code)).toEqual(["credentials-in-body", "auth-error-status"]);
  });

  it("--caller-changes keeps VERIFY_PAYLOAD and lists the header change instead", async () => {
    const p = planMigration(await readApp(fixture("demo")), { removeWebhooks: false, callerChanges: true });
    const w = wh(p, "orders/paymentEvent");
    expect(w.endpoint).toMatchObject({ validation_method: "VERIFY_PAYLOAD", secret_name: "orders_paymentEvent" });
    expect(w.findings.find((f) => f.code === "signature-header")?.needsReview).toBe(true);
  });

  it("GitHub and Twilio webhooks are rewritten; they still need review for their callers' set-up, and HEAD still does", async () => {
    const p = await plan("layout-b-20210101");
    // The payload differences are handled by the rules; GitHub's and Twilio's settings are not in the app.
    expect(wh(p, "github/onRelease").status).toBe("needs-review");
    expect(
      wh(p, "github/onRelease")
        .findings.filter((f) => f.needsReview)
        .map((f) => f.code),
    ).toEqual(["github-settings"]);
    expect(wh(p, "twilio/smsIn").status).toBe("needs-review");
    expect(
      wh(p, "twilio/smsIn")
        .findings.filter((f) => f.needsReview)
        .map((f) => f.code),
    ).toEqual(["twilio-settings"]);
    expect(JSON.parse(file(p, "values/twilio_smsIn_twilio_sid.json")!.after!)).toEqual({
      name: "twilio_smsIn_twilio_sid",
      value: expect.stringMatching(/^AC/),
      from_secret: false,
    });
    const tw = wh(p, "twilio/smsIn");
    expect(tw.functionSource).toContain("hookshiftTwilio.send(");
    expect(tw.values?.map((v) => v.name)).toEqual(["twilio_smsIn_twilio_sid", "twilio_smsIn_twilio_token"]);
    expect(wh(await plan("head-method"), "probe/ping").status).toBe("needs-review");
  });

  it("--rules and --skip-rules select rules; an unknown id blocks the run", async () => {
    const app = await readApp(fixture("demo"));
    const only = planMigration(app, { removeWebhooks: false, rules: ["signature-header"] });
    expect(wh(only, "orders/createOrder").status).toBe("needs-review");
    expect(wh(only, "orders/paymentEvent").endpoint?.validation_method).toBe("NO_VALIDATION");
    const bad = planMigration(app, { removeWebhooks: false, skipRules: ["no-such-rule"] });
    expect(bad.blocked).toBe(true);
    expect(bad.findings.map((f) => f.code)).toContain("unknown-rule");
  });
});

describe("merging into the app", () => {
  it("appends to the existing endpoint and function files, keeping their bytes", async () => {
    const app = await readApp(fixture("existing-endpoints"));
    const p = planMigration(app, { removeWebhooks: false });
    const ep = file(p, "http_endpoints/config.json")!;
    expect(ep.kind).toBe("modified");
    const before = app.endpointFiles[0]!.text;
    const closing = before.lastIndexOf("]");
    expect(ep.after!.startsWith(before.slice(0, before.lastIndexOf("}") + 1))).toBe(true);
    expect(closing).toBeGreaterThan(0);
    const entries = JSON.parse(ep.after!);
    expect(entries).toHaveLength(3);
    expect(entries.slice(0, 2)).toEqual(JSON.parse(before));
    const fn = JSON.parse(file(p, "functions/config.json")!.after!);
    expect(fn.map((e: { name: string }) => e.name)).toEqual([...JSON.parse(app.functionManifest!.text).map((e: { name: string }) => e.name), "legacy_hook"]);
    expect(file(p, "functions/legacy_hook.js")).toMatchObject({ kind: "added", after: app.webhooks[0]!.source });
  });

  it("creates http_endpoints/config.json and functions/config.json when the app has none", async () => {
    const p = await plan("layout-b-prime");
    expect(file(p, "http_endpoints/config.json")?.kind).toBe("added");
    expect(file(p, "functions/config.json")?.kind).toBe("added");
    expect(JSON.parse(file(p, "http_endpoints/config.json")!.after!).map((e: { route: string }) => e.route)).toEqual(["/hooks/echo", "/hooks/notify"]);
  });

  it("20230101 apps get their endpoints in https_endpoints/config.json; hybrids use the file they have", async () => {
    expect((await plan("layout-c-20230101")).endpointFile).toBe("https_endpoints/config.json");
    expect((await plan("hybrid-realm-https")).endpointFile).toBe("https_endpoints/config.json");
    expect((await plan("hybrid-root-config-v2021")).endpointFile).toBe("http_endpoints/config.json");
    expect((await plan("layout-b-20210101")).endpointFile).toBe("http_endpoints/config.json");
  });

  it("skips webhooks that are already converted and converts the rest", async () => {
    const p = await plan("already-converted");
    expect(wh(p, "httpServ/webhook0").status).toBe("already-converted");
    expect(wh(p, "httpServ/webhook1").status).toBe("converted");
    expect(p.secrets).toEqual({});
    const eps = JSON.parse(file(p, "http_endpoints/config.json")!.after!);
    expect(eps.filter((e: { route: string }) => e.route === "/httpServ/webhook0")).toHaveLength(1);
  });

  it("one broken webhook stops only itself", async () => {
    const p = await plan("bad-input");
    const status = Object.fromEntries(p.webhooks.map((w) => [w.name, w.status]));
    expect(status).toEqual({
      badJson: "failed",
      badMethod: "failed",
      badSyntax: "failed",
      collides: "failed",
      good: "converted",
      noSource: "failed",
      sourceIsDir: "failed",
    });
    expect(wh(p, "api/collides").findings.find((f) => f.code === "route-collision")).toMatchObject({ file: "http_endpoints/config.json", line: 2 });
    expect(p.files.map((f) => f.path)).toEqual(["functions/api_good.js", "functions/config.json", "http_endpoints/config.json"]);
  });

  it("the 20210101 planner refuses pre-2021 layouts (migrate upgrades them first)", async () => {
    for (const name of ["layout-a-20180301", "layout-a-20200603"]) {
      const p = await plan(name);
      expect(p.blocked).toBe(true);
      expect(p.files).toEqual([]);
      expect(p.findings.map((f) => f.code)).toContain("format-upgrade-required");
    }
  });

  it("--remove-webhooks removes the converted webhooks' files only", async () => {
    const p = await plan("already-converted", true);
    expect(p.files.filter((f) => f.kind === "removed").map((f) => f.path)).toEqual([
      "http_endpoints/httpServ/incoming_webhooks/webhook1/config.json",
      "http_endpoints/httpServ/incoming_webhooks/webhook1/source.js",
    ]);
  });

  it("two webhooks that map to the same function name: the second fails", async () => {
    const app = await readApp(fixture("demo"));
    const base = app.webhooks.find((w) => w.id === "orders/orderStatus")!;
    // a_b/c and a/b_c both become function a_b_c.
    const make = (service: string, name: string) => {
      const w = structuredClone(base);
      w.service = { ...w.service, name: service };
      w.config = { ...w.config!, name };
      w.name = name;
      w.id = `${service}/${name}`;
      return w;
    };
    app.webhooks = [make("a_b", "c"), make("a", "b_c")];
    const p = planMigration(app, { removeWebhooks: false });
    expect(p.webhooks.map((w) => [w.id, w.status])).toEqual([
      ["a/b_c", "converted"],
      ["a_b/c", "failed"],
    ]);
    expect(p.webhooks[1]!.findings.map((f) => f.code)).toContain("function-collision");
  });
});
