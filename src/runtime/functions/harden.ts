// What function code may not reach, and the worker's defence in depth (README.md, "Security").
//
// node:vm is no security boundary: `this.constructor.constructor('return process')()` gives
// function code the worker's own `process`, and from there every Node module. The wall is Node's
// permission model, under which the function workers of `shim` and of `verify --no-coverage` run
// (src/runtime/permissions.ts: file reads limited to hookshift, its packages and the app's
// functions/node_modules, no file writes, no child processes, no further workers). verify's
// coverage workers cannot run under it (Node 20's model closes the inspector): this hardening is
// all they have. Node 20's permission model does not cover the network, and refusing loudly is
// better than failing deep inside Node, so this module also:
//
// - classifies the built-in modules function code asks for (`require` in sandbox.ts /
//   require.ts, `process.getBuiltinModule` here): the file system, child processes and worker
//   threads are always refused, the network modules unless `--allow-network`; a refusal is
//   recorded as an outbound call that was not sent (`sent: false`, like a refused context.http
//   call) and throws an error that says so;
// - hardens a function worker before any function code runs (`hardenWorker`, called by
//   worker.ts): the host realm's Function constructors (the usual way out of node:vm) refuse to
//   compile code; `process.binding`, `process._linkedBinding`, `process.dlopen` and
//   `process.kill` refuse; `process.getBuiltinModule` hands out only the modules `require` would;
//   child_process and worker_threads refuse in every form (also `import()`); and without
//   `--allow-network` every socket (net, tls, http, https, http2, dgram), DNS lookup and `fetch`
//   refuses.

import { allowHostsMessage, hostAllowed, hostsRestricted } from "./allow-hosts.js";
import { syncBuiltinESMExports } from "node:module";
import type { OutboundCall } from "./protocol.js";

/** Built-ins that reach the network: refused unless the call may use the network (`--allow-network`). */
const NETWORK_MODULES: ReadonlySet<string> = new Set(["net", "tls", "dns", "http", "https", "http2", "dgram"]);
/** Built-ins that reach the host (files, processes, threads, native code): always refused. */
const HOST_MODULES: ReadonlySet<string> = new Set([
  "fs",
  "child_process",
  "worker_threads",
  "cluster",
  "module",
  "vm",
  "v8",
  "inspector",
  "repl",
  "wasi",
  "trace_events",
]);
/** What `process.getBuiltinModule` hands out in a hardened worker (besides the network modules with --allow-network). */
const HARMLESS_MODULES: ReadonlySet<string> = new Set([
  "assert",
  "buffer",
  "crypto",
  "events",
  "os",
  "path",
  "process",
  "punycode",
  "querystring",
  "stream",
  "string_decoder",
  "timers",
  "tty",
  "url",
  "util",
  "zlib",
]);

/** `node:fs/promises` → `fs`. */
function moduleBase(spec: string): string {
  const bare = spec.startsWith("node:") ? spec.slice(5) : spec;
  return bare.split("/")[0] ?? bare;
}

/** The part of a call's state a refusal is recorded in. */
export interface RefusalSink {
  outbound: OutboundCall[];
}

/** The call running in this worker (set by sandbox.ts runInProcess), where worker-level refusals are recorded. */
let active: { sink: RefusalSink; allowNetwork: boolean } | undefined;

export function enterCall(sink: RefusalSink, allowNetwork: boolean): void {
  active = { sink, allowNetwork };
}

export function leaveCall(sink: RefusalSink): void {
  if (active?.sink === sink) active = undefined;
}

class SandboxRefusal extends Error {
  override name = "Error";
  readonly code = "ERR_HOOKSHIFT_SANDBOX";
}

/**
 * Records `kind(what)` as an outbound call that was not sent and throws the refusal: `network`
 * refusals name --allow-network (the words of a refused context.http call), the others name the
 * README's Security section.
 */
