// Shared test helpers: fixture paths, throw-away copies, and a fingerprint of a folder tree so
// tests can prove that an input was left untouched.

import { createHash } from "node:crypto";
import { cp, lstat, mkdtemp, readFile, readdir, readlink, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = path.join(REPO, "fixtures", "apps");
export const fixture = (name: string) => path.join(FIXTURES, name);

// Every temp folder a test file makes goes when the file's tests are done (vitest runs this
// module once per test file, so the hook belongs to that file).
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export async function tempDir(prefix = "hookshift-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Copies a fixture app into a new temp folder; returns the copy's path (`<tmp>/<name>`). */
export async function copyFixture(name: string, into?: string): Promise<string> {
  const dir = into ?? (await tempDir());
  const dest = path.join(dir, name);
  await cp(fixture(name), dest, { recursive: true, verbatimSymlinks: true });
  return dest;
}

/** path → sha256 (files), "link:<target>" (links) or "dir", for every entry under `root`. */
export async function treeFingerprint(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join("/");
      const info = await lstat(abs);
      if (info.isSymbolicLink()) out[rel] = `link:${await readlink(abs)}`;
      else if (info.isDirectory()) {
        out[rel] = "dir";
        await walk(abs);
      } else
        out[rel] = createHash("sha256")
          .update(await readFile(abs))
          .digest("hex");
    }
  };
  await walk(root);
  return out;
}

export const FIXTURE_SECRETS = Array.from({ length: 10 }, (_, i) => `fixture-secret-${String(i + 1).padStart(2, "0")}`);
