// Function code that leaves node:vm (`this.constructor.constructor('return process')()`) and goes
// for the host: a command, /etc/passwd, a file write, a socket (README.md, "Security"). Three
// layers are tested apart: the worker's hardening (harden.ts), the permission model the workers
// run under (permissions.ts), and both together through `hookshift shim` as a user runs it.
// Worker threads need compiled JavaScript, so the runtime comes from dist/ (see functions-pool.test.ts).

import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdir, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { AppSpec, CallRequest, CallResult, UserSpec } from "../../src/runtime/functions/protocol.js";
import type * as PoolModule from "../../src/runtime/functions/pool.js";
import type * as PermissionsModule from "../../src/runtime/permissions.js";
import { fixture, REPO, tempDir } from "../helpers.js";

const dist = (p: string) => new URL(`../../dist/src/${p}`, import.meta.url).href;
const { FunctionRuntime } = (await import(dist("runtime/functions/pool.js"))) as typeof PoolModule;
const { functionReadPaths, workerPermissionArgs } = (await import(dist("runtime/permissions.js"))) as typeof PermissionsModule;
type Runtime = InstanceType<typeof FunctionRuntime>;

const SYSTEM_USER: UserSpec = { id: "", type: "system", data: {}, custom_data: {}, identities: [] };
const APP: AppSpec = {
  app: {
    id: "1",
    clientAppId: "app-abc",
    name: "app",
    projectId: "p",
    deployment: { model: "GLOBAL", providerRegion: "aws-us-east-1" },
    lastDeployed: "",
    hostingUri: "",
  },
  environment: { tag: "", values: {} },
  functions: {},
  values: {},
  services: {},
};

/**
 * The attacker: leaves node:vm through the constructor of a host object, then tries each thing
 * with the host's `process`. Every attempt answers "refused: <code> <message>" or what it got.
 */
const ESCAPE = `exports = function (payload) {
  const q = payload.query;
  const out = {};
  const attempt = (name, fn) => {
    try { out[name] = fn(); } catch (e) { out[name] = "refused: " + (e && e.code ? e.code + " " : "") + (e && e.message); }
  };
  const host = () => this.constructor.constructor("return process")();
  attempt("escape", () => typeof host());
  attempt("exec", () => String(host().getBuiltinModule("child_process").execSync("id && touch " + q.marker)));
  attempt("read", () => host().getBuiltinModule("fs").readFileSync("/etc/passwd", "utf8").slice(0, 20));
  attempt("write", () => { host().getBuiltinModule("fs").writeFileSync(q.file, "escaped"); return "written"; });
  attempt("connect", () => { const s = host().getBuiltinModule("net").connect(Number(q.port), "127.0.0.1"); s.on("error", () => {}); return "connecting"; });
  return out;
};`;

interface Target {
  dir: string;
  file: string;
  marker: string;
  port: number;
  connections: () => number;
}

const servers: net.Server[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A temp folder for the file the function tries to write and the marker a spawned command would touch, and a TCP server counting connections. */
async function target(): Promise<Target> {
  const dir = await tempDir("hookshift-escape-");
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return { dir, file: path.join(dir, "written.txt"), marker: path.join(dir, "spawned"), port, connections: () => connections };
}

/** Lets a connection that was started arrive before the test counts. */
const settle = () => new Promise((r) => setTimeout(r, 300));

const runtimes: Runtime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
});

function open(opts: Partial<ConstructorParameters<typeof FunctionRuntime>[0]> = {}): Runtime {
  const rt = new FunctionRuntime({ db: async () => "null", watchdogMarginMs: 300, ...opts });
  rt.setApp(APP);
  runtimes.push(rt);
  return rt;
}

function call(rt: Runtime, source: string, over: Partial<Omit<CallRequest, "kind" | "id">> = {}): Promise<CallResult> {
  return rt.call({ source, args: "[]", withResponse: false, user: SYSTEM_USER, runningAsSystem: true, timeLimitMs: 5000, allowNetwork: false, ...over });
}

