import { scanFolders } from "../commands/scan.js";
import { renderScanTable } from "../report/scan-table.js";
import { renderNextSteps } from "../report/console.js";
import { scanNextSteps } from "../report/next-steps.js";
import type { Io } from "./io.js";
import { progressBar } from "./progress.js";

/** `hookshift scan`: exit 0 when every app reads cleanly, 1 when an input has errors or no app is found. */
export async function runScan(opts: { dirs: string[]; json: boolean }, io: Io): Promise<number> {
  const bar = progressBar(io, { json: opts.json });
  let scanned: Awaited<ReturnType<typeof scanFolders>>;
  try {
    scanned = await scanFolders(opts.dirs, process.cwd(), (p) => bar.update(p));
  } finally {
    bar.stop();
  }
  const { inventory } = scanned;
  if (opts.json) io.out(JSON.stringify(inventory, null, 2) + "\n");
  else {
    io.out(renderScanTable(inventory, { color: io.color }));
    const steps = scanNextSteps(inventory.apps);
    if (steps.length > 0) io.out("\n" + renderNextSteps(steps, { color: io.color }));
  }
  return inventory.findings.some((f) => f.severity === "error") ? 1 : 0;
}
