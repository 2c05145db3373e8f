// `serve --workers N`: N processes behind one port (node:cluster); SIGTERM to the primary stops
// them all gracefully and the primary exits 0 (3 when a stop cut requests short); a dying worker is
// restarted with backoff and a crash loop stops everything with exit 1. And the Docker image builds
// where Docker is.

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { REPO } from "../helpers.js";
import { ep, logLines, SERVE_APP, startServeCli } from "./helpers.js";

const SECRETS = { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t", HOOKSHIFT_SECRET_jwt_x2D_key: "j" };

describe("serve --workers", () => {
  it("two processes share the port; SIGTERM to the primary stops both and exits 0", async () => {
    const s = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--workers", "2", "--pool-size", "1"], SECRETS);
    // A failed assertion still stops the processes (the primary stops its workers on SIGTERM).
    onTestFinished(() => {
      if (s.child.exitCode === null) s.child.kill("SIGTERM");
    });
    // Both workers log "listening"; wait for the second.
    const deadline = Date.now() + 25_000;
    while (logLines(s.stdout()).filter((l) => l.event === "listening").length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const listening = logLines(s.stdout()).filter((l) => l.event === "listening");
    expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
    expect(new Set(listening.map((l) => l.url)).size).toBe(1);
    for (let i = 0; i < 6; i++) expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    s.child.kill("SIGTERM");
    expect(await s.exit).toBe(0);
    expect(logLines(s.stdout()).filter((l) => l.event === "stopped")).toHaveLength(2);
    expect(s.stderr()).toMatch(/SIGTERM: stopping 2 worker\(s\) gracefully/);
  }, 60_000);

  it("restarts a dying worker after a doubling delay, and gives up with exit 1 when its slot crash-loops", async () => {
    const s = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--workers", "2", "--pool-size", "1"], SECRETS);
    onTestFinished(() => {
      if (s.child.exitCode === null) s.child.kill("SIGKILL");
    });
    const listeningPids = () =>
      logLines(s.stdout())
        .filter((l) => l.event === "listening")
        .map((l) => l.pid as number);
    const waitFor = async (ok: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!ok() && s.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor(() => listeningPids().length >= 2);
    // One worker is left alone; every worker of the other slot is killed once it listens.
    const [survivor] = listeningPids();
    const killed = new Set<number>();
    while (s.child.exitCode === null) {
      await waitFor(() => listeningPids().some((p) => p !== survivor && !killed.has(p)));
      const victim = listeningPids().find((p) => p !== survivor && !killed.has(p));
      if (victim === undefined) break;
      killed.add(victim);
      process.kill(victim, "SIGKILL");
    }
    expect(await s.exit).toBe(1);
    expect(killed.size).toBe(6);
    const delays = [...s.stderr().matchAll(/died \(SIGKILL\); starting another in ([\d.]+) s/g)].map((m) => Number(m[1]));
    expect(delays).toEqual([0.25, 0.5, 1, 2, 4]);
    expect(s.stderr()).toMatch(/6 workers in a row died less than 60 s after they started serving\. The workers are crash-looping, so serve gives up/);
    // The survivor was stopped gracefully.
    expect(
      logLines(s.stdout())
        .filter((l) => l.event === "stopped")
        .map((l) => l.pid),
    ).toEqual([survivor]);
    // Seven start-ups of a worker process: slow on a loaded machine.
  }, 240_000);

  it("exits 3 when a worker's stop cut a request in flight short", async () => {
    const s = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--workers", "2", "--pool-size", "1", "--shutdown-timeout", "1"], SECRETS);
    onTestFinished(() => {
      if (s.child.exitCode === null) s.child.kill("SIGKILL");
    });
    const deadline = Date.now() + 25_000;
    while (logLines(s.stdout()).filter((l) => l.event === "listening").length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const slow = fetch(`${s.url}${ep("/slow")}?ms=20000`).then(
      (r) => r.status,
      () => "cut",
    );
    await new Promise((r) => setTimeout(r, 1500));
    s.child.kill("SIGTERM");
    expect(await s.exit).toBe(3);
    expect(await slow).not.toBe(200);
  }, 90_000);

  it("a worker that cannot start stops the primary with exit 1 instead of restarting forever", async () => {
    const { runServeCli } = await import("./helpers.js");
    const r = await runServeCli([SERVE_APP, "--port", "0", "--embedded", "--workers", "2"], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Secret orders-key");
    expect(r.stderr).toMatch(/could not start \(exit 1\); stopping the others/);
  }, 60_000);
});

const docker = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8" });
const dockerReady = docker.status === 0;

describe("Dockerfile", () => {
  it.skipIf(!dockerReady)(
    "builds (skipped where no Docker daemon answers `docker version`)",
    () => {
      const r = spawnSync("docker", ["build", "-t", "hookshift-serve-test", "-f", path.join(REPO, "Dockerfile"), REPO], { encoding: "utf8", timeout: 600_000 });
      expect(r.status, r.stderr).toBe(0);
    },
    600_000,
  );
});