async function escapeThrough(rt: Runtime, t: Target): Promise<Record<string, string>> {
  const payload = { query: { file: t.file, marker: t.marker, port: String(t.port) } };
  const r = await call(rt, ESCAPE, { args: JSON.stringify([payload]) });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return JSON.parse((r as { value: string }).value) as Record<string, string>;
}

const REFUSED = /^refused: ERR_HOOKSHIFT_SANDBOX .*refused by the hookshift shim/;
const DENIED = /^refused: ERR_ACCESS_DENIED /;

describe("function workers: the in-worker hardening (harden.ts)", () => {
  it("refuses the constructor escape from any host object, and records it as a call not sent", async () => {
    const rt = open();
    for (const start of ["this", "Buffer", "console.log", "context.http.get", "EJSON.parse", "utils.crypto.hash", "setTimeout"]) {
      const r = await call(rt, `exports = () => typeof ${start}.constructor.constructor("return process")();`);
      expect(r, start).toMatchObject({
        ok: false,
        error: { code: "FunctionExecutionError", message: expect.stringMatching(/^Function\("return process"\): refused by the hookshift shim/) },
      });
      expect(r.outbound, start).toEqual([{ kind: "Function", args: '["return process"]', sent: false }]);
    }
    // The functions' own realm still compiles code, as App Services' does.
    expect(await call(rt, 'exports = () => [eval("1 + 1"), new Function("return 3")()];')).toMatchObject({
      ok: true,
      value: '[{"$numberInt":"2"},{"$numberInt":"3"}]',
    });
  });

  it("require refuses the file system, processes, threads and, without --allow-network, the network; each refusal is recorded", async () => {
    const rt = open();
    for (const m of ["fs", "node:fs", "fs/promises", "worker_threads", "node:worker_threads"]) {
      const r = await call(rt, `exports = () => require(${JSON.stringify(m)});`);
      expect(r, m).toMatchObject({
        ok: false,
        error: {
          message: `require(${JSON.stringify(m)}): refused by the hookshift shim: function code may not reach the host's files, processes or threads (README.md, "Security")`,
        },
      });
      expect(r.outbound, m).toEqual([{ kind: "require", args: JSON.stringify([m]), sent: false }]);
    }
    const cp = await call(rt, 'exports = () => require("child_process");');
    expect(cp).toMatchObject({ ok: false, error: { message: expect.stringContaining("not supported by App Services functions") } });
    expect(cp.outbound).toEqual([{ kind: "require", args: '["child_process"]', sent: false }]);
    for (const m of ["net", "node:net", "tls", "dns", "dns/promises", "http", "https", "http2", "dgram"]) {
      const r = await call(rt, `exports = () => require(${JSON.stringify(m)});`);
      expect(r, m).toMatchObject({
        ok: false,
        error: {
          message: `require(${JSON.stringify(m)}): outbound network calls are disabled in the shim: it was recorded but not run (pass --allow-network to allow it)`,
        },
      });
      expect(r.outbound, m).toEqual([{ kind: "require", args: JSON.stringify([m]), sent: false }]);
    }
    // With --allow-network the modules App Services supports load; the file system stays closed.
    const online = open({ allowNetwork: true });
    expect(await call(online, 'exports = () => typeof require("net").connect;', { allowNetwork: true })).toMatchObject({ ok: true, value: '"function"' });
    expect(await call(online, 'exports = () => require("fs");', { allowNetwork: true })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("refused by the hookshift shim") },
    });
  });

  it("an escape that tries a command, /etc/passwd, a file write and a socket gets none of them", async () => {
    const t = await target();
    const out = await escapeThrough(open(), t);
    for (const k of ["escape", "exec", "read", "write", "connect"]) expect(out[k], k).toMatch(REFUSED);
    await settle();
    expect(existsSync(t.file)).toBe(false);
    expect(existsSync(t.marker)).toBe(false);
    expect(t.connections()).toBe(0);
  });

  it("process.getBuiltinModule, process.binding / dlopen / kill, import() of child_process and worker_threads, sockets, DNS and fetch refuse in a hardened worker", async () => {
    const t = await target();
    const code = `
      const { parentPort, workerData } = require("node:worker_threads");
      (async () => {
        const { hardenWorker } = await import(workerData.harden);
        hardenWorker({ allowNetwork: false });
        const out = {};
        const attempt = async (name, fn) => { try { out[name] = String(await fn()); } catch (e) { out[name] = "refused: " + (e.code || "") + " " + e.message; } };
        await attempt("gbm child_process", () => process.getBuiltinModule("child_process").execSync("touch " + workerData.marker));
        await attempt("gbm fs", () => process.getBuiltinModule("node:fs").writeFileSync(workerData.file, "x"));
        await attempt("gbm module", () => process.getBuiltinModule("module").createRequire("/")("fs"));
        await attempt("gbm path", () => typeof process.getBuiltinModule("path").join);
        await attempt("binding", () => process.binding("spawn_sync"));
        await attempt("dlopen", () => process.dlopen({}, "/nonexistent.node"));
        await attempt("kill", () => process.kill(process.pid, 0));
        await attempt("import child_process", async () => (await import("node:child_process")).execSync("touch " + workerData.marker));
        await attempt("import worker_threads", async () => new (await import("node:worker_threads")).Worker("1", { eval: true }));
        await attempt("net.connect", () => require("node:net").connect(workerData.port, "127.0.0.1"));
        await attempt("http.get", () => require("node:http").get("http://127.0.0.1:" + workerData.port + "/"));
        await attempt("dgram.send", () => require("node:dgram").createSocket("udp4").send("x", workerData.port, "127.0.0.1"));
        await attempt("dns.lookup", () => new Promise((res, rej) => { try { require("node:dns").lookup("localhost", (e, a) => res(a)); } catch (e) { rej(e); } }));
        await attempt("dns.promises", () => require("node:dns").promises.lookup("localhost"));
        await attempt("fetch", () => fetch("http://127.0.0.1:" + workerData.port + "/"));
        parentPort.postMessage(out);
      })();`;
    const worker = new Worker(code, { eval: true, workerData: { harden: dist("runtime/functions/harden.js"), file: t.file, marker: t.marker, port: t.port } });
    const out = await new Promise<Record<string, string>>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(out["gbm path"]).toBe("function");
    for (const k of ["gbm child_process", "gbm fs", "gbm module", "binding", "dlopen", "kill", "import child_process", "import worker_threads"]) {
      expect(out[k], k).toMatch(/^refused: ERR_HOOKSHIFT_SANDBOX .*refused by the hookshift shim/);
    }
    for (const k of ["net.connect", "http.get", "dgram.send", "dns.lookup", "dns.promises", "fetch"]) {
      expect(out[k], k).toMatch(/^refused: ERR_HOOKSHIFT_SANDBOX .*outbound network calls are disabled in the shim/);
    }
    await settle();
    expect(existsSync(t.file)).toBe(false);
    expect(existsSync(t.marker)).toBe(false);
    expect(t.connections()).toBe(0);
  });
});

