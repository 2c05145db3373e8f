// The fleet's worker-process pool (src/fleet/pool.ts): at most `size` apps at once, a worker that
// dies mid-app becomes that app's row and is replaced, and the other apps go on.

import { describe, expect, it } from "vitest";
import { runPool } from "../../src/fleet/pool.js";
import type { FleetJob } from "../../src/fleet/worker.js";

const script = new URL("./crashing-worker.mjs", import.meta.url);
const job = (rel: string) => ({ kind: "migrate", rel }) as unknown as FleetJob;

describe("fleet worker pool", () => {
  it("turns a crashed or failed app into its row and finishes the others, in input order", async () => {
    const rels = ["a", "crash", "b", "throw", "c", "crash", "d"];
    let running = 0;
    let most = 0;
    const rows = await runPool<{ rel: string; pid?: number; error?: string }>(rels.map(job), {
      size: 2,
      script,
      crashed: (j, why) => ({ rel: (j as { rel: string }).rel, error: why }),
      onStart: () => (most = Math.max(most, ++running)),
      onDone: () => running--,
    });
    expect(rows.map((r) => r.rel)).toEqual(rels);
    expect(rows[1]!.error).toBe("the worker process exited with code 70");
    expect(rows[3]!.error).toBe("bad app");
    expect(rows.filter((r) => r.pid).length).toBe(4);
    expect(most).toBe(2);
  });

  it("starts its workers with the flags it is given after this process's own", async () => {
    const rows = await runPool<{ execArgv: string[] }>(["a", "b"].map(job), {
      size: 2,
      script,
      crashed: () => ({ execArgv: [] }),
      execArgv: ["--interrupt-budget=270336"],
    });
    for (const r of rows) expect(r.execArgv).toEqual([...process.execArgv, "--interrupt-budget=270336"]);
  });

  it("replaces a worker whose memory grew past the limit", async () => {
    const rows = await runPool<{ pid: number }>(["a", "b", "c"].map(job), { size: 1, script, crashed: () => ({ pid: -1 }), recycleRss: 1 });
    expect(new Set(rows.map((r) => r.pid)).size).toBe(3);
  });
});
