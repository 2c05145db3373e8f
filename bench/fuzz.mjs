#!/usr/bin/env node
// Hostile-input campaign (issue 16, item 14; not a benchmark figure, a bounded check): seeded,
// reproducible, loopback only.
//
//  (a) N mutated app trees (a fixture app with a planted secret, then 1-4 mutations) through
//      `hookshift scan --json`, `migrate --dry-run` and `migrate --out --report`, in-process
//      through the CLI's `main` in a child process: a crash is an exception escaping, an
//      "internal error", a `read-failed` finding or the child dying; a hang is a tree over the
//      per-tree time limit; an input change is any difference in the input tree (types, modes,
//      contents, link targets, never following links) before and after; a leak is a planted
//      secret in stdout, stderr or any report file but secrets.json.
//  (b) M hostile HTTP requests over raw sockets to `hookshift shim` (a child process on
//      127.0.0.1) serving a migrated copy of fixtures/apps/shim-basic with a planted secret: a
//      crash is a 500 "internal shim error" (or a `shim-error` log line) or the shim dying; a
//      hang is a request with no answer and no close in 30 s; a leak is the secret in its log.
//
// Tree i uses seed S+i and request j seed S+j, so a failure reported with seed X reruns alone with
// `--seed X --trees 1 --requests 0` (tree) or `--seed X --trees 0 --requests 1` (request).
//
// Usage: npm run build && node bench/fuzz.mjs [--trees 200] [--requests 2000] [--seed 1]
//          [--tree-time-limit 60] [--concurrency 8] [--keep]
// HOOKSHIFT_FUZZ_VERBOSE=1 prints each tree's mutations and each request's answer; --keep leaves
// the trees' temp folders (a failure then names its folder).
// Exit code: 0 when every count is 0, 1 otherwise.

import { execFileSync, fork, spawn } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// The compiled hookshift under test: dist/, or another build of this tree (HOOKSHIFT_FUZZ_DIST, e.g.
// `tsc -p tsconfig.json --outDir node_modules/.cache/fuzz/dist`), to try a fix without touching dist/.
const DIST = path.resolve(process.env.HOOKSHIFT_FUZZ_DIST ?? path.join(ROOT, "dist"));
const CLI_MAIN = pathToFileURL(path.join(DIST, "src/cli/main.js")).href;
const SELF = fileURLToPath(import.meta.url);
const FIXTURES = path.join(ROOT, "fixtures/apps");

// ---------------------------------------------------------------------------------------------
// Seeded randomness

function rngFor(seed) {
  // mulberry32 over a mixed seed: small consecutive seeds give unrelated streams.
  let a = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    bytes: (n) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
    word: (n, alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") => {
      let s = "";
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
  };
  return r;
}

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const o = { trees: 200, requests: 2000, seed: 1, treeTimeLimit: 60, concurrency: 8, keep: false, child: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} takes a whole number, got ${argv[i]}`);
      return v;
    };
    if (a === "--trees") o.trees = num();
    else if (a === "--requests") o.requests = num();
    else if (a === "--seed") o.seed = num();
    else if (a === "--tree-time-limit") o.treeTimeLimit = num();
    else if (a === "--concurrency") o.concurrency = Math.max(1, num());
    else if (a === "--keep") o.keep = true;
    else if (a === "--child-trees") o.child = true;
    else throw new Error(`unknown argument ${a} (usage: node bench/fuzz.mjs [--trees N] [--requests M] [--seed S])`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// (a) Trees: what runs in the child process

/** Fixture apps with webhooks (the README and apps without any are left out). */
function fixtureApps() {
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Every entry below `dir` (Buffer paths, so names that are not UTF-8 survive), links not followed. */
function walk(dir, out = []) {
  let names;
  try {
    names = fs.readdirSync(dir, { encoding: "buffer" });
  } catch {
    return out;
  }
  names.sort(Buffer.compare);
  for (const n of names) {
    const p = Buffer.concat([Buffer.isBuffer(dir) ? dir : Buffer.from(dir), Buffer.from("/"), n]);
    let st;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    out.push({ p, st });
    if (st.isDirectory()) walk(p, out);
  }
  return out;
}

/** A fingerprint of a tree: every entry's relative path, type, mode, size, content hash or link target. */
function fingerprint(dir) {
  const base = Buffer.byteLength(dir) + 1;
  const h = createHash("sha256");
  for (const { p, st } of walk(dir)) {
    const rel = p.subarray(base).toString("hex");
    let what;
    if (st.isSymbolicLink()) what = `l ${fs.readlinkSync(p, { encoding: "buffer" }).toString("hex")}`;
    else if (st.isDirectory()) what = `d`;
    else if (st.isFile()) what = `f ${st.size} ${createHash("sha256").update(fs.readFileSync(p)).digest("hex")}`;
    else what = `o ${st.mode >>> 12}`;
    h.update(`${rel} ${(st.mode & 0o7777).toString(8)} ${what}\n`);
  }
  return h.digest("hex");
}

const isJson = (p) => p.toString().endsWith(".json");
const isSource = (p) => p.toString().endsWith(".js");

/** The planted secrets of a tree: plain letters and digits, so any escaping of them is easy to undo. */
function secretsFor(seed) {
  const r = rngFor(seed ^ 0x5eed);
  return [`fzSECRET${seed}x${r.word(16)}`, `fzDUP${seed}x${r.word(16)}`];
}

/** Where a webhook's config.json sits (layouts A, B, B′ and C; not `functions/<name>/config.json`). */
const WEBHOOK_CONFIG = /^(?:services|http_endpoints|https_endpoints)\/[^/]+\/(?:incoming_webhooks\/)?[^/]+\/config\.json$/;

/** Webhook configs: a regular file at a webhook's place, beside a source.js. */
function webhookConfigs(app) {
  return walk(app)
    .filter(
      ({ p, st }) => st.isFile() && WEBHOOK_CONFIG.test(path.relative(app, p.toString())) && fs.existsSync(path.join(path.dirname(p.toString()), "source.js")),
    )
    .map(({ p }) => p.toString());
}

function plantSecrets(app, secret, r) {
  for (const file of webhookConfigs(app)) {
    let cfg;
    try {
      cfg = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    if (!cfg || typeof cfg !== "object" || Array.isArray(cfg)) continue;
    cfg.options = typeof cfg.options === "object" && cfg.options ? cfg.options : {};
    cfg.options.secret = secret;
    if (!["SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"].includes(cfg.options.validationMethod)) {
      cfg.options.validationMethod = r.pick(["SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"]);
    }
    fs.writeFileSync(file, JSON.stringify(cfg, null, 4) + "\n");
  }
}

const SPECIAL_NAMES = [
  "with space",
  "ünïcødé-名前",
  "emoji-🚀",
  "%2e%2e",
  "quote\"'`",
  "<script>alert(1)</script>",
  "new\nline",
  "tab\there",
  "back\\slash",
  "$(echo pwned)",
  "-rf",
  ".hidden",
  "x".repeat(250),
  "CON",
  "a:b*c?d|e",
  "\u202ertl",
  "zero\u200bwidth",
];
const HOSTILE_STRINGS = ["", "..", "../..", "../../etc/passwd", "\u0000", "a\u0000b", "\ud800", "/", "\\", "%", "%ZZ", "🚀".repeat(10), "<b>", "${x}", "\r\n"];