/** `names` and every package they depend on, by package-lock.json (all hoisted in this checkout). */
function dependencyClosure(names: string[]): string[] {
  const lock = JSON.parse(readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dependencies?: Record<string, string> }>;
  };
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(lock.packages[`node_modules/${name}`]?.dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...seen];
}

describe("function workers: Node's permission model (permissions.ts)", () => {
  it("holds with the in-worker hardening off: the escape gets process, but no command, no read outside, no write", async () => {
    const t = await target();
    process.env.HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING = "1"; // a worker copies the environment when it starts
    let rt: Runtime;
    try {
      rt = open({ permissions: { read: functionReadPaths() } });
      expect(
        await call(rt, 'exports = () => require("path").join("a", BSON.ObjectId.createFromHexString("64a0000000000000000000cc").toHexString());'),
      ).toMatchObject({ ok: true });
    } finally {
      delete process.env.HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING;
    }
    const out = await escapeThrough(rt, t);
    expect(out.escape).toBe("object");
    for (const k of ["exec", "read", "write"]) expect(out[k], k).toMatch(DENIED);
    await settle();
    expect(existsSync(t.file)).toBe(false);
    expect(existsSync(t.marker)).toBe(false);
    // Nor the user's environment, where credentials live.
    expect(process.env.PATH).toBeTruthy();
    const env = await call(rt, 'exports = function () { return Object.keys(this.constructor.constructor("return process")().env); };');
    expect(env).toMatchObject({ ok: true });
    expect(JSON.parse((env as { value: string }).value)).not.toContain("PATH");
  });

  it("lets functions require the app's own packages from functions/node_modules, and nothing beside them", async () => {
    const app = await tempDir("hookshift-deps-");
    const nodeModules = path.join(app, "functions", "node_modules");
    await mkdir(path.join(nodeModules, "shout"), { recursive: true });
    await writeFile(path.join(nodeModules, "shout", "package.json"), '{"name":"shout","version":"1.0.0","main":"index.js"}');
    await writeFile(path.join(nodeModules, "shout", "index.js"), "module.exports = (s) => String(s).toUpperCase() + '!';");
    await writeFile(path.join(app, "functions", "private.txt"), "not for functions");
    process.env.HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING = "1";
    let rt: Runtime;
    try {
      rt = open({ permissions: { read: functionReadPaths(nodeModules) } });
    } finally {
      delete process.env.HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING;
    }
    rt.setApp({ ...APP, dependencies: { nodeModules, declared: ["shout"] } });
    expect(await call(rt, 'exports = () => require("shout")("hi");')).toMatchObject({ ok: true, value: '"HI!"' });
    const beside = await call(
      rt,
      `exports = function () { return this.constructor.constructor("return process")().getBuiltinModule("fs").readFileSync(${JSON.stringify(path.join(app, "functions", "private.txt"))}, "utf8"); };`,
    );
    expect(beside).toMatchObject({ ok: false, error: { message: expect.stringContaining("Access to this API has been restricted") } });
  });

  it("loads hookshift's packages where npm hoisted them, outside hookshift's folder", async () => {
    // `npm install hookshift` in a project puts bson beside hookshift (<project>/node_modules/bson),
    // not inside it: the workers must be allowed to read there too, or no function runs.
    const nm = path.join(await tempDir("hookshift-installed-"), "node_modules");
    const home = path.join(nm, "hookshift");
    await mkdir(home, { recursive: true });
    for (const part of ["dist", "bin", "package.json"]) await cp(path.join(REPO, part), path.join(home, part), { recursive: true });
    // What the worker imports, with their dependencies (as package-lock.json has them), hoisted.
    for (const dep of dependencyClosure(["bson", "jsonwebtoken"])) await cp(path.join(REPO, "node_modules", dep), path.join(nm, dep), { recursive: true });
    const installed = (p: string) => pathToFileURL(path.join(home, "dist", "src", p)).href;
    const pool = (await import(installed("runtime/functions/pool.js"))) as typeof PoolModule;
    const perms = (await import(installed("runtime/permissions.js"))) as typeof PermissionsModule;
    expect(perms.hookshiftRoot()).toBe(home);
    const rt = new pool.FunctionRuntime({ db: async () => "null", watchdogMarginMs: 300, permissions: { read: perms.functionReadPaths() } });
    rt.setApp(APP);
    runtimes.push(rt);
    const r = await call(rt, 'exports = () => EJSON.stringify({ id: BSON.ObjectId.createFromHexString("64a0000000000000000000cc") });');
    expect(r, JSON.stringify(r)).toMatchObject({
      ok: true,
      value: JSON.stringify('{"id":{"$oid":"64a0000000000000000000cc"}}'),
    });
    // jsonwebtoken loads at the first utils.jwt call (jwt-utils.ts), inside the hardened worker.
    const jwt = await call(rt, 'exports = () => utils.jwt.decode(utils.jwt.encode("HS256", { sub: "a" }, "k"), "k", false, ["HS256"]).sub;');
    expect(jwt, JSON.stringify(jwt)).toMatchObject({ ok: true, value: '"a"' });
  });

  it("gives each folder once: Node 20 aborts on a repeated path or a folder inside another", () => {
    const args = workerPermissionArgs(["/a/b", "/a/b/", "/a/b/c", "/a/bc", "/x"]);
    expect(args).toEqual([
      "--experimental-permission",
      "--disable-warning=ExperimentalWarning",
      "--allow-fs-read=/a/b",
      "--allow-fs-read=/a/bc",
      "--allow-fs-read=/x",
    ]);
    expect(args).not.toContain("--allow-worker");
    expect(args.some((a) => a.startsWith("--allow-fs-write") || a === "--allow-child-process")).toBe(false);
  });
});

