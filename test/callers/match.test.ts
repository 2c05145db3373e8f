// The matcher on single texts: every host form, the query string and its secret, URLs built from
// parts, places by line and column. Uses the fixture reports (demo-abcde, headmeth-hijkl).

import { describe, expect, it } from "vitest";
import { loadReports } from "../../src/callers/load-reports.js";
import { MatchIndex, matchFile } from "../../src/callers/match.js";
import { looksBinary } from "../../src/callers/read-file.js";
import { applyEdits } from "../../src/callers/rewrite.js";
import { classifyHost, endpointUrlFor } from "../../src/callers/url-patterns.js";
import { REPORTS } from "./clients.js";

const index = new MatchIndex((await loadReports(REPORTS)).apps);
const PATH = "/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/orderStatus";
const find = (text: string) => matchFile(Buffer.from(text), index).matches;

describe("matchFile", () => {
  it.each([
    ["https://webhooks.mongodb-realm.com", "global", undefined, "https://data.mongodb-api.com"],
    ["http://webhooks.mongodb-realm.com", "global", undefined, "https://data.mongodb-api.com"],
    ["https://webhooks.mongodb-stitch.com", "global", undefined, "https://data.mongodb-api.com"],
    ["https://eu-west-1.aws.webhooks.mongodb-stitch.com", "regional", "eu-west-1.aws", "https://eu-west-1.aws.data.mongodb-api.com"],
    ["https://ap-southeast-2.aws.webhooks.mongodb-realm.com", "regional", "ap-southeast-2.aws", "https://ap-southeast-2.aws.data.mongodb-api.com"],
    ["https://stitch.mongodb.com", "client-api", undefined, "https://data.mongodb-api.com"],
  ])("%s: %s host, rewritten", (host, kind, region, endpointHost) => {
    const [m, ...rest] = find(`url = "${host}${PATH}"\n`);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ kind: "url", host: kind, rewrite: true, webhook: "orders/orderStatus", line: 1, column: 8 });
    expect(m!.region).toBe(region);
    expect(m!.newUrl).toBe(`${endpointHost}/app/demo-abcde/endpoint/orders/orderStatus`);
    expect(m!.edit).toEqual({ start: 7, end: 7 + host.length + PATH.length, text: m!.newUrl });
  });

  it("keeps the query string, reports a secret in it, never shows its value", () => {
    const text = `x: '${"https://webhooks.mongodb-realm.com"}${PATH.replace("orderStatus", "createOrder")}?a=1&secret=s3cr3t-value&b=2'\n`;
    const [m] = find(text);
    expect(m).toMatchObject({ secret: { value: "literal" }, rewrite: true });
    expect(m!.oldUrl).toContain("?a=1&secret=«redacted»&b=2");
    expect(m!.newUrl).toBe("https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/createOrder?a=1&secret=«redacted»&b=2");
    expect(JSON.stringify(m)).not.toContain("s3cr3t-value");
    // The rewrite replaces the part before the query string only.
    const after = applyEdits(Buffer.from(text), [m!.edit!]).toString();
    expect(after).toBe("x: 'https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/createOrder?a=1&secret=s3cr3t-value&b=2'\n");
  });

  it("a secret added by code is reported as such", () => {
    expect(find(`u = "https://webhooks.mongodb-realm.com${PATH}?secret=" + s;`)[0]!.secret).toEqual({ value: "runtime" });
    expect(find("u = `https://webhooks.mongodb-realm.com" + PATH + "?secret=${s}`;")[0]!.secret).toEqual({ value: "runtime" });
  });

  it("a path without host, a name that continues in code, and an unknown host are for review", () => {
    expect(find(`curl "$BASE${PATH}"`)[0]).toMatchObject({ kind: "path", rewrite: false, host: "none" });
    expect(find("u = `https://webhooks.mongodb-realm.com" + PATH + "${suffix}`")[0]).toMatchObject({ kind: "parts", rewrite: false });
    expect(find(`u = "http://localhost:8080${PATH}"`)[0]).toMatchObject({ kind: "url", host: "other", rewrite: false });
  });

  it("URLs built from parts: incoming_webhook, a webhook host alone, an app id near its service name", () => {
    const text = [
      'const base = "https://webhooks.mongodb-realm.com";', // a host alone
      "const u = `${base}/api/client/v2.0/app/${id}/service/${svc}/incoming_webhook/${name}`;", // incoming_webhook
      'APP = "demo-abcde"; SERVICE = "orders"', // app id near a service name
      "",
    ].join("\n");
    expect(find(text).map((m) => [m.line, m.kind, m.rewrite])).toEqual([
      [1, "host", false],
      [2, "parts", false],
      [3, "parts", false],
    ]);
    // An app id alone (the Realm SDK's app id) is not a webhook URL.
    expect(find('const app = new Realm.App({ id: "demo-abcde" });\n')).toEqual([]);
  });

  it("one review item per line, the incoming_webhook one first", () => {
    const [m, ...rest] = find('u = f"https://webhooks.mongodb-realm.com/api/client/v2.0/app/{APP}/service/orders/incoming_webhook/{name}"');
    expect(rest).toEqual([]);
    expect(m!.reason).toContain("incoming_webhook");
  });

  it("webhooks the report does not hold, and apps no report covers", () => {
    expect(find(`"https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/nope"`)[0]).toMatchObject({
      kind: "unknown-webhook",
      rewrite: false,
    });
    expect(find(`"https://webhooks.mongodb-realm.com/api/client/v2.0/app/zzz-qqqqq/service/a/incoming_webhook/b"`)[0]).toMatchObject({
      kind: "other-app",
      rewrite: false,
    });
  });

  it("counts lines over CRLF and columns in characters", () => {
    const [m] = find(`a\r\nb\r\n// café ☕ "https://webhooks.mongodb-realm.com${PATH}"\r\n`);
    expect([m!.line, m!.column]).toEqual([3, 12]);
  });

  it("a full stop after a URL in prose is not part of the webhook name", () => {
    const [m] = find(`Call https://webhooks.mongodb-realm.com${PATH}.\n`);
    expect(m).toMatchObject({ kind: "url", webhook: "orders/orderStatus", rewrite: true });
    expect(m!.edit!.end).toBe(5 + "https://webhooks.mongodb-realm.com".length + PATH.length);
  });

  it("an endpoint URL is not a caller to change", () => {
    expect(find('fetch("https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/orderStatus")')).toEqual([]);
  });
});

