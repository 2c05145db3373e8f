import { existsSync } from "node:fs";
import { createRequire } from "node:module";

// src/version.ts runs from src/ (tests) and from dist/src/ (the built CLI): find package.json above.
const require = createRequire(import.meta.url);
const candidates = ["../package.json", "../../package.json"].map((p) => new URL(p, import.meta.url));
const file = candidates.find((u) => existsSync(u) && (require(u.pathname) as { name?: string }).name === "hookshift");
const pkg = (file ? require(file.pathname) : { version: "0.0.0" }) as { version: string };

export const VERSION: string = pkg.version;