function randomValue(r, depth = 0) {
  switch (r.int(0, depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return r.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 3.14]);
    case 2:
      return r.chance(0.5);
    case 3:
      return r.pick(HOSTILE_STRINGS);
    case 4:
      return r.word(r.int(0, 40));
    case 5:
      return r.pick(SPECIAL_NAMES);
    case 6:
      return r.pick(["GET", "POST", "ANY", "HEAD", "get", "SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD", "NO_VALIDATION", "http", "github", "twilio"]);
    case 7:
      return Array.from({ length: r.int(0, 3) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(0, 3) }, () => [r.pick(["name", "options", "secret", "httpMethod", "type", "config", "x"]), randomValue(r, depth + 1)]),
      );
  }
}

/** Every (parent, key) pair inside a parsed JSON value. */
function slots(v, out = []) {
  if (v && typeof v === "object") {
    for (const k of Object.keys(v)) {
      out.push([v, k]);
      slots(v[k], out);
    }
  }
  return out;
}

function nested(depth, open, close, inner = "1") {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** The mutations: each takes (ctx, r) and returns a short description for the failure report. */
const MUTATIONS = {
  truncateJson(ctx, r) {
    const f = r.pick(ctx.files().filter(isJson));
    if (!f) return "no json";
    const b = fs.readFileSync(f);
    fs.writeFileSync(f, b.subarray(0, r.int(0, Math.max(0, b.length - 1))));
    return `truncate ${ctx.rel(f)}`;
  },
  corruptJson(ctx, r) {
    const f = r.pick(ctx.files().filter(isJson));
    if (!f) return "no json";
    const b = Buffer.from(fs.readFileSync(f));
    const junk = ["{", "}", "[", "]", '"', ",", ":", "\\", "\u0000", "/*", "//", "\ufeff", "NaN", "'", "\\u12"];
    let s = b.toString("latin1");
    for (let i = r.int(1, 5); i > 0; i--) {
      const at = r.int(0, s.length);
      s = s.slice(0, at) + r.pick(junk) + s.slice(at + r.int(0, 2));
    }
    fs.writeFileSync(f, Buffer.from(s, "latin1"));
    return `corrupt ${ctx.rel(f)}`;
  },
  swapType(ctx, r) {
    const jsons = ctx.files().filter(isJson);
    const preferred = jsons.filter((f) => webhookish(f));
    const f = r.pick(preferred.length && r.chance(0.7) ? preferred : jsons);
    if (!f) return "no json";
    let v;
    try {
      v = JSON.parse(fs.readFileSync(f, "utf8"));
    } catch {
      return `swap: ${ctx.rel(f)} is not JSON`;
    }
    const all = slots(v);
    let where = "<root>";
    if (all.length === 0 || r.chance(0.1)) v = randomValue(r);
    else {
      const [parent, key] = r.pick(all);
      parent[key] = randomValue(r);
      where = key;
    }
    fs.writeFileSync(f, JSON.stringify(v, null, r.pick([0, 2, 4])));
    return `swap ${where} in ${ctx.rel(f)}`;
  },
  deleteFile(ctx, r) {
    const e = r.pick(ctx.entries());
    if (!e) return "nothing";
    fs.rmSync(e, { recursive: true, force: true });
    return `delete ${ctx.rel(e)}`;
  },
  deepNesting(ctx, r) {
    const kind = r.int(0, 3);
    if (kind === 0) {
      const f = r.pick(ctx.files().filter(isJson));
      if (!f) return "no json";
      fs.writeFileSync(f, r.chance(0.5) ? nested(r.int(500, 50_000), "[", "]") : nested(r.int(500, 20_000), '{"a":', "}"));
      return `deep json ${ctx.rel(f)}`;
    }
    if (kind === 1) {
      const f = r.pick(ctx.files().filter(isSource));
      if (!f) return "no source";
      const d = r.int(500, 20_000);
      const body = r.pick([
        nested(d, "(", ")"),
        nested(d, "[", "]"),
        nested(d, "{a:", "}"),
        Array(d).fill("1").join("+"),
        nested(Math.min(d, 3000), "function f(){", "}", ""),
      ]);
      fs.writeFileSync(f, `exports = function(payload) { return ${body}; };\n`);
      return `deep source ${ctx.rel(f)}`;
    }
    if (kind === 2) {
      let d = r.pick(ctx.dirs());
      const levels = r.int(20, 120);
      for (let i = 0; i < levels; i++) d = path.join(d, r.pick(["d", "incoming_webhooks", "http_endpoints", "services"]));
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, "config.json"), '{"name":"deep","type":"http","config_version":20210101}\n');
      fs.writeFileSync(path.join(d, "source.js"), "exports = () => 1;\n");
      return `deep folders (${levels}) below ${ctx.rel(r.pick(ctx.dirs()))}`;
    }
    const f = r.pick(ctx.files().filter(isSource));
    if (!f) return "no source";
    fs.writeFileSync(f, `exports = function() { return ${nested(r.int(100, 5000), "`${", "}`", "1")}; };\n`);
    return `deep template ${ctx.rel(f)}`;
  },
  hugeString(ctx, r) {
    const size = r.int(64 * 1024, ctx.budget(2 * 1024 * 1024));
    const big = r.chance(0.5)
      ? "A".repeat(size)
      : r
          .word(Math.min(size, 256 * 1024))
          .repeat(Math.ceil(size / Math.min(size, 256 * 1024)))
          .slice(0, size);
    const f = r.pick(ctx.files().filter((p) => webhookish(p) || isSource(p)));
    if (!f) return "no file";
    if (isSource(f)) {
      fs.writeFileSync(f, r.chance(0.5) ? `exports = function() { return "${big}"; };\n` : `exports = function() { return 1; }; // ${big}\n`);
      return `huge string (${size}) in ${ctx.rel(f)}`;
    }
    let v;
    try {
      v = JSON.parse(fs.readFileSync(f, "utf8"));
    } catch {
      v = {};
    }
    if (!v || typeof v !== "object") v = {};
    const key = r.pick(["name", "run_as_user_id", "run_as_user_id_script_source", "options.httpMethod", "options.secret", "can_evaluate", "huge"]);
    if (key.startsWith("options.")) {
      v.options = v.options && typeof v.options === "object" ? v.options : {};
      v.options[key.slice(8)] = big;
    } else v[key] = key === "can_evaluate" ? { [big.slice(0, 1000)]: big } : big;
    fs.writeFileSync(f, JSON.stringify(v));
    return `huge ${key} (${size}) in ${ctx.rel(f)}`;
  },
  invalidUtf8(ctx, r) {
    const bad = [
      Buffer.from([0xff]),
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf0, 0x28, 0x8c, 0xbc]),
      Buffer.from([0xe2, 0x82]),
      Buffer.from([0xc0, 0xaf]),
    ];
    if (r.chance(0.35)) {
      const e = r.pick(ctx.entries());
      if (!e) return "nothing";
      const to = Buffer.concat([Buffer.from(path.dirname(e) + "/"), Buffer.from(path.basename(e).slice(0, 20)), r.pick(bad)]);
      fs.renameSync(e, to);
      return `invalid UTF-8 name for ${ctx.rel(e)}`;
    }
    const f = r.pick(ctx.files().filter((p) => isJson(p) || isSource(p)));
    if (!f) return "no file";
    const b = fs.readFileSync(f);
    const parts = [];
    let last = 0;
    for (let i = r.int(1, 4); i > 0; i--) {
      const at = r.int(last, b.length);
      parts.push(b.subarray(last, at), r.pick(bad));
      last = at;
    }
    parts.push(b.subarray(last));
    fs.writeFileSync(f, Buffer.concat(parts));
    return `invalid UTF-8 in ${ctx.rel(f)}`;
  },
  links(ctx, r) {
    const dir = r.pick(ctx.dirs());
    const targets = [
      ctx.outside,
      path.join(ctx.outside, "outside.json"),
      "/",
      "/etc/passwd",
      "/dev/zero",
      "/proc/self/fd/0",
      "..",
      "../..",
      ".",
      ctx.app,
      path.dirname(ctx.app),
      "does-not-exist",
      "loop-b",
    ];
    const target = r.pick(targets);
    const replace = r.chance(0.4) ? r.pick(ctx.files().filter((f) => ["source.js", "config.json"].includes(path.basename(f)) || isJson(f))) : undefined;
    const at = replace ?? path.join(dir, r.pick(["link", "source.js", "config.json", "incoming_webhooks", "functions", "loop-a"]));
    fs.rmSync(at, { recursive: true, force: true });
    fs.symlinkSync(target, at);
    if (target === "loop-b") fs.symlinkSync(path.basename(at), path.join(path.dirname(at), "loop-b"));
    return `link ${ctx.rel(at)} -> ${target}`;
  },
  duplicateKeys(ctx, r) {
    const f = r.pick(ctx.files().filter((p) => webhookish(p))) ?? r.pick(ctx.files().filter(isJson));
    if (!f) return "no json";
    let s = fs.readFileSync(f, "latin1");
    const i = s.indexOf("{");
    if (i < 0) return `no object in ${ctx.rel(f)}`;
    const dup = r.pick(['"name": "dup"', '"options": {"secret": 1}', '"options": null', '"name": "first", "name": "second"', '"respond_result": "yes"']);
    const j = s.indexOf('"secret"');
    if (j >= 0 && r.chance(0.6)) {
      // a second secret key in the options object, before or after the first
      s = s.slice(0, j) + `"secret": "${ctx.secrets[1]}", ` + s.slice(j);
    } else
      s =
        s.slice(0, i + 1) +
        dup +
        (s
          .slice(i + 1)
          .trim()
          .startsWith("}")
          ? ""
          : ",") +
        s.slice(i + 1);
    fs.writeFileSync(f, s, "latin1");
    return `duplicate keys in ${ctx.rel(f)}`;
  },
  specialNames(ctx, r) {
    const name = r.pick(
      SPECIAL_NAMES.concat(HOSTILE_STRINGS.filter((s) => !["", "..", "../..", ".", "/", "\u0000", "a\u0000b", "\\", "../../etc/passwd"].includes(s))),
    );
    if (r.chance(0.5)) {
      const d = r.pick(ctx.dirs().filter((x) => x !== ctx.app));
      if (!d) return "no folder";
      const to = path.join(path.dirname(d), name.replace(/\//g, "_"));
      if (fs.existsSync(to)) return "exists";
      fs.renameSync(d, to);
      return `rename ${ctx.rel(d)} -> ${JSON.stringify(name)}`;
    }
    const f = r.pick(ctx.files().filter((p) => webhookish(p) || path.basename(p) === "config.json"));
    if (!f) return "no config";
    let v;
    try {
      v = JSON.parse(fs.readFileSync(f, "utf8"));
    } catch {
      return "not json";
    }
    if (!v || typeof v !== "object") return "not an object";
    v.name = r.pick([name, ...HOSTILE_STRINGS]);
    fs.writeFileSync(f, JSON.stringify(v, null, 4));
    return `name ${JSON.stringify(v.name).slice(0, 40)} in ${ctx.rel(f)}`;
  },
  emptyFile(ctx, r) {
    const f = r.pick(ctx.files());
    if (!f) return "no file";
    fs.writeFileSync(f, "");
    return `empty ${ctx.rel(f)}`;
  },
  binarySource(ctx, r) {
    const f = r.pick(ctx.files().filter(isSource));
    if (!f) return "no source";
    const n = r.int(0, ctx.budget(64 * 1024));
    const junk = r.bytes(n);
    fs.writeFileSync(f, r.chance(0.3) ? Buffer.concat([Buffer.from("exports = function() { return '"), junk, Buffer.from("'; };\n")]) : junk);
    return `binary source (${n}) ${ctx.rel(f)}`;
  },
  specialFile(ctx, r) {
    const f = r.pick(ctx.files().filter((p) => ["source.js", "config.json"].includes(path.basename(p)) || isJson(p)));
    if (!f) return "no file";
    fs.rmSync(f, { force: true });
    execFileSync("mkfifo", [f]);
    return `fifo ${ctx.rel(f)}`;
  },
};

function webhookish(f) {
  return path.basename(f) === "config.json" && fs.existsSync(path.join(path.dirname(f), "source.js"));
}

async function runTree(seed, main) {
  const r = rngFor(seed);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `hookshift-fuzz-${seed}-`));
  const app = path.join(tmp, "app");
  const outside = path.join(tmp, "outside");
  const secrets = secretsFor(seed);
  const failures = [];
  try {
    const fixture = r.pick(fixtureApps());
    fs.cpSync(path.join(FIXTURES, fixture), app, { recursive: true, verbatimSymlinks: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "outside.json"), JSON.stringify({ name: "outside", options: { httpMethod: "GET" } }));
    plantSecrets(app, secrets[0], r);
    let added = 0;
    const ctx = {
      app,
      outside,
      secrets,
      rel: (p) => path.relative(app, p.toString()),
      entries: () =>
        walk(app)
          .map((e) => e.p.toString())
          .filter((p) => !p.includes("\ufffd")),
      files: () =>
        walk(app)
          .filter((e) => e.st.isFile())
          .map((e) => e.p.toString())
          .filter((p) => !p.includes("\ufffd")),
      dirs: () => [
        app,
        ...walk(app)
          .filter((e) => e.st.isDirectory())
          .map((e) => e.p.toString())
          .filter((p) => !p.includes("\ufffd")),
      ],
      /** At most 4 MB of added bulk per tree. */
      budget: (want) => {
        const n = Math.max(1024, Math.min(want, 4 * 1024 * 1024 - added));
        added += n;
        return n;
      },
    };
    const names = Object.keys(MUTATIONS);
    const done = [];
    for (let k = r.int(1, 4); k > 0; k--) {
      const m = r.pick(names);
      try {
        done.push(`${m}: ${MUTATIONS[m](ctx, r)}`);
      } catch (e) {
        done.push(`${m}: not applied (${e.code ?? e.message})`);
      }
    }
    // Only a secret still in a webhook's config (its folder neither renamed nor deleted) is one
    // hookshift can know; a secret in a file that is no longer a webhook config is just text.
    const configs = walk(app).filter(({ p, st }) => st.isFile() && WEBHOOK_CONFIG.test(path.relative(app, p.toString())));
    const texts = configs.map(({ p }) => fs.readFileSync(p, "latin1"));
    const known = secrets.filter((x) => texts.some((t) => t.includes(x)));
    const what = `${process.env.HOOKSHIFT_FUZZ_KEEP ? `${tmp}: ` : ""}${fixture} + ${done.join("; ")}`;
    const before = fingerprint(app);

    const out = path.join(tmp, "out");
    const report = path.join(tmp, "report");
    let seen = "";
    const runs = [
      ["scan", app, "--json"],
      ["migrate", app, "--dry-run"],
      ["migrate", app, "--out", out, "--report", report],
    ];
    for (const argv of runs) {
      let stdout = "";
      let stderr = "";
      const io = { out: (s) => (stdout += s), err: (s) => (stderr += s), color: false, columns: 100, errIsTTY: false };
      const label = `hookshift ${argv[0]}${argv[2] === "--dry-run" ? " --dry-run" : argv[2] === "--out" ? " --out" : ""}`;
      try {
        await main(argv, io);
      } catch (e) {
        failures.push({ kind: "crash", what: `${label}: exception escaped: ${e?.stack?.split("\n").slice(0, 3).join(" | ") ?? e}` });
      }
      if (/internal error/.test(stderr)) failures.push({ kind: "crash", what: `${label}: ${stderr.split("\n")[0]}` });
      if (/"read-failed"|\bread-failed\b/.test(stdout + stderr))
        failures.push({ kind: "crash", what: `${label}: read-failed finding: ${(stdout + stderr).match(/Could not read the app[^"\n]*/)?.[0] ?? ""}` });
      seen += stdout + stderr;
    }
    for (const s of known) {
      if (seen.includes(s)) failures.push({ kind: "leak", what: `secret in stdout/stderr` });
    }
    for (const { p, st } of walk(report)) {
      if (!st.isFile() || path.basename(p.toString()) === "secrets.json") continue;
      const text = fs.readFileSync(p, "latin1");
      for (const s of known) if (text.includes(s)) failures.push({ kind: "leak", what: `secret in ${path.relative(tmp, p.toString())}` });
    }
    if (fingerprint(app) !== before) failures.push({ kind: "input", what: "the input tree changed" });
    return { what, failures };
  } finally {
    if (!process.env.HOOKSHIFT_FUZZ_KEEP) fs.rmSync(tmp, { recursive: true, force: true }); // --keep: the path is in the failure
  }
}