function refuse(kind: string, what: string, network: boolean, sink: RefusalSink | undefined = active?.sink): never {
  const shown = what.length > 200 ? `${what.slice(0, 200)}…` : what;
  sink?.outbound.push({ kind, args: JSON.stringify([shown]), sent: false });
  throw new SandboxRefusal(
    network
      ? `${kind}(${JSON.stringify(shown)}): outbound network calls are disabled in the shim: it was recorded but not run (pass --allow-network to allow it)`
      : `${kind}(${JSON.stringify(shown)}): refused by the hookshift shim: function code may not reach the host's files, processes or threads (README.md, "Security")`,
  );
}

/**
 * Refuses `spec` (a `require` argument or a built-in module id) when function code may not load it:
 * records it under `kind` (e.g. `require`) and throws. Returns when it is not refused here.
 */
export function checkModule(kind: string, spec: string, allowNetwork: boolean, sink: RefusalSink | undefined = active?.sink): void {
  const base = moduleBase(spec);
  // With an --allow-host list only context.http and fetch go out (they check the host); a raw socket would not.
  if (NETWORK_MODULES.has(base) && (!allowNetwork || hostsRestricted())) refuse(kind, spec, true, sink);
  if (HOST_MODULES.has(base)) refuse(kind, spec, false, sink);
}

export interface HardenOptions {
  /** The worker's calls may use the network (`--allow-network`). */
  allowNetwork: boolean;
}

let hardened = false;

