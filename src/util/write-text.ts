// A text file written beside its final name and renamed into place: a reader sees the old file or
// the new one, never half of it.

import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export async function writeTextFile(file: string, text: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.hookshift-tmp-${process.pid}`;
  await writeFile(tmp, text, "utf8");
  await rename(tmp, file);
}