async function childMain() {
  const { main } = await import(CLI_MAIN);
  let current;
  const die = (e) => {
    process.send({ seed: current, fatal: `${e?.stack?.split("\n").slice(0, 3).join(" | ") ?? e}` });
    process.exit(3);
  };
  process.on("uncaughtException", die);
  process.on("unhandledRejection", die);
  process.on("message", async (m) => {
    if (m.stop) process.exit(0);
    current = m.seed;
    try {
      const res = await runTree(m.seed, main);
      process.send({ seed: m.seed, ...res });
    } catch (e) {
      process.send({
        seed: m.seed,
        what: "(the campaign itself failed)",
        failures: [{ kind: "crash", what: `fuzz harness: ${e?.stack?.split("\n").slice(0, 2).join(" | ")}` }],
      });
    }
  });
  process.send({ ready: true });
}

// ---------------------------------------------------------------------------------------------
// (a) Trees: the parent side (time limit, restarts)

async function treeCampaign(o, record) {
  let child;
  let waiting;
  let stderrTail = "";
  const start = () =>
    new Promise((resolve) => {
      stderrTail = "";
      child = fork(SELF, ["--child-trees"], { stdio: ["ignore", "ignore", "pipe", "ipc"], env: { ...process.env, NO_COLOR: "1" } });
      child.stderr.on("data", (d) => (stderrTail = (stderrTail + d).slice(-2000)));
      child.on("message", (m) => {
        if (m.ready) resolve();
        else waiting?.(m);
      });
      child.on("exit", (code, signal) => waiting?.({ exited: true, code, signal }));
    });
  await start();
  for (let i = 0; i < o.trees; i++) {
    const seed = o.seed + i;
    const started = Date.now();
    const m = await new Promise((resolve) => {
      const t = setTimeout(() => resolve({ timeout: true }), o.treeTimeLimit * 1000);
      waiting = (x) => {
        clearTimeout(t);
        resolve(x);
      };
      child.send({ seed });
    });
    waiting = undefined;
    const ms = Date.now() - started;
    if (m.timeout || m.exited || m.fatal) {
      if (m.timeout) record("tree", seed, "hang", `over the ${o.treeTimeLimit} s limit`);
      else if (m.fatal) record("tree", seed, "crash", `uncaught in the child: ${m.fatal}`);
      else record("tree", seed, "crash", `the child died (code ${m.code}, signal ${m.signal}): ${stderrTail.trim().split("\n").slice(-3).join(" | ")}`);
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 200));
      if (!o.keep) {
        // The killed child could not remove its tree.
        for (const n of fs.readdirSync(os.tmpdir())) {
          if (n.startsWith(`hookshift-fuzz-${seed}-`)) fs.rmSync(path.join(os.tmpdir(), n), { recursive: true, force: true });
        }
      }
      await start();
    } else {
      for (const f of m.failures) record("tree", seed, f.kind, `${f.what} [${m.what}]`);
    }
    if (process.env.HOOKSHIFT_FUZZ_VERBOSE) process.stderr.write(`tree ${seed}: ${ms} ms ${m.what ?? ""}\n`);
    else if ((i + 1) % 100 === 0) process.stderr.write(`fuzz: ${i + 1}/${o.trees} trees\n`);
  }
  child.removeAllListeners("exit");
  child.send({ stop: true });
}