/** Hardens this worker thread (see the header). Idempotent; call before any function code runs. */
export function hardenWorker(opts: HardenOptions): void {
  if (hardened) return;
  hardened = true;
  // For tests of the permission model alone, and for debugging; never set by hookshift.
  if (process.env.HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING === "1") return;
  const allowNetwork = () => active?.allowNetwork ?? opts.allowNetwork;

  // 1. The host realm's Function constructors: the way out of node:vm. `x.constructor` of any host
  // function (every object the sandbox hands out has some) finds these prototype properties;
  // hookshift's own code never compiles code from strings.
  const prototypes: [object, string][] = [
    [Function.prototype, "Function"],
    [Object.getPrototypeOf(async function () {}) as object, "AsyncFunction"],
    [Object.getPrototypeOf(function* () {}) as object, "GeneratorFunction"],
    [Object.getPrototypeOf(async function* () {}) as object, "AsyncGeneratorFunction"],
  ];
  for (const [proto, name] of prototypes) {
    const stub = function (...args: unknown[]): never {
      return refuse(name, String(args[args.length - 1] ?? ""), false);
    };
    Object.defineProperty(stub, "name", { value: name });
    Object.defineProperty(stub, "prototype", { value: proto });
    Object.defineProperty(proto, "constructor", { value: stub, writable: false, configurable: false, enumerable: false });
  }

  // 2. process: no raw bindings, no native addons, no signals to other processes; built-ins only
  // as `require` hands them out.
  const proc = process as unknown as Record<string, unknown>;
  const refuser = (name: string) =>
    function (what?: unknown): never {
      return refuse(`process.${name}`, String(what ?? ""), false);
    };
  for (const name of ["binding", "_linkedBinding", "dlopen", "kill"]) {
    if (name in proc) Object.defineProperty(proc, name, { value: refuser(name), writable: false, configurable: false });
  }
  const getBuiltinModule = proc.getBuiltinModule as ((id: string) => unknown) | undefined;
  if (typeof getBuiltinModule === "function") {
    Object.defineProperty(proc, "getBuiltinModule", {
      value: function (id: unknown): unknown {
        const spec = String(id);
        const base = moduleBase(spec);
        checkModule("process.getBuiltinModule", spec, allowNetwork());
        if (!HARMLESS_MODULES.has(base) && !NETWORK_MODULES.has(base)) refuse("process.getBuiltinModule", spec, false);
        return getBuiltinModule.call(process, spec);
      },
      writable: false,
      configurable: false,
    });
  }

  // 3. Modules function code could still import() from the host realm: their entry points refuse.
  // The worker itself needs neither child processes nor further workers (its own
  // worker_threads import is done already).
  const req = getBuiltinModule ? (id: string) => getBuiltinModule.call(process, id) as Record<string, unknown> : undefined;
  if (!req) return;
  const replace = (mod: Record<string, unknown>, modName: string, names: string[], network: boolean, when: () => boolean = () => true) => {
    for (const name of names) {
      const original = mod[name];
      if (typeof original !== "function") continue;
      mod[name] = function (this: unknown, ...args: unknown[]): unknown {
        if (when()) refuse(`${modName}.${name}`, describeTarget(args[0]), network);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
  };
  replace(req("child_process"), "child_process", ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"], false);
  const wt = req("worker_threads");
  const OriginalWorker = wt.Worker as new (...a: unknown[]) => unknown;
  wt.Worker = function Worker(...args: unknown[]): never {
    void OriginalWorker;
    return refuse("worker_threads.Worker", describeTarget(args[0]), false);
  };

  // Network: without --allow-network every socket connect / listen / send, DNS lookup and fetch
  // refuses. Patching the prototypes catches every module built on them (tls, http, https, http2,
  // undici behind fetch).
  const offline = () => !allowNetwork();
  const net = req("net") as { Socket: { prototype: Record<string, unknown> }; Server: { prototype: Record<string, unknown> } };
  replace(net.Socket.prototype, "net.Socket", ["connect"], true, offline);
  replace(net.Server.prototype, "net.Server", ["listen"], true, offline);
  const dgram = req("dgram") as { Socket: { prototype: Record<string, unknown> } };
  replace(dgram.Socket.prototype, "dgram.Socket", ["bind", "connect", "send"], true, offline);
  const dnsNames = [
    "lookup",
    "lookupService",
    "resolve",
    "resolve4",
    "resolve6",
    "resolveAny",
    "resolveCaa",
    "resolveCname",
    "resolveMx",
    "resolveNaptr",
    "resolveNs",
    "resolvePtr",
    "resolveSoa",
    "resolveSrv",
    "resolveTxt",
    "reverse",
  ];
  const dns = req("dns");
  replace(dns, "dns", dnsNames, true, offline);
  replace(dns.promises as Record<string, unknown>, "dns.promises", dnsNames, true, offline);
  for (const Resolver of [dns.Resolver, (dns.promises as Record<string, unknown>).Resolver] as { prototype: Record<string, unknown> }[]) {
    replace(Resolver.prototype, "dns.Resolver", dnsNames, true, offline);
  }
  const g = globalThis as Record<string, unknown>;
  for (const name of ["fetch", "WebSocket", "EventSource"]) {
    const original = g[name];
    if (typeof original !== "function") continue;
    g[name] = function (this: unknown, ...args: unknown[]): unknown {
      if (offline()) refuse(name, describeTarget(args[0]), true);
      if (hostsRestricted()) {
        const host = hostOf(args[0]);
        if (host === undefined || !hostAllowed(host)) throw new SandboxRefusal(allowHostsMessage(host ?? describeTarget(args[0])));
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  // `import("node:child_process")` and friends read the module objects' current exports.
  syncBuiltinESMExports();
}

/** The host name a fetch-like call's first argument names, if it names one. */
function hostOf(arg: unknown): string | undefined {
  try {
    if (typeof arg === "string" || arg instanceof URL) return new URL(String(arg)).hostname;
    if (arg && typeof arg === "object" && typeof (arg as { url?: unknown }).url === "string") return new URL((arg as { url: string }).url).hostname;
  } catch {
    return undefined;
  }
  return undefined;
}

/** A short text for the first argument of a refused call (a URL, a host, a command, options). */
function describeTarget(arg: unknown): string {
  if (typeof arg === "string" || typeof arg === "number") return String(arg);
  if (arg instanceof URL) return arg.href;
  if (arg && typeof arg === "object") {
    const o = arg as Record<string, unknown>;
    const host = o.host ?? o.hostname ?? o.path ?? o.url;
    const port = o.port;
    if (host !== undefined || port !== undefined) return `${String(host ?? "")}${port !== undefined ? `:${String(port)}` : ""}`;
  }
  return typeof arg;
}
