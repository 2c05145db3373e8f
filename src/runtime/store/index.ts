// Opening a store, and the seed / dump file format: canonical EJSON of
// `{ "<db>": { "<collection>": [ ...documents ] } }`.

import { EJSON } from "bson";
import type { Document } from "bson";
import { createDriverStore } from "./driver.js";
import { createEmbeddedStore } from "./embedded.js";
import type { Store } from "./types.js";
import { StoreError } from "./errors.js";
import { isDocument } from "./values.js";

export { createDriverStore } from "./driver.js";
export { createEmbeddedStore } from "./embedded.js";
export { StoreError } from "./errors.js";
export type * from "./types.js";

/** The official driver on `mongodbUri` when given, else the embedded store. */
export async function openStore(opts: { mongodbUri?: string; lazy?: boolean } = {}): Promise<Store> {
  if (opts.mongodbUri) return createDriverStore(opts.mongodbUri, { lazy: opts.lazy });
  return createEmbeddedStore();
}

/** Parses a seed file's text (EJSON, types kept) and checks its shape. */
export function parseSeed(text: string): Record<string, Record<string, Document[]>> {
  let data: unknown;
  try {
    data = EJSON.parse(text, { relaxed: false });
  } catch (e) {
    throw new StoreError(`seed file is not valid Extended JSON: ${(e as Error).message}`);
  }
  if (!isDocument(data)) throw new StoreError('seed file must be an object: { "<db>": { "<collection>": [documents] } }');
  for (const db of Object.keys(data)) {
    const colls = data[db];
    if (!isDocument(colls)) throw new StoreError(`seed file: "${db}" must be an object of collections`);
    for (const coll of Object.keys(colls)) {
      const docs = colls[coll];
      if (!Array.isArray(docs) || !docs.every(isDocument)) throw new StoreError(`seed file: "${db}"."${coll}" must be an array of documents`);
    }
  }
  return data as Record<string, Record<string, Document[]>>;
}

/** Loads a seed file (`{ "<db>": { "<coll>": [ ...docs ] } }`, EJSON) into the store, replacing those collections. */
export async function loadSeedFile(store: Store, text: string): Promise<void> {
  await store.load(parseSeed(text));
}

/** Every database, collection and document as canonical EJSON, 2-space indented, in a deterministic order. */
export async function dumpStore(store: Store): Promise<string> {
  return `${EJSON.stringify(await store.snapshot(), undefined, 2, { relaxed: false })}\n`;
}