// ---------------------------------------------------------------------------------------------
// (b) Requests through `hookshift shim`

const SHIM_SECRET = "fzShimSecretQ7xk2Lm9";
const APP_ID = "shimbasic-abcde";
const WEBHOOKS = ["anything", "guarded", "created", "outbound", "whoami", "signed", "fails", "processed"];
const MAX_BODY = 18 * 1024 * 1024;

async function startShim(app, secretsFile, log) {
  const child = spawn(
    process.execPath,
    // What bin/hookshift.js does, with the build under test.
    [
      "--input-type=module",
      "-e",
      `import { main } from ${JSON.stringify(CLI_MAIN)}; main(process.argv.slice(1)).then((c) => { process.exitCode = c; });`,
      "shim",
      app,
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--secrets",
      secretsFile,
      "--workers",
      "2",
      "--time-limit",
      "10",
      "--max-inflight-body-mb",
      "64",
    ],
    { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d) => {
    log.text += d;
    out += d;
  });
  child.stderr.on("data", (d) => (log.text += d));
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the shim did not start: ${log.text.slice(-500)}`)), 60_000);
    child.on("exit", (c) => reject(new Error(`the shim exited (${c}) at start: ${log.text.slice(-500)}`)));
    child.stdout.on("data", () => {
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes("Stop with Ctrl-C")) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
  child.removeAllListeners("exit");
  return { child, port: Number(new URL(url).port) };
}

function pctAll(s) {
  return [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

/** The secret as the `secret` parameter, however escaped. */
function secretParam(r) {
  const names = ["secret", "%73ecret", "s%65cret", "SECRET", "Secret", pctAll("secret"), "secre%74"];
  const value = r.pick([
    SHIM_SECRET,
    pctAll(SHIM_SECRET),
    SHIM_SECRET.replace("Q", "%51"),
    SHIM_SECRET.replace("k", "%6B"),
    `${SHIM_SECRET}+`,
    `${SHIM_SECRET}%20`,
    `${SHIM_SECRET};x=1`,
    `=${SHIM_SECRET}`,
  ]);
  return `${r.pick(names)}=${value}`;
}

function buildRequest(seed, budget) {
  const r = rngFor(seed);
  const webhook = r.pick(WEBHOOKS);
  const paths = [
    `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/${webhook}`,
    `/app/${APP_ID}/endpoint/api/${webhook}`,
    `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/../../../../etc/passwd`,
    `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/..%2f..%2f..%2fetc%2fpasswd`,
    `/app/${APP_ID}/endpoint/..%2F..%2F..%2F`,
    `/app/${APP_ID}/endpoint/%2e%2e/%2e%2e/${webhook}`,
    `/api/client/v2.0/app/${APP_ID}/service/%00/incoming_webhook/${webhook}%00`,
    `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/${webhook}%ZZ`,
    `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/%ff%fe`,
    `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/%c3%28`,
    `/app/${APP_ID}/endpoint/api/%ed%a0%80`,
    `//api//client/v2.0/app/${APP_ID}/service/api/incoming_webhook/${webhook}`,
    `/api\\client\\v2.0`,
    `/app/other-app/endpoint/x`,
    `/`,
    `*`,
    `http://evil.example/app/${APP_ID}/endpoint/api/${webhook}`,
    `/${"a/".repeat(r.int(1, 2000))}`,
    `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/${"x".repeat(r.int(100, 20_000))}`,
  ];
  let target = r.chance(0.55) ? paths[r.int(0, 1)] : r.pick(paths);
  const qparts = [];
  const clean = r.chance(0.5); // half the queries are well-formed, so requests reach the functions
  for (let i = r.int(0, 4); i > 0; i--) {
    if (clean) {
      qparts.push(
        r.pick([
          secretParam(r),
          "id=5f1d2e3c4b5a697887766554",
          `k=${r.word(r.int(0, 30))}`,
          "__proto__=x",
          "constructor=y",
          "toString=1",
          "a=1&a=2",
          "e=%C3%A9",
          "sp=a+b",
        ]),
      );
      continue;
    }
    qparts.push(
      r.pick([
        secretParam(r),
        secretParam(r),
        "%ZZ=1",
        "a=%",
        "q=100%",
        "a=%G1",
        "%=%",
        "x=%ff%fe",
        "y=%c3%28",
        "z=%ed%a0%80",
        "&&&",
        "==",
        `many=${"1&m=".repeat(r.int(1, 3000))}`,
        `k=${"v".repeat(r.int(1, 8000))}`,
        "arr[]=1&arr[]=2",
        "__proto__=x&constructor=y",
        "n=\u00e9",
        "id=5f1d2e3c4b5a697887766554",
      ]),
    );
  }
  if (qparts.length) target += `?${qparts.join("&")}`;
  if (r.chance(0.05)) target += "#frag";

  const method = r.chance(0.8)
    ? r.pick(["GET", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
    : r.pick(["FOO", "get", "PROPFIND", "TRACE", "CONNECT", "M-SEARCH", "PURGE", "", "G\u00c9T", "GET GET", "X".repeat(r.int(1, 5000))]);
  const version = r.chance(0.9) ? "HTTP/1.1" : r.pick(["HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1.1 extra", "", "http/1.1", "HTTP/1"]);

  const headers = [["Host", "127.0.0.1"]];
  const ct = r.pick([
    undefined,
    "application/json",
    "application/json; charset=utf-8",
    "application/ejson",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "text/plain; charset=bogus",
    "application/octet-stream",
    "application/json; charset=utf-16",
    "*/*",
    ";;;",
    "application/xml",
  ]);
  if (ct) headers.push(["Content-Type", ct]);
  if (r.chance(0.3)) headers.push(["X-Api-Version", r.pick(["2", "1", "", "\u00ff"])]);
  if (r.chance(0.2))
    headers.push([r.pick(["X-Hook-Signature", "Endpoint-Signature"]), r.pick(["sha256=zz", "sha1=", "", "sha256=" + "0".repeat(64), "=", SHIM_SECRET])]);
  if (r.chance(0.15)) headers.push(["Authorization", r.pick(["Bearer x.y.z", "Bearer " + "a".repeat(5000), "Basic !!!", "", `Bearer ${SHIM_SECRET}`])]);
  if (r.chance(0.1)) headers.push([r.pick(["apiKey", "email", "password", "jwtTokenString"]), r.pick(["", "x", SHIM_SECRET, "\u00e9"])]);
  if (r.chance(0.1)) headers.push(["X-Secret", SHIM_SECRET]);
  if (r.chance(0.08)) headers.push(["X-Huge", "h".repeat(r.int(1000, r.chance(0.5) ? 15_000 : 80_000))]);
  if (r.chance(0.05)) for (let i = r.int(10, 2000); i > 0; i--) headers.push([`X-Many-${i}`, "1"]);
  if (r.chance(0.05)) headers.push(["Bad Header", "x"], ["Colonless", null]);
  if (r.chance(0.03)) headers.push(["X-Fold", "a\r\n  folded"]);
  if (r.chance(0.03)) headers.push(["X-Nul", "a\u0000b"]);
  if (r.chance(0.05)) headers.push([r.pick(["__proto__", "constructor", "toString", "hasOwnProperty", "Constructor"]), r.pick(["x", "{}", ""])]);

  let body = Buffer.alloc(0);
  let declared;
  let chunked = false;
  const kind = r.int(0, 12);
  if (kind === 1) body = Buffer.from(JSON.stringify({ items: [1, 2], secret: SHIM_SECRET }));
  else if (kind === 2)
    body = Buffer.from(
      r.pick([
        "{",
        "[1,",
        '{"a":',
        "nul",
        '"\\ud800"',
        '{"$oid":"zz"}',
        '{"$date":"bad"}',
        '{"a":{"$numberLong":"x"}}',
        '{"$binary":{"base64":"!!","subType":"zz"}}',
      ]),
    );
  else if (kind === 3) body = r.bytes(r.int(1, 4096));
  else if (kind === 4) body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc3, 0x28]), Buffer.from('"}')]);
  else if (kind === 5) body = Buffer.from(nested(r.int(1000, 200_000), "[", "]"));
  else if (kind === 6) body = Buffer.from(`a=%ZZ&b=%ff&${secretParam(r)}&c`);
  else if (kind === 7) body = Buffer.from("--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--");
  else if (kind === 8) {
    // Oversize: a declared length past 18 MB (answered 413 before any byte), or real bytes while
    // the campaign's bulk allows.
    if (budget.left >= MAX_BODY + 1 && r.chance(0.3)) {
      body = Buffer.alloc(MAX_BODY + r.int(1, 1024 * 1024), 0x61);
      budget.left -= body.length;
    } else declared = r.pick([MAX_BODY + 1, 2 ** 40, 2 ** 53, Number.MAX_SAFE_INTEGER]);
  } else if (kind === 9) declared = r.pick(["-1", "abc", "1, 2", "", " 5", "0x10", "99999999999999999999999"]);
  else if (kind === 10) {
    chunked = true;
    body = Buffer.from(
      r.pick([
        "5\r\nhello\r\n0\r\n\r\n",
        "zz\r\nhello\r\n0\r\n\r\n",
        "ffffffffffffffff\r\nx\r\n",
        "5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
        "3\r\nabcdef\r\n0\r\n\r\n",
        "0\r\n\r\n",
      ]),
    );
  } else if (kind === 11) body = Buffer.from(JSON.stringify({ deep: JSON.parse(nested(r.int(10, 500), "[", "]")) }));
  else if (kind === 12 && budget.left > 4 * 1024 * 1024) {
    body = Buffer.alloc(r.int(1024 * 1024, 4 * 1024 * 1024), 0x7b);
    budget.left -= body.length;
  }
  if (chunked) headers.push(["Transfer-Encoding", r.pick(["chunked", "chunked", "gzip, chunked", "chunked, identity", "xchunked"])]);
  if (r.chance(0.05)) headers.push(["Content-Length", String(body.length)], ["Transfer-Encoding", "chunked"]);
  else if (declared !== undefined) headers.push(["Content-Length", String(declared)]);
  else if (!chunked && (body.length > 0 || r.chance(0.5))) headers.push(["Content-Length", String(r.chance(0.03) ? body.length + r.int(-5, 5) : body.length)]);
  if (r.chance(0.03)) headers.push(["Content-Length", "7"]);
  headers.push(["Connection", r.chance(0.9) ? "close" : "keep-alive"]);

  const line = r.chance(0.05)
    ? r.pick([
        "GARBAGE",
        "\r\n\r\n",
        "GET\r\n",
        " GET / HTTP/1.1",
        "GET / HTTP/1.1\n",
        "GET /\u0000 HTTP/1.1",
        "\u0016\u0003\u0001\u0000\u00a5",
        "PRI * HTTP/2.0",
      ])
    : `${method} ${target} ${version}`.trimEnd();
  const head = Buffer.concat([
    Buffer.from(line, "latin1"),
    Buffer.from("\r\n"),
    ...headers.map(([k, v]) => Buffer.from(v === null ? `${k}\r\n` : `${k}: ${v}\r\n`, r.chance(0.9) ? "latin1" : "utf8")),
    Buffer.from("\r\n"),
  ]);
  return { head, body, describe: `${line.slice(0, 120)}${line.length > 120 ? "…" : ""} (${headers.length} headers, ${body.length} body bytes)` };
}

