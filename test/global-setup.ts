// The end-to-end tests run the real CLI (bin/hookshift.js → dist/), so build it once first.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  // For quick runs of unit tests while the tree does not compile (never set in CI).
  if (process.env.HOOKSHIFT_SKIP_BUILD === "1") return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
    stdio: "inherit",
  });
}