describe("hookshift shim: a function that escapes node:vm", () => {
  /** A copy of shim-basic whose `api/anything` webhook is the attacker. */
  async function attackerApp(): Promise<string> {
    const app = path.join(await tempDir(), "shim-basic");
    await cp(fixture("shim-basic"), app, { recursive: true });
    await writeFile(path.join(app, "http_endpoints/api/incoming_webhooks/anything/source.js"), ESCAPE);
    return app;
  }

  async function shim(app: string, extra: string[], env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; err: () => string }> {
    const child = spawn(process.execPath, [path.join(REPO, "bin/hookshift.js"), "shim", app, "--port", "0", "--workers", "1", ...extra], {
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`shim did not start: ${out} ${err}`)), 20_000);
      child.stdout!.on("data", () => {
        const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m && out.includes("Stop with Ctrl-C")) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    return { url, child, err: () => err };
  }

  async function attack(url: string, t: Target): Promise<Record<string, string>> {
    const q = new URLSearchParams({ file: t.file, marker: t.marker, port: String(t.port) });
    const r = await fetch(`${url}/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/anything?${q}`);
    expect(r.status).toBe(200);
    return (await r.json()) as Record<string, string>;
  }

  async function stop(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
  }

  it("gets nothing: no command runs, /etc/passwd is not read, no file is written, no connection is made", async () => {
    const t = await target();
    const { url, child } = await shim(await attackerApp(), []);
    const out = await attack(url, t);
    expect(await stop(child)).toBe(0);
    for (const k of ["escape", "exec", "read", "write", "connect"]) expect(out[k], k).toMatch(REFUSED);
    await settle();
    expect(existsSync(t.file)).toBe(false);
    expect(existsSync(t.marker)).toBe(false);
    expect(t.connections()).toBe(0);
  }, 40_000);

  it("the permission model holds with the worker hardening off; --no-sandbox-permissions opens it (so this test can fail)", async () => {
    const app = await attackerApp();
    const walled = await target();
    const first = await shim(app, [], { HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING: "1" });
    const out = await attack(first.url, walled);
    expect(await stop(first.child)).toBe(0);
    expect(out.escape).toBe("object");
    for (const k of ["exec", "read", "write"]) expect(out[k], k).toMatch(DENIED);
    expect(existsSync(walled.file)).toBe(false);
    expect(existsSync(walled.marker)).toBe(false);

    const open = await target();
    const second = await shim(app, ["--no-sandbox-permissions"], { HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING: "1" });
    const escaped = await attack(second.url, open);
    expect(await stop(second.child)).toBe(0);
    expect(second.err()).toContain("warning: --no-sandbox-permissions: function code runs outside Node's permission model");
    expect(escaped.read).toMatch(/^root:/);
    expect(escaped.write).toBe("written");
    expect(existsSync(open.file)).toBe(true);
    expect(existsSync(open.marker)).toBe(true);
  }, 60_000);
});