/** Sends raw bytes; resolves with the status and body of the first response, or how the socket ended. */
function sendRaw(port, req, timeoutMs) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (x) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(x);
    };
    const timer = setTimeout(() => finish({ hang: true, got: buf.subarray(0, 200).toString("latin1") }), timeoutMs);
    sock.on("error", () => {});
    sock.on("connect", async () => {
      try {
        if (!sock.write(req.head)) await new Promise((r) => sock.once("drain", r));
        for (let i = 0; i < req.body.length && !settled && !sock.destroyed; i += 1024 * 1024) {
          if (!sock.write(req.body.subarray(i, i + 1024 * 1024))) {
            await new Promise((r) => {
              sock.once("drain", r);
              sock.once("close", r);
            });
          }
        }
        // No half-close at once: Node answers a client that has ended its side by cancelling.
        // Only a request the server still waits on (an unfinished head or a body shorter than
        // declared) gets its end of input, after a while.
        if (!settled && !sock.destroyed) setTimeout(() => !settled && !sock.destroyed && sock.end(), 1500).unref();
      } catch {
        /* the server may close first */
      }
    });
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const headText = buf.subarray(0, end).toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1]);
      const len = Number(/\r\ncontent-length: *(\d+)/i.exec(headText)?.[1] ?? 0);
      if (buf.length >= end + 4 + len) finish({ status, body: buf.subarray(end + 4, end + 4 + len).toString("utf8") });
    });
    sock.on("close", () => {
      const end = buf.indexOf("\r\n\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(buf.toString("latin1"))?.[1]);
      finish(Number.isFinite(status) ? { status, body: end >= 0 ? buf.subarray(end + 4).toString("utf8") : "" } : { closed: true });
    });
  });
}

