// verify end to end: migrate a fixture app verbatim, then compare every webhook with its endpoint.

import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import { RULE_IDS } from "../../src/rewrite/registry.js";
import { verify, type VerifyResult } from "../../src/commands/verify.js";
import { fixture, tempDir } from "../helpers.js";

let result: VerifyResult;
let again: VerifyResult;
let rewritten: VerifyResult;

async function migrateAndVerify(skipRules?: string[]): Promise<{ opts: Parameters<typeof verify>[0] }> {
  const tmp = await tempDir();
  const out = path.join(tmp, "migrated");
  const r = await migrate({
    app: fixture("shim-basic"),
    out,
    dryRun: false,
    inPlace: false,
    allowDirty: false,
    removeWebhooks: false,
    force: false,
    skipRules,
  });
  return { opts: { original: fixture("shim-basic"), migrated: out, secretsFile: path.join(r.reportDir!, "secrets.json"), timeLimitMs: 5000 } };
}

beforeAll(async () => {
  const { opts } = await migrateAndVerify(RULE_IDS);
  result = await verify(opts);
  again = await verify(opts);
  rewritten = await verify((await migrateAndVerify()).opts);
}, 180_000);

const byId = (id: string) => result.webhooks.find((w) => w.id === id)!;

describe("verify on a verbatim conversion", () => {
  it("catches the documented respond_result difference", () => {
    const w = byId("api/created");
    expect(w.result).toBe("different");
    const ok = w.cases.find((c) => c.name === "POST JSON body")!;
    expect(ok.equal).toBe(false);
    expect(ok.differences.some((d) => d.path.startsWith("body."))).toBe(true);
    expect(w.knownDifferences).toContain("respond-result-response-methods");
  });

  it("catches the respond_result-off status difference", () => {
    expect(byId("api/signed").result).toBe("different");
  });

  it("passes webhooks whose behaviour the conversion keeps, masking new ids and dates", () => {
    for (const id of ["api/processed", "api/anything", "api/guarded", "api/fails", "api/outbound"]) expect(byId(id).result, id).toBe("equal");
  });

  it("lists caller changes apart from behaviour", () => {
    expect(byId("api/signed").callerChanges.join("\n")).toMatch(/X-Hook-Signature → Endpoint-Signature/);
  });

  it("is deterministic and sums up", () => {
    expect(again.summary).toEqual(result.summary);
    expect(result.summary.line).toMatch(
      /^8 webhooks, \d+ cases: \d+ equal, \d+ different, \d+ both failed, \d+ emulator default, 1 caller change; lines [\d.]+% \(median\); 1 unproven$/,
    );
  });
});

describe("verify after the rewrite rules", () => {
  it("finds no difference: every rule keeps the webhook's behaviour", () => {
    expect(rewritten.webhooks.filter((w) => w.result !== "equal").map((w) => w.id)).toEqual([]);
    expect(rewritten.summary.different).toBe(0);
  });

  it("shows the endpoint's documented authentication errors as a caller change (neither a difference nor an emulator default)", () => {
    const w = rewritten.webhooks.find((x) => x.id === "api/whoami")!;
    const changed = w.cases.filter((c) => c.outcome === "callerChange");
    expect(changed.map((c) => [c.name, c.webhookStatus, c.endpointStatus])).toEqual([["POST credentials none", 401, 400]]);
    expect(changed[0]!.differences.map((d) => d.path)).toEqual(["status"]);
    expect(changed[0]!.reason).toBe("authentication error: the webhook answers missing-credentials (401), the endpoint missing-credentials (400)");
    expect(w.counts.callerChange).toBe(1);
    expect(rewritten.summary.callerChange).toBe(1);
    expect(rewritten.summary.line).toMatch(/emulator default, 1 caller change;/);
    expect(w.callerChanges.join("\n")).toMatch(/no credentials → 400 InvalidParameter/);
    expect(w.knownDifferences).toContain("auth-error-status");
  });
});

describe("verify without --secrets", () => {
  it("gives the migrated app the S_W Secrets it knows from the original webhooks (GitHub's signature check included)", async () => {
    const tmp = await tempDir();
    const out = path.join(tmp, "migrated");
    await migrate({ app: fixture("layout-b-20210101"), out, dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false });
    const r = await verify({ original: fixture("layout-b-20210101"), migrated: out, timeLimitMs: 5000 });
    expect(r.webhooks.map((w) => w.id)).toContain("github/onRelease");
    expect(r.webhooks.filter((w) => w.result !== "equal").map((w) => w.id)).toEqual([]);
  }, 60_000);
});
