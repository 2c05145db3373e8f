// The fixture client tree (fixtures/clients/mixed) in a temp folder, with the files git cannot
// hold in this repository added: what .gitignore ignores, node_modules, a binary file and a
// Latin-1 file. Each added file holds a webhook URL of the demo app that must not be found.

import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { REPO, tempDir } from "../helpers.js";

const CLIENTS = path.join(REPO, "fixtures", "clients");
export const REPORTS = path.join(CLIENTS, "reports");
export const DEMO_REPORT = path.join(REPORTS, "demo");
export const SECRET = "fixture-secret-01";

const hidden = (marker: string) =>
  `https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/orderStatus?from=${marker}`;

/** Files that hold a URL but must be skipped, by why. */
export const SKIPPED: Record<string, string> = {
  "generated/api.js": "ignored folder",
  "web/src/keys.local.js": "ignored by pattern",
  "node_modules/shop-sdk/index.js": "node_modules",
  "assets/logo.bin": "binary (NUL)",
  "assets/latin1.txt": "binary (invalid UTF-8)",
};

export async function clientTree(): Promise<string> {
  const root = path.join(await tempDir("hookshift-callers-"), "clients");
  await cp(path.join(CLIENTS, "mixed"), root, { recursive: true });
  const put = async (rel: string, data: string | Buffer) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), data);
  };
  await put("generated/api.js", `export const url = "${hidden("generated")}";\n`);
  await put("web/src/keys.local.js", `export const url = "${hidden("local")}";\n`);
  // Un-ignored again by web/.gitignore's `!keep.local.js`: searched.
  await put("web/keep.local.js", `export const url = "${hidden("kept")}";\n`);
  await put("node_modules/shop-sdk/index.js", `module.exports = "${hidden("sdk")}";\n`);
  await put("assets/logo.bin", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), Buffer.from(hidden("binary"))]));
  await put("assets/latin1.txt", Buffer.concat([Buffer.from("caf\xe9 ", "latin1"), Buffer.from(hidden("latin1"))]));
  return root;
}
