// `hookshift serve-admin`: create, list and delete serve's users and API keys, in your MongoDB
// (--mongodb-uri / MONGODB_URI) or in an EJSON file that `serve --embedded --seed` loads
// (--embedded-file, for trying things out and for tests).

import { readFile, rename, writeFile } from "node:fs/promises";
import { dumpStore, loadSeedFile, openStore } from "../runtime/store/index.js";
import type { Store } from "../runtime/store/types.js";
import { AdminError, adminOps } from "../serve/admin.js";
import type { Io } from "./io.js";
import { printUsageError } from "./usage.js";

type AdminAction = "user-add" | "user-list" | "user-delete" | "key-add" | "key-list" | "key-delete";

export interface ServeAdminOptions {
  action: AdminAction;
  target?: string;
  email?: string;
  mongodbUri?: string;
  embeddedFile?: string;
  authDb?: string;
  json: boolean;
}

export async function runServeAdmin(opts: ServeAdminOptions, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const uri = opts.mongodbUri ?? (env.MONGODB_URI || undefined);
  if (!uri && !opts.embeddedFile) {
    printUsageError(
      io,
      "serve-admin needs a database: give --mongodb-uri <uri> (or set MONGODB_URI), or --embedded-file <file> for an EJSON file that serve --embedded --seed loads",
      { command: "serve-admin" },
    );
    return 1;
  }
  if (uri && opts.embeddedFile) {
    printUsageError(io, "give either --mongodb-uri (MONGODB_URI) or --embedded-file, not both", { command: "serve-admin" });
    return 1;
  }
  // A password never on the command line (it would show in `ps` and shell history).
  const password = env.HOOKSHIFT_ADMIN_PASSWORD;
  if (opts.action === "user-add" && (!opts.email || password === undefined)) {
    printUsageError(io, "user-add needs --email and the password in the HOOKSHIFT_ADMIN_PASSWORD environment variable", { command: "serve-admin" });
    return 1;
  }
  if ((opts.action === "user-delete" || opts.action === "key-delete") && !opts.target) {
    printUsageError(io, `${opts.action} needs the ${opts.action === "user-delete" ? "user's id or email" : "key's id or name"}`, { command: "serve-admin" });
    return 1;
  }
  let store: Store;
  try {
    store = await openStore(uri ? { mongodbUri: uri } : {});
    if (opts.embeddedFile) {
      const text = await readFile(opts.embeddedFile, "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
      if (text !== undefined) await loadSeedFile(store, text).catch((e: Error) => Promise.reject(new Error(`${opts.embeddedFile}: ${e.message}`)));
    }
  } catch (e) {
    io.err(`hookshift: error: cannot open the database: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const ops = adminOps(store, opts.authDb);
  let code = 0;
  try {
    const print = (v: unknown, text: string) => io.out(opts.json ? JSON.stringify(v, null, 2) + "\n" : text);
    switch (opts.action) {
      case "user-add": {
        const u = await ops.addUser(opts.email!, password!);
        print(u, `Created user ${u.email} (id ${u.id}). They sign in with the email and password headers, or the email/password fields of a webhook body.\n`);
        break;
      }
      case "user-list": {
        const rows = await ops.listUsers();
        print(rows, rows.length ? rows.map((u) => `${u.id}  ${u.email ?? "-"}  ${u.provider}  ${u.created ?? ""}`).join("\n") + "\n" : "No users.\n");
        break;
      }
      case "key-add": {
        const k = await ops.addKey(opts.target ?? "");
        print(
          k,
          `Created API key ${k.name} (id ${k.id}):\n  ${k.key}\nIt is shown this once (only its hash is kept). Callers send it in the api-key header.\n`,
        );
        break;
      }
      case "key-list": {
        const rows = await ops.listKeys();
        print(rows, rows.length ? rows.map((k) => `${k.id}  ${k.name}  ${k.created ?? ""}`).join("\n") + "\n" : "No API keys.\n");
        break;
      }
      case "user-delete":
      case "key-delete": {
        const gone = opts.action === "user-delete" ? await ops.deleteUser(opts.target!) : await ops.deleteKey(opts.target!);
        print({ deleted: gone }, gone ? `Deleted ${opts.target}.\n` : `No ${opts.action === "user-delete" ? "user" : "API key"} ${opts.target}.\n`);
        if (!gone) code = 1;
        break;
      }
    }
    if (opts.embeddedFile && !opts.action.endsWith("-list")) {
      // Staged and renamed: a crash leaves the old file or the new one, never half of one.
      await writeFile(`${opts.embeddedFile}.tmp`, await dumpStore(store));
      await rename(`${opts.embeddedFile}.tmp`, opts.embeddedFile);
    }
  } catch (e) {
    io.err(`hookshift: error: ${e instanceof AdminError ? e.message : `${opts.action} failed: ${e instanceof Error ? e.message : String(e)}`}\n`);
    code = 1;
  } finally {
    await store.close();
  }
  return code;
}
