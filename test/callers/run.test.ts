// callers on the fixture client tree (fixtures/clients/mixed: JS/TS, Swift, Kotlin, Python, .env,
// YAML, a shell script with curl) against the fixture fleet report (demo-abcde, headmeth-hijkl).

import { execFileSync } from "node:child_process";
import { cp, readFile, symlink, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findCallers } from "../../src/callers/run.js";
import { writeRewrites } from "../../src/callers/write.js";
import { tempDir, treeFingerprint } from "../helpers.js";
import { clientTree, DEMO_REPORT, REPORTS, SECRET, SKIPPED } from "./clients.js";

const row = (m: { file: string; line: number; column: number; kind: string; webhook?: string; rewrite: boolean }) =>
  `${m.file}:${m.line}:${m.column} ${m.kind} ${m.webhook ?? "-"}${m.rewrite ? " rewrite" : ""}`;

describe("callers: finding", () => {
  it("finds every old URL form of both apps of a fleet report, and the places built from parts", async () => {
    const root = await clientTree();
    const r = await findCallers({ report: REPORTS, dirs: [root] });
    const rel = (m: { file: string }) => ({ ...m, file: path.relative(root, m.file).split(path.sep).join("/") });
    expect(r.matches.map((m) => row(rel(m as never) as never))).toEqual([
      ".env:1:18 url orders/orderStatus rewrite",
      ".env:2:11 other-app misc/hello",
      "android/Probe.kt:4:23 url probe/ping rewrite",
      "deploy/config.yaml:2:11 url orders/createOrder rewrite",
      "deploy/config.yaml:3:11 unknown-webhook orders/refund",
      "deploy/config.yaml:4:12 url orders/orderStatus",
      "deploy/config.yaml:5:15 host -",
      "docs/notes.md:3:21 parts -",
      "ios/PaymentClient.swift:5:28 url orders/paymentEvent rewrite",
      "scripts/ping.sh:3:19 url probe/ping rewrite",
      "scripts/ping.sh:4:16 path orders/orderStatus",
      "scripts/sync.py:4:11 parts -",
      "scripts/sync.py:8:12 url orders/createOrder rewrite",
      "scripts/sync.py:12:106 parts -",
      "web/keep.local.js:1:21 url orders/orderStatus rewrite",
      "web/src/api.ts:2:17 url orders/createOrder rewrite",
      "web/src/api.ts:9:28 url orders/orderStatus rewrite",
      "web/src/api.ts:13:23 host -",
      "web/src/api.ts:14:48 parts -",
      "web/src/config.js:3:15 url orders/orderStatus rewrite",
    ]);
    // Skipped: .gitignore'd (a folder and a pattern), node_modules, binary and non-UTF-8 files.
    for (const f of Object.keys(SKIPPED))
      expect(
        r.matches.some((m) => m.file.endsWith(f)),
        f,
      ).toBe(false);
    expect(r.files).toMatchObject({ binary: 2, ignored: 2, excluded: 1 });
    expect(r.code).toBe(2);
    expect(r.notices.join("\n")).toContain("broken has no report");
  });

  it("gives the endpoint URL, regional when the old host was, with the query string kept", async () => {
    const root = await clientTree();
    const r = await findCallers({ report: REPORTS, dirs: [root] });
    const at = (file: string, line: number) => r.matches.find((m) => m.file === path.join(root, file) && m.line === line)!;
    expect(at("ios/PaymentClient.swift", 5)).toMatchObject({
      host: "regional",
      region: "us-east-1.aws",
      newUrl: "https://us-east-1.aws.data.mongodb-api.com/app/demo-abcde/endpoint/orders/paymentEvent",
    });
    expect(at(".env", 1).newUrl).toBe("https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/orderStatus?format=json");
    // http and the Stitch host become the https endpoint.
    expect(at("web/src/config.js", 3)).toMatchObject({ host: "global", newUrl: "https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/orderStatus" });
    expect(at("scripts/sync.py", 8)).toMatchObject({
      secret: { value: "runtime" },
      newUrl: "https://us-west-2.aws.data.mongodb-api.com/app/demo-abcde/endpoint/orders/createOrder?secret=",
    });
    // A proxy host is listed with the new URL but not rewritten.
    expect(at("deploy/config.yaml", 4)).toMatchObject({ host: "other", rewrite: false });
    expect(at("deploy/config.yaml", 4).reason).toContain("hooks.example.com");
  });

  it("lists each webhook's caller changes from its report", async () => {
    const root = await clientTree();
    const r = await findCallers({ report: REPORTS, dirs: [root] });
    const codes = (file: string, line: number) => r.matches.find((m) => m.file === path.join(root, file) && m.line === line)!.callerChanges.map((c) => c.code);
    expect(codes("android/Probe.kt", 4)).toEqual(["head-method"]);
    expect(codes("ios/PaymentClient.swift", 5).sort()).toEqual(["auth-error-status", "credentials-in-body"]);
    // The signature check is kept in the function by a rewrite rule (report: "Handled by rule"): nothing for callers.
    expect(codes("ios/PaymentClient.swift", 5)).not.toContain("signature-header");
    expect(codes("web/src/api.ts", 2)).toEqual(["secret-query-param"]);
    expect(codes(".env", 1)).toEqual([]);
  });

  it("never holds a secret value: URLs, excerpts and diffs are redacted", async () => {
    const root = await clientTree();
    const r = await findCallers({ report: REPORTS, dirs: [root], dryRun: true });
    const text = JSON.stringify(r);
    expect(text).not.toContain(SECRET);
    expect(text).toContain("secret=«redacted»");
    expect(r.diffs.map((d) => d.diff).join("\n")).toContain("createOrder?secret=«redacted»&source=yaml");
  });

  it("redacts the apps' Secret values (secrets.json beside the report) wherever the client code holds them", async () => {
    const dir = await tempDir();
    const report = path.join(dir, "report");
    await mkdir(report);
    await writeFile(path.join(report, "report.json"), await readFile(path.join(DEMO_REPORT, "report.json")));
    const value = "kept-in-a-constant-42";
    await writeFile(path.join(report, "secrets.json"), JSON.stringify({ orders_createOrder: value }));
    const clients = path.join(dir, "clients");
    await mkdir(clients);
    await writeFile(
      path.join(clients, "api.js"),
      `const KEY = "${value}";\n` +
        'const URL = "https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/createOrder?secret=" + KEY;\n' +
        `const BASE = "https://webhooks.mongodb-realm.com"; // with ${value}\n`,
    );
    const r = await findCallers({ report, dirs: [clients], dryRun: true });
    expect(r.diffs).toHaveLength(1); // the diff's context holds the KEY line
    expect(r.matches.some((m) => m.kind === "host")).toBe(true); // an excerpt of the BASE line
    expect(JSON.stringify(r)).not.toContain(value);
    expect(r.diffs[0]!.diff).toContain('const KEY = "«redacted»";');
  });

  it("skips the report folders it reads when a folder searched holds them: never listed, never rewritten", async () => {
    const ws = await tempDir();
    await cp(REPORTS, path.join(ws, "fleet-report"), { recursive: true });
    await mkdir(path.join(ws, "web"));
    await writeFile(
      path.join(ws, "web", "api.js"),
      'fetch("https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/orderStatus");\n',
    );
    const before = await treeFingerprint(path.join(ws, "fleet-report"));
    const r = await findCallers({ report: path.join(ws, "fleet-report"), dirs: [ws], write: true });
    expect(r.matches.map((m) => path.relative(ws, m.file))).toEqual([path.join("web", "api.js")]);
    expect(r.written).toEqual([path.join(ws, "web", "api.js")]);
    expect(r.files.excluded).toBe(1);
    expect(await treeFingerprint(path.join(ws, "fleet-report"))).toEqual(before);
    // The report folder given as a folder to search: nothing in it is searched.
    const only = await findCallers({ report: path.join(ws, "fleet-report"), dirs: [path.join(ws, "fleet-report", "demo")] });
    expect(only.files.searched).toBe(0);
  });

  it("exits 0 on a tree without old URLs of the apps", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "app.js"), 'fetch("https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/orderStatus");\n');
    const r = await findCallers({ report: DEMO_REPORT, dirs: [dir] });
    expect(r.matches).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe("callers: --dry-run and --write", () => {
  it("--dry-run writes nothing and shows a unified diff", async () => {
    const root = await clientTree();
    const before = await treeFingerprint(root);
    const r = await findCallers({ report: REPORTS, dirs: [root], dryRun: true });
    expect(await treeFingerprint(root)).toEqual(before);
    const diff = r.diffs.find((d) => d.file.endsWith("Probe.kt"))!.diff;
    expect(diff).toContain('-    const val PING = "https://webhooks.mongodb-realm.com/api/client/v2.0/app/headmeth-hijkl/service/probe/incoming_webhook/ping"');
    expect(diff).toContain('+    const val PING = "https://data.mongodb-api.com/app/headmeth-hijkl/endpoint/probe/ping"');
    expect(r.written).toEqual([]);
  });

  it("--write replaces exactly the URL literals: every other byte, CRLF included, stays", async () => {
    const root = await clientTree();
    const before = await treeFingerprint(root);
    const original = async (f: string) => readFile(path.join(root, f));
    const crlf = await original("web/src/config.js");
    const yaml = await original("deploy/config.yaml");
    const r = await findCallers({ report: REPORTS, dirs: [root], write: true });
    expect(r.errors).toEqual([]);
    const old = "http://webhooks.mongodb-stitch.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/orderStatus";
    const now = "https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/orderStatus";
    expect(crlf.includes("\r\n")).toBe(true);
    expect((await original("web/src/config.js")).equals(Buffer.from(crlf.toString("latin1").replace(old, now), "latin1"))).toBe(true);
    // The secret stays where it was (only the part before the query string is replaced); the
    // unknown webhook and the proxy host are left alone.
    expect((await original("deploy/config.yaml")).toString()).toBe(
      yaml
        .toString()
        .replace(
          "https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/createOrder?secret=",
          "https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/createOrder?secret=",
        ),
    );
    const after = await treeFingerprint(root);
    const changed = Object.keys(after)
      .filter((f) => after[f] !== before[f])
      .sort();
    expect(changed).toEqual([
      ".env",
      "android/Probe.kt",
      "deploy/config.yaml",
      "ios/PaymentClient.swift",
      "scripts/ping.sh",
      "scripts/sync.py",
      "web/keep.local.js",
      "web/src/api.ts",
      "web/src/config.js",
    ]);
    // Idempotent: a second run finds no URL to rewrite.
    const again = await findCallers({ report: REPORTS, dirs: [root], write: true });
    expect(again.summary.rewritable).toBe(0);
    expect(await treeFingerprint(root)).toEqual(after);
    // Written, but places to review and caller changes remain for a person.
    expect(r.code).toBe(2);
  });

  it("--write refuses a git work tree with uncommitted changes unless --allow-dirty", async () => {
    const root = await clientTree();
    const git = (...args: string[]) => execFileSync("git", ["-C", root, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { stdio: "pipe" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "clients");
    await writeFile(path.join(root, "docs/notes.md"), "edited\n");
    const before = await treeFingerprint(root);
    const r = await findCallers({ report: REPORTS, dirs: [root], write: true });
    expect(r.code).toBe(1);
    expect(r.errors[0]!.message).toContain("uncommitted changes");
    expect(r.errors[0]!.message).toContain("docs/notes.md");
    expect(await treeFingerprint(root)).toEqual(before);
    const forced = await findCallers({ report: REPORTS, dirs: [root], write: true, allowDirty: true });
    expect(forced.errors).toEqual([]);
    expect(forced.written.length).toBe(9);
  });

  it("never writes through a symbolic link", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "real"));
    const file = path.join(dir, "real", "a.js");
    await writeFile(file, "old\n");
    await symlink(path.join(dir, "real"), path.join(dir, "linked"));
    const out = await writeRewrites([{ root: dir, rel: "linked/a.js", shown: "linked/a.js", before: Buffer.from("old\n"), after: Buffer.from("new\n") }]);
    expect(out.written).toEqual([]);
    expect(out.errors[0]!.message).toContain("symbolic link");
    expect(await readFile(file, "utf8")).toBe("old\n");
  });

  it("--write leaves a file that changed since it was searched", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "a.js"), "changed\n");
    const out = await writeRewrites([{ root: dir, rel: "a.js", shown: "a.js", before: Buffer.from("old\n"), after: Buffer.from("new\n") }]);
    expect(out.errors[0]!.message).toContain("changed while callers ran");
    expect(await readFile(path.join(dir, "a.js"), "utf8")).toBe("changed\n");
  });
});
