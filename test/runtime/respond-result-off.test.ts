// Respond With Result off: the webhook and the endpoint the `respond-result-off` rule rewrote
// answer the same status, also when the function sets only a header (the webhook answers 200; an
// endpoint without the rule's help answers 204). Runs the pipelines over an in-process runner.

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rule } from "../../src/rewrite/rules/respond-result-off.js";
import { readApp } from "../../src/app/read/index.js";
import { ruleCases, runCase } from "../../src/rewrite/fixtures.js";
import { buildServedApp } from "../../src/runtime/app-spec.js";
import { storeBackend } from "../../src/runtime/functions/db-bridge.js";
import { runInProcess } from "../../src/runtime/functions/sandbox.js";
import type { ShimRequest } from "../../src/runtime/http.js";
import type { PipelineDeps } from "../../src/runtime/pipeline.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { dispatch } from "../../src/runtime/server.js";
import { openStore } from "../../src/runtime/store/index.js";
import { UserStore } from "../../src/runtime/users.js";
import { tempDir } from "../helpers.js";

const APP_ID = "rroff-abcde";

/** An app with webhook api/hook (Respond With Result off) and endpoint /api/hook → api_hook (the rewritten source). */
async function writeApp(webhookSource: string, endpointSource: string): Promise<string> {
  const root = path.join(await tempDir(), "app");
  const w = async (rel: string, data: unknown) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), typeof data === "string" ? data : JSON.stringify(data, null, 4));
  };
  await w("realm_config.json", {
    app_id: APP_ID,
    config_version: 20210101,
    name: "rroff",
    location: "US-VA",
    deployment_model: "GLOBAL",
    environment: "",
    allowed_request_origins: [],
  });
  await w("http_endpoints/api/config.json", { name: "api", type: "http", config: {}, version: 1 });
  await w("http_endpoints/api/incoming_webhooks/hook/config.json", {
    name: "hook",
    run_as_authed_user: false,
    run_as_user_id: "",
    run_as_user_id_script_source: "",
    can_evaluate: {},
    options: { httpMethod: "POST", validationMethod: "NO_VALIDATION" },
    respond_result: false,
    disable_arg_logs: true,
    fetch_custom_user_data: false,
    create_user_on_auth: false,
  });
  await w("http_endpoints/api/incoming_webhooks/hook/source.js", webhookSource);
  await w("http_endpoints/config.json", [
    {
      route: "/api/hook",
      http_method: "POST",
      function_name: "api_hook",
      validation_method: "NO_VALIDATION",
      respond_result: false,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
      disabled: false,
      return_type: "EJSON",
    },
  ]);
  await w("functions/config.json", [{ name: "api_hook", private: false, run_as_system: true }]);
  await w("functions/api_hook.js", endpointSource);
  return root;
}

async function deps(root: string): Promise<PipelineDeps> {
  const served = await buildServedApp(await readApp(root));
  const store = await openStore({});
  const sem = defaultSemantics();
  sem.timeLimitMs = 2000;
  const backend = storeBackend(() => store);
  return { served, runner: { call: (req) => runInProcess(served.spec, req, backend) }, users: new UserStore({}), store, sem, allowNetwork: false };
}

const post = (p: string): ShimRequest => ({
  method: "POST",
  path: p,
  rawQuery: "id=7",
  rawHeaders: ["Content-Type", "application/json"],
  body: Buffer.from("{}"),
  remoteAddress: "127.0.0.1",
});
const HOOK = `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/hook`;
const EP = `/app/${APP_ID}/endpoint/api/hook`;

/** The source of a fixture case of the rule, before and after the rewrite. */
function fixtureCase(name: string): { before: string; after: string } {
  const c = ruleCases("respond-result-off").find((x) => x.name === name)!;
  return { before: c.input, after: runCase(rule, c).text };
}

describe("respond-result-off: webhook and rewritten endpoint answer alike", () => {
  it("a function that only sets a header: 200 with the header on both sides (the endpoint used to answer 204)", async () => {
    const { before, after } = fixtureCase("header_only");
    const d = await deps(await writeApp(before, after));
    const hook = await dispatch(post(HOOK), d);
    const ep = await dispatch(post(EP), d);
    expect(hook.status).toBe(200);
    expect(hook.headers["X-Received"]).toEqual(["7"]);
    expect(ep.status).toBe(200);
    expect(ep.headers["X-Received"]).toEqual(["7"]);
    expect(ep.body.length).toBe(0);
  });

  it("a function that sets nothing: 200 on both sides; one that sets its own status keeps it", async () => {
    const nothing = fixtureCase("comments");
    const d = await deps(await writeApp(nothing.before, nothing.after));
    expect((await dispatch(post(HOOK), d)).status).toBe(200);
    expect((await dispatch(post(EP), d)).status).toBe(200);

    const own = "exports = function (payload, response) { response.setHeader('X-A', '1'); response.setStatusCode(202); };\n";
    const ownAfter = runCase(rule, { ...ruleCases("respond-result-off").find((x) => x.name === "basic")!, input: own }, own).text;
    const d2 = await deps(await writeApp(own, ownAfter));
    expect((await dispatch(post(HOOK), d2)).status).toBe(202);
    expect((await dispatch(post(EP), d2)).status).toBe(202);
  });
});