/** Undoes every valid %-escape and `+`, so an escaped secret in the log is found too. */
function unescapeAll(s) {
  let prev;
  do {
    prev = s;
    s = s.replace(/\+/g, " ").replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  } while (s !== prev);
  return s;
}

async function requestCampaign(o, record) {
  if (o.requests === 0) return undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hookshift-fuzz-shim-"));
  const app = path.join(tmp, "app");
  fs.cpSync(path.join(FIXTURES, "shim-basic"), app, { recursive: true });
  for (const f of webhookConfigs(app)) {
    const cfg = JSON.parse(fs.readFileSync(f, "utf8"));
    if (cfg.options?.secret) {
      cfg.options.secret = SHIM_SECRET;
      fs.writeFileSync(f, JSON.stringify(cfg, null, 4) + "\n");
    }
  }
  // The migrated copy serves both URL families: the webhooks and their new endpoints.
  const { migrate } = await import(pathToFileURL(path.join(DIST, "src/commands/migrate.js")).href);
  const out = path.join(tmp, "out");
  const mig = await migrate({
    app,
    out,
    report: path.join(tmp, "report"),
    dryRun: false,
    inPlace: false,
    allowDirty: false,
    removeWebhooks: false,
    force: false,
  });
  if (!mig.reportDir) throw new Error(`could not migrate the shim app: ${JSON.stringify(mig.errors)}`);
  const secretsFile = path.join(mig.reportDir, "secrets.json");
  const log = { text: "" };
  let shim = await startShim(out, secretsFile, log);
  let died = false;
  const watch = () => shim.child.once("exit", (c, s) => (died = { code: c, signal: s }));
  watch();
  const budget = { left: 256 * 1024 * 1024 };
  let next = 0;
  let sent = 0;
  let internal = 0;
  const statuses = {};
  const signedBody = Buffer.from('{"items":[3]}');
  const worker = async () => {
    while (next < o.requests) {
      const j = next++;
      const seed = o.seed + j;
      let req = buildRequest(seed, budget);
      // One request in 20 is a well-formed, correctly signed one, so the secret's own paths run too.
      if (j % 20 === 7) {
        const sig = createHmac("sha256", SHIM_SECRET).update(signedBody).digest("hex");
        req = {
          head: Buffer.from(
            `POST /api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/signed HTTP/1.1\r\nHost: x\r\nX-Hook-Signature: sha256=${sig}\r\nContent-Type: application/json\r\nContent-Length: ${signedBody.length}\r\nConnection: close\r\n\r\n`,
          ),
          body: signedBody,
          describe: "signed POST",
        };
      }
      const res = await sendRaw(shim.port, req, 30_000);
      if (++sent % 1000 === 0) process.stderr.write(`fuzz: ${sent}/${o.requests} requests\n`);
      if (process.env.HOOKSHIFT_FUZZ_VERBOSE) process.stderr.write(`request ${seed}: ${res.status ?? (res.hang ? "hang" : "closed")} ${req.describe}\n`);
      const key = res.status ?? (res.hang ? "none" : "closed");
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (res.hang) record("request", seed, "hang", `no answer in 30 s: ${req.describe}`);
      else if (res.status >= 500 && /internal shim error/.test(res.body) && ++internal)
        record("request", seed, "crash", `${res.status} internal shim error: ${res.body.slice(0, 200)} for ${req.describe}`);
      if (died) {
        record("request", seed, "crash", `the shim died (code ${died.code}, signal ${died.signal}) after ${req.describe}: ${log.text.slice(-300)}`);
        died = false;
        shim = await startShim(out, secretsFile, log);
        watch();
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  // Still alive and serving?
  const health = await sendRaw(
    shim.port,
    {
      head: Buffer.from(`GET /api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/processed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      body: Buffer.alloc(0),
    },
    30_000,
  );
  if (health.status !== 200)
    record(
      "request",
      undefined,
      "crash",
      `the shim does not answer a plain GET after the campaign: ${JSON.stringify(health).slice(0, 200)}; log: ${log.text.slice(-500)}`,
    );
  shim.child.removeAllListeners("exit");
  const exited = new Promise((r) => shim.child.once("exit", r));
  shim.child.kill("SIGTERM");
  await exited;
  // 500s the log shows beyond those the answers showed (e.g. to a client that had gone).
  const logged = log.text.split("\n").filter((l) => / shim-error \(/.test(l) || /internal shim error/.test(l));
  for (const l of logged.slice(internal)) record("request", undefined, "crash", `log: ${l.slice(0, 300)}`);
  for (const l of log.text.split("\n")) {
    if (l.includes(SHIM_SECRET) || unescapeAll(l).includes(SHIM_SECRET))
      record("request", undefined, "leak", `the secret in the shim's log: ${l.slice(0, 300)}`);
  }
  const cancelled = log.text.split("\n").filter((l) => / → cancelled: /.test(l)).length;
  if (o.keep) process.stderr.write(`kept ${tmp}\n`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  const tally = Object.entries(statuses)
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
  return { sent, detail: `answers ${tally}; ${cancelled} cancelled by the client` };
}

// ---------------------------------------------------------------------------------------------

async function parentMain(o) {
  const counts = { crash: 0, hang: 0, input: 0, leak: 0 };
  const failures = [];
  const record = (what, seed, kind, detail) => {
    counts[kind]++;
    const d = String(detail).replace(/[\r\n]+/g, " ");
    failures.push(`${kind} ${what} seed ${seed ?? "?"}: ${d.length > 400 ? `${d.slice(0, 400)}…` : d}`);
  };
  const started = Date.now();
  if (o.keep) process.env.HOOKSHIFT_FUZZ_KEEP = "1";
  await treeCampaign(o, record);
  const treeSeconds = (Date.now() - started) / 1000;
  const { sent, detail } = (await requestCampaign(o, record)) ?? { sent: 0 };
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `fuzz: ${o.trees} trees, ${sent} requests: ${counts.crash} crashes, ${counts.hang} hangs, ${counts.input} input changes, ${counts.leak} leaks` +
      ` (seed ${o.seed}; ${treeSeconds.toFixed(1)} s trees, ${(seconds - treeSeconds).toFixed(1)} s requests)`,
  );
  if (detail) console.log(`  requests: ${detail}`);
  for (const f of failures.slice(0, 10)) console.log(`  ${f}`);
  if (failures.length > 10) console.log(`  … and ${failures.length - 10} more`);
  if (failures.length) console.log(`  rerun one: node bench/fuzz.mjs --seed <seed> --trees 1 --requests 0 (a tree) or --trees 0 --requests 1 (a request)`);
  return failures.length ? 1 : 0;
}

const opts = parseArgs(process.argv.slice(2));
if (opts.child) await childMain();
else process.exitCode = await parentMain(opts);