describe("MatchIndex", () => {
  const app = (appId: string | undefined, service: string) => ({
    report: `${appId}/report.json`,
    appId,
    webhooks: [
      {
        id: `${service}/w`,
        service,
        name: "w",
        status: "converted",
        newUrl: `https://data.mongodb-api.com/app/${appId ?? "<app-id>"}/endpoint/${service}/w`,
        callerChanges: [],
      },
    ],
  });

  it("past a dozen apps (a fleet) prefilters with one expression, as it does with indexOf", () => {
    const many = new MatchIndex(Array.from({ length: 20 }, (_, i) => app(`app${i}-abcde`, `svc${i}`)));
    const few = new MatchIndex([app("app19-abcde", "svc19")]);
    for (const idx of [many, few]) {
      expect(idx.prefilter(Buffer.from('const id = "app19-abcde";'))).toBe(true);
      expect(idx.prefilter(Buffer.from("x incoming_webhook y"))).toBe(true);
      expect(idx.prefilter(Buffer.from("nothing to see here"))).toBe(false);
    }
    expect(matchFile(Buffer.from('APP = "app19-abcde"; SVC = "svc19"'), many).matches.map((m) => m.kind)).toEqual(["parts"]);
  });

  it("a report without an app id matches its webhooks under any app id, and uses the one found", () => {
    const idx = new MatchIndex([app(undefined, "hooks")]);
    const [m] = matchFile(Buffer.from('"https://webhooks.mongodb-realm.com/api/client/v2.0/app/found-qwert/service/hooks/incoming_webhook/w"'), idx).matches;
    expect(m).toMatchObject({ kind: "url", rewrite: true, newUrl: "https://data.mongodb-api.com/app/found-qwert/endpoint/hooks/w" });
  });
});

describe("endpoint URLs and hosts", () => {
  const w = { id: "s/w", service: "s", name: "w", status: "converted", callerChanges: [] };
  it("fills the region and the app id the report did not know", () => {
    const regional = classifyHost("us-west-2.aws.webhooks.mongodb-realm.com");
    expect(endpointUrlFor({ ...w, newUrl: "https://<region>.<cloud>.data.mongodb-api.com/app/<app-id>/endpoint/s/w" }, "a-bcdef", regional)).toEqual({
      url: "https://us-west-2.aws.data.mongodb-api.com/app/a-bcdef/endpoint/s/w",
    });
    const global = endpointUrlFor(
      { ...w, newUrl: "https://<region>.<cloud>.data.mongodb-api.com/app/x/endpoint/s/w" },
      "x",
      classifyHost("webhooks.mongodb-realm.com"),
    );
    expect(global.reason).toContain("<region>.<cloud>");
    // The report's regional host wins: it comes from the app's own config.
    expect(endpointUrlFor({ ...w, newUrl: "https://eu-west-1.aws.data.mongodb-api.com/app/x/endpoint/s/w" }, "x", regional).url).toBe(
      "https://eu-west-1.aws.data.mongodb-api.com/app/x/endpoint/s/w",
    );
    expect(endpointUrlFor({ ...w, status: "failed" }, "x", regional).reason).toContain("failed");
  });
});

describe("binary sniffing", () => {
  it("NUL or invalid UTF-8 in the first bytes is binary; a character cut by the sample is not", () => {
    expect(looksBinary(Buffer.from("plain text\n"))).toBe(false);
    expect(looksBinary(Buffer.from([0x61, 0, 0x62]))).toBe(true);
    expect(looksBinary(Buffer.from("caf\xe9", "latin1"))).toBe(true);
    const cut = Buffer.concat([Buffer.alloc(7999, 0x61), Buffer.from("€"), Buffer.alloc(10, 0x61)]);
    expect(looksBinary(cut)).toBe(false);
  });
});
