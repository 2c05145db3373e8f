import { describe, expect, it } from "vitest";
import { compareRuns, type Observation } from "../../src/verify/compare.js";

const obs = (o: Partial<Observation>): Observation => ({ status: 200, headers: {}, body: Buffer.alloc(0), db: {}, outbound: [], ...o });

describe("verify's comparison", () => {
  it("equal runs are equal; transport headers are ignored", () => {
    const a = obs({ headers: { Date: ["x"], "Content-Type": ["application/json"] }, body: Buffer.from('{"a":{"$numberInt":"1"}}') });
    const m = obs({ headers: { Date: ["y"], "content-type": ["application/json"] }, body: Buffer.from('{"a":{"$numberInt":"1"}}') });
    expect(compareRuns(a, a, m)).toMatchObject({ equal: true, differences: [] });
  });

  it("finds a body where the webhook sent none (the documented respond_result difference)", () => {
    const webhook = obs({ status: 201 });
    const endpoint = obs({ status: 201, body: Buffer.from('{"insertedId":{"$oid":"64a000000000000000000001"}}') });
    const r = compareRuns(webhook, webhook, endpoint);
    expect(r.equal).toBe(false);
    expect(r.differences.map((d) => d.path)).toEqual(["body.empty", "body.json.insertedId.$oid"]);
  });

  it("masks what differs between two runs of the original (new ids, dates)", () => {
    const run = (id: string, total: number) =>
      obs({ body: Buffer.from(`{"id":{"$oid":"${id}"}}`), db: { shop: { orders: [{ _id: { $oid: id } as never, total }] } } });
    const r = compareRuns(run("64a000000000000000000001", 5), run("64a000000000000000000002", 5), run("64a000000000000000000003", 6));
    expect(r.noise).toEqual(["body.json.id.$oid", "db.shop.orders.0._id.$oid"]);
    expect(r.differences).toEqual([{ path: "db.shop.orders.0.total.$numberInt", original: '"5"', migrated: '"6"' }]);
  });

  it("a third run of the original masks a date its first two runs took in the same millisecond", () => {
    const at = (ms: number) => obs({ db: { shop: { orders: [{ createdAt: { $date: { $numberLong: String(ms) } } as never }] } } });
    const path = "db.shop.orders.0.createdAt.$date.$numberLong";
    expect(compareRuns(at(1000), at(1000), at(999)).differences.map((d) => d.path)).toEqual([path]);
    const r = compareRuns(at(1000), at(1000), at(999), [at(1002)]);
    expect(r).toMatchObject({ equal: true, noise: [path] });
  });

  it("EJSON-aware: the same value in EJSON compares equal whatever the spacing", () => {
    const a = obs({ body: Buffer.from('{ "n": {"$numberInt": "1"} }') });
    const m = obs({ body: Buffer.from('{"n":{"$numberInt":"1"}}') });
    expect(compareRuns(a, a, m).equal).toBe(true);
  });

  it("status and outbound calls count", () => {
    const a = obs({ status: 200, outbound: [{ kind: "twilio.send", args: '[{"to":"+1"}]', sent: false }] });
    const m = obs({ status: 204 });
    expect(compareRuns(a, a, m).differences.map((d) => d.path)).toEqual([
      "outbound",
      "outbound.0.args.0.to",
      "outbound.0.kind",
      "outbound.0.sent",
      "outbound.0.service",
      "status",
    ]);
  });
});

describe("platform errors", () => {
  it("compare by status only; function errors compare whole", () => {
    const err = (code: string, msg: string) => obs({ status: 401, body: Buffer.from(JSON.stringify({ error: msg, error_code: code, link: "x" })) });
    expect(compareRuns(err("IncomingWebhookAuthFailed", "a"), err("IncomingWebhookAuthFailed", "a"), err("InvalidParameter", "b")).equal).toBe(true);
    const fn = (msg: string) => obs({ status: 400, body: Buffer.from(JSON.stringify({ error: msg, error_code: "FunctionExecutionError", link: "x" })) });
    expect(compareRuns(fn("boom"), fn("boom"), fn("bang")).equal).toBe(false);
  });
});
