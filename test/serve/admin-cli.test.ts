// A broken database file is named in the error: serve-admin --embedded-file (exit 1) and serve --seed.

import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runServeAdmin } from "../../src/cli/serve-admin.js";
import { tempDir } from "../helpers.js";

describe("serve-admin", () => {
  it("names an --embedded-file that is not Extended JSON", async () => {
    const file = path.join(await tempDir(), "auth.json");
    await writeFile(file, "{bad");
    let err = "";
    const code = await runServeAdmin(
      { action: "key-list", embeddedFile: file, json: true },
      { out: () => undefined, err: (s) => (err += s), color: false },
      {},
    );
    expect(code).toBe(1);
    expect(err).toContain(`${file}: seed file is not valid Extended JSON`);
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe("serve --seed", () => {
  it("names a seed file that is not Extended JSON", async () => {
    const { startServe, ServeStartError } = await import("../../src/serve/start.js");
    const { pino } = await import("pino");
    const { DEFAULT_LIMITS } = await import("../../src/runtime/limits.js");
    const { defaultSemantics } = await import("../../src/runtime/semantics.js");
    const { SERVE_APP } = await import("./helpers.js");
    const seed = path.join(await tempDir(), "seed.json");
    await writeFile(seed, "{bad");
    const start = startServe({
      app: SERVE_APP,
      host: "127.0.0.1",
      port: 0,
      webhooks: false,
      database: { kind: "embedded", seed },
      env: { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t", HOOKSHIFT_SECRET_jwt_x2D_key: "j" },
      allowNetwork: false,
      sandboxPermissions: true,
      semantics: defaultSemantics(),
      limits: { ...DEFAULT_LIMITS },
      poolSize: 1,
      logger: pino({ level: "silent" }),
    });
    await expect(start).rejects.toThrow(ServeStartError);
    await expect(start).rejects.toThrow(`--seed ${seed}: seed file is not valid Extended JSON`);
  });
});
