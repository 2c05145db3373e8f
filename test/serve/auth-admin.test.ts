// serve's users: serve-admin round-trips users and API keys (here in the EJSON file that
// `serve --embedded --seed` loads; the same code runs on a MongoDB with --mongodb-uri), and a
// serve started on that data authenticates them, with custom JWT verified by the app's
// custom-token provider keys (test/serve/app/auth/providers.json).

import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers.js";
import { CLI, ep, SERVE_APP, startServeCli } from "./helpers.js";

function admin(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "serve-admin", ...args], { env: { ...process.env, NO_COLOR: "1", MONGODB_URI: "", ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, stdout: out, stderr: err }));
  });
}

const SECRETS = { HOOKSHIFT_SECRET_orders_x2D_key: "k1", HOOKSHIFT_SECRET_upstream_x2D_token: "t1", HOOKSHIFT_SECRET_jwt_x2D_key: "jwt-signing-key-77" };

describe("serve-admin and serve's users", () => {
  it("creates, lists and deletes users and keys; serve authenticates them; passwords and keys are stored hashed", async () => {
    const file = path.join(await tempDir(), "auth.json");
    const db = ["--embedded-file", file];
    const noPassword = await admin(["user-add", "--email", "ada@example.com", ...db]);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain("HOOKSHIFT_ADMIN_PASSWORD");

    const added = await admin(["user-add", "--email", "Ada@Example.com", "--json", ...db], { HOOKSHIFT_ADMIN_PASSWORD: "correct horse" });
    expect(added.code).toBe(0);
    const user = JSON.parse(added.stdout) as { id: string; email: string };
    expect(user.email).toBe("ada@example.com");
    expect((await admin(["user-add", "--email", "ada@example.com", ...db], { HOOKSHIFT_ADMIN_PASSWORD: "other pw" })).stderr).toContain("exists already");
    await admin(["user-add", "--email", "bob@example.com", ...db], { HOOKSHIFT_ADMIN_PASSWORD: "bobs password" });
    const key = JSON.parse((await admin(["key-add", "billing", "--json", ...db])).stdout) as { id: string; key: string };
    expect(key.key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const users = JSON.parse((await admin(["user-list", "--json", ...db])).stdout) as { email: string }[];
    expect(users.map((u) => u.email)).toEqual(["ada@example.com", "bob@example.com"]);
    expect(JSON.parse((await admin(["key-list", "--json", ...db])).stdout)).toEqual([expect.objectContaining({ id: key.id, name: "billing" })]);
    expect((await admin(["user-delete", "bob@example.com", ...db])).code).toBe(0);
    expect((await admin(["user-delete", "bob@example.com", ...db])).code).toBe(1);
    expect(JSON.parse((await admin(["user-list", "--json", ...db])).stdout)).toHaveLength(1);

    const stored = await readFile(file, "utf8");
    expect(stored).not.toContain("correct horse");
    expect(stored).not.toContain(key.key);
    expect(stored).toContain('"algorithm": "scrypt"');

    const s = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--seed", file], SECRETS);
    try {
      const who = (headers: Record<string, string>) =>
        fetch(`${s.url}${ep("/whoami")}`, { headers }).then(async (r) => ({ status: r.status, body: await r.json() }));
      expect(await who({ email: "ada@example.com", password: "correct horse" })).toEqual({
        status: 200,
        body: { id: user.id, type: "normal", providers: ["local-userpass"] },
      });
      expect((await who({ email: "ada@example.com", password: "wrong" })).status).toBe(401);
      expect(await who({ "api-key": key.key })).toEqual({ status: 200, body: { id: key.id, type: "server", providers: ["api-key"] } });
      expect((await who({ "api-key": "not-a-key" })).status).toBe(401);
      const token = jwt.sign({ sub: "ext-42", aud: "servetest" }, SECRETS.HOOKSHIFT_SECRET_jwt_x2D_key, { algorithm: "HS256" });
      expect(await who({ jwtTokenString: token })).toEqual({ status: 200, body: { id: "ext-42", type: "normal", providers: ["custom-token"] } });
      const forged = jwt.sign({ sub: "ext-42", aud: "servetest" }, "another-key", { algorithm: "HS256" });
      expect((await who({ jwtTokenString: forged })).status).toBe(401);
      const wrongAudience = jwt.sign({ sub: "ext-42", aud: "elsewhere" }, SECRETS.HOOKSHIFT_SECRET_jwt_x2D_key, { algorithm: "HS256" });
      expect((await who({ jwtTokenString: wrongAudience })).status).toBe(401);
      expect(s.stdout()).not.toContain("correct horse");
      expect(s.stdout()).not.toContain(key.key);
    } finally {
      s.child.kill("SIGTERM");
      expect(await s.exit).toBe(0);
    }
    // A deleted key stops working for the next server.
    expect((await admin(["key-delete", "billing", ...db])).code).toBe(0);
    const s2 = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--seed", file], SECRETS);
    try {
      expect((await fetch(`${s2.url}${ep("/whoami")}`, { headers: { "api-key": key.key } })).status).toBe(401);
    } finally {
      s2.child.kill("SIGTERM");
      await s2.exit;
    }
  }, 120_000);

  it("without a database it says which to give", async () => {
    const r = await admin(["user-list"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--mongodb-uri <uri> (or set MONGODB_URI), or --embedded-file <file>");
  });
});

// The admin operations and user lookups in-process: on the embedded store always, and on a real
// server through the driver store when HOOKSHIFT_TEST_MONGODB_URI is set.
const mongoUri = process.env.HOOKSHIFT_TEST_MONGODB_URI;
const backends: [string, boolean, () => Promise<import("../../src/runtime/store/types.js").Store>][] = [
  ["embedded store", true, async () => (await import("../../src/runtime/store/index.js")).createEmbeddedStore()],
  [
    "driver store (set HOOKSHIFT_TEST_MONGODB_URI to run)",
    mongoUri !== undefined,
    async () => {
      const { randomBytes } = await import("node:crypto");
      return (await import("../../src/runtime/store/index.js")).createDriverStore(mongoUri!, { dbPrefix: `hs_${randomBytes(4).toString("hex")}_` });
    },
  ],
];
for (const [label, enabled, open] of backends) {
  describe.skipIf(!enabled)(`serve's users on the ${label}`, () => {
    it("adminOps and DbUserDirectory round-trip users and keys; create_user_on_auth stores a hashed password", async () => {
      const { adminOps } = await import("../../src/serve/admin.js");
      const { DbUserDirectory } = await import("../../src/serve/db-users.js");
      const { UserStore, WEBHOOK_CREATING_PROVIDERS } = await import("../../src/runtime/users.js");
      const store = await open();
      try {
        const ops = adminOps(store);
        const u = await ops.addUser("grace@example.com", "hopper-pw");
        const k = await ops.addKey("ci");
        const dir = new DbUserDirectory(store, new UserStore({ apiKeys: [{ id: "file-key", key: "from-the-file" }] }));
        expect(await dir.authenticate({ kind: "local-userpass", email: "Grace@example.com", password: "hopper-pw" }, false)).toMatchObject({
          ok: true,
          user: { id: u.id },
        });
        expect((await dir.authenticate({ kind: "local-userpass", email: "grace@example.com", password: "nope" }, false)).ok).toBe(false);
        expect(await dir.authenticate({ kind: "api-key", key: k.key }, false)).toMatchObject({ ok: true, user: { id: k.id, type: "server" } });
        // The --users file still answers next to the database.
        expect(await dir.authenticate({ kind: "api-key", key: "from-the-file" }, false)).toMatchObject({ ok: true, user: { id: "file-key" } });
        expect(await ops.deleteKey("ci")).toBe(true);
        expect((await dir.authenticate({ kind: "api-key", key: k.key }, false)).ok).toBe(false);
        // A webhook with create_user_on_auth makes an email/password user, kept hashed.
        const made = await dir.authenticate({ kind: "local-userpass", email: "new@example.com", password: "new-pw-1" }, true, WEBHOOK_CREATING_PROVIDERS);
        expect(made).toMatchObject({ ok: true, created: true });
        const doc = await store.collection("hookshift", "users").findOne({ email: "new@example.com" });
        expect(JSON.stringify(doc)).not.toContain("new-pw-1");
        expect(await dir.authenticate({ kind: "local-userpass", email: "new@example.com", password: "new-pw-1" }, false)).toMatchObject({
          ok: true,
          created: false,
        });
        expect((await dir.byId(u.id)).known).toBe(true);
        expect((await ops.listUsers()).map((x) => x.email)).toEqual(["grace@example.com", "new@example.com"]);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
}
