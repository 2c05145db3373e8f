import { scanFolders } from "../scan/inventory.js";
import { renderScanTable } from "../report/scan-table.js";
import type { Io } from "./io.js";

/** `hookshift scan`: exit 0 when every app reads cleanly, 1 when an input has errors or no app is found. */
export async function runScan(opts: { dirs: string[]; json: boolean }, io: Io): Promise<number> {
  const { inventory } = await scanFolders(opts.dirs);
  io.out(opts.json ? JSON.stringify(inventory, null, 2) + "\n" : renderScanTable(inventory, { color: io.color }));
  return inventory.findings.some((f) => f.severity === "error") ? 1 : 0;
}
