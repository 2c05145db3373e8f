// The precompiled validators (src/app/schemas/validators.generated.ts) are what ajv makes of the
// schemas today: a schema edited without `node scripts/gen-validators.mjs` fails here.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED, renderValidatorsModule } from "../../scripts/gen-validators.mjs";
import { schemas } from "../../src/app/schemas/index.js";

describe("validators.generated.ts", () => {
  it("is up to date with src/app/schemas", () => {
    expect(readFileSync(GENERATED, "utf8")).toBe(renderValidatorsModule(schemas));
  });
});
