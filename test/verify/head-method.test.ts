// A HEAD webhook through migrate and verify: endpoints have no HEAD method, so its callers send GET
// to the GET endpoint (a caller change), and the head-method rule answers that GET as the webhook
// answered HEAD (docs/parity.md, "URLs and routing"; docs/rules.md, head-method).

import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import { verify, type VerifyResult } from "../../src/commands/verify.js";
import { fixture, tempDir } from "../helpers.js";

async function migrateAndVerify(skipRules?: string[]): Promise<VerifyResult> {
  const out = path.join(await tempDir(), "migrated");
  const r = await migrate({
    app: fixture("head-method"),
    out,
    dryRun: false,
    inPlace: false,
    allowDirty: false,
    removeWebhooks: false,
    force: false,
    skipRules,
  });
  expect(r.code).not.toBe(1);
  return verify({ original: fixture("head-method"), migrated: out, timeLimitMs: 5000, coverage: false });
}

let rewritten: VerifyResult;
beforeAll(async () => {
  rewritten = await migrateAndVerify();
}, 120_000);

describe("verify on a HEAD webhook", () => {
  it("sends the webhook's HEAD cases to the endpoint as GET and lists the method as a caller change", () => {
    const w = rewritten.webhooks[0]!;
    expect(w.callerChanges).toContain("method: HEAD → GET (endpoints have no HEAD method)");
    const head = w.cases.find((c) => c.name === "HEAD no body")!;
    expect([head.webhookStatus, head.endpointStatus]).toEqual([200, 200]);
    expect(head.outcome).toBe("equal");
  });

  it("the GET the webhook turned away now runs the function: a difference migrate names (head-method)", () => {
    const w = rewritten.webhooks[0]!;
    expect(w.cases.find((c) => c.name === "GET (method not allowed)")).toMatchObject({ webhookStatus: 405, endpointStatus: 200, outcome: "different" });
    expect(w.knownDifferences).toContain("head-method");
  });
});
