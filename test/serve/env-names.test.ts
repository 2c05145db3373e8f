// Secrets and Values from the environment: the one naming scheme and its escaping.

import { describe, expect, it } from "vitest";
import { envName, resolveSecrets, SECRET_ENV_PREFIX, valueOverrides } from "../../src/serve/env-names.js";

describe("environment variable names", () => {
  it("keeps letters, digits and underscores (case too) and escapes every other character as _x<hex>_", () => {
    expect(envName(SECRET_ENV_PREFIX, "stripeKey_2")).toBe("HOOKSHIFT_SECRET_stripeKey_2");
    expect(envName(SECRET_ENV_PREFIX, "orders-key")).toBe("HOOKSHIFT_SECRET_orders_x2D_key");
    expect(envName(SECRET_ENV_PREFIX, "a.b c")).toBe("HOOKSHIFT_SECRET_a_x2E_b_x20_c");
    expect(envName(SECRET_ENV_PREFIX, "clé")).toBe("HOOKSHIFT_SECRET_cl_xE9_");
    for (const n of ["orders-key", "a.b c", "clé", "x/y"]) expect(envName(SECRET_ENV_PREFIX, n)).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
  });
});

describe("resolveSecrets", () => {
  const refs = [
    { name: "orders-key", usedBy: "endpoint POST /orders" },
    { name: "orders-key", usedBy: "endpoint PUT /orders" },
    { name: "token", usedBy: "Value apiToken" },
  ];
  it("the environment wins over the file; where each came from is kept by name", () => {
    const r = resolveSecrets(refs, { HOOKSHIFT_SECRET_orders_x2D_key: "from-env" }, { "orders-key": "from-file", token: "t" });
    expect(r.secrets).toEqual({ "orders-key": "from-env", token: "t" });
    expect(r.sources).toEqual({ "orders-key": "environment", token: "file" });
    expect(r.missing).toEqual([]);
  });
  it("a Secret in neither place is missing once, with every user and its variable name", () => {
    const r = resolveSecrets(refs, {}, { token: "t" });
    expect(r.missing).toEqual([{ name: "orders-key", variable: "HOOKSHIFT_SECRET_orders_x2D_key", usedBy: ["endpoint POST /orders", "endpoint PUT /orders"] }]);
  });
  it("an empty variable is a value (set on purpose), not a missing Secret", () => {
    expect(resolveSecrets(refs.slice(0, 1), { HOOKSHIFT_SECRET_orders_x2D_key: "" }, {}).missing).toEqual([]);
  });
});

describe("valueOverrides", () => {
  it("reads HOOKSHIFT_VALUE_<name> as JSON when it parses, else as text, only for the app's Values", () => {
    const env = { HOOKSHIFT_VALUE_limit: "42", HOOKSHIFT_VALUE_cfg: '{"a":1}', HOOKSHIFT_VALUE_shop_x2D_name: "Ada's", HOOKSHIFT_VALUE_other: "1" };
    expect(valueOverrides(["limit", "cfg", "shop-name", "unset"], env)).toEqual({ limit: 42, cfg: { a: 1 }, "shop-name": "Ada's" });
  });
});
