// functions/<name>/config.json + source.js folders become one functions/config.json manifest and
// functions/<name>.js sources; a folder that is no function, or a function without source, is
// carried unchanged and said.

import { clip, finding } from "../../app/findings.js";
import { parseJson } from "../../app/json.js";
import { byCodePoint, fileNameProblem } from "../../util/fs.js";
import { ID_KEYS, json, UPGRADE_RULES } from "./rules.js";
import type { UpgradeState } from "./state.js";

export function functionFolders(u: UpgradeState): void {
  const dirs = new Set(
    u
      .files("functions/")
      .filter((f) => /^functions\/[^/]+\//.test(f))
      .map((f) => f.split("/")[1]!),
  );
  dirs.delete("node_modules");
  const entries: Record<string, unknown>[] = [];
  for (const dir of [...dirs].sort(byCodePoint)) {
    const cfgFile = `functions/${dir}/config.json`;
    const srcFile = `functions/${dir}/source.js`;
    if (!u.input.files.includes(srcFile) && !u.input.files.includes(cfgFile)) {
      u.findings.push(
        finding("info", "not-a-function", `functions/${dir}/ has neither config.json nor source.js, so it is no function; carried unchanged`, {
          file: `functions/${dir}`,
          rule: UPGRADE_RULES.functions,
        }),
      );
      for (const f of u.files(`functions/${dir}/`)) u.copyUnder(f, f, UPGRADE_RULES.unchanged);
      continue;
    }
    let cfg: Record<string, unknown> = { name: dir, private: false };
    if (u.input.texts.has(cfgFile)) {
      const { value } = u.parse(cfgFile);
      if (value) cfg = Object.fromEntries(Object.entries(value).filter(([k]) => !ID_KEYS.includes(k)));
      if (value && ID_KEYS.some((k) => k in value)) {
        u.findings.push(finding("info", "dropped-server-id", `Dropped the server id of function ${dir}`, { file: cfgFile, rule: UPGRADE_RULES.ids }));
      }
    } else {
      u.findings.push(
        finding("warning", "missing-function-config", `Function folder functions/${dir} has no config.json; added as a public function named "${dir}"`, {
          file: `functions/${dir}`,
          needsReview: true,
          rule: UPGRADE_RULES.functions,
        }),
      );
    }
    let name = typeof cfg.name === "string" && cfg.name ? cfg.name : dir;
    const badName = fileNameProblem(name);
    if (badName) {
      u.findings.push(
        finding(
          "error",
          "invalid-name",
          `Function folder "${dir}" names its function ${clip(name)}, which cannot name functions/<name>.js: ${badName}; the function keeps its folder name`,
          {
            file: cfgFile,
            needsReview: true,
            rule: UPGRADE_RULES.functions,
            hint: "Give the function a short name in its config.json, as App Services requires, and migrate again.",
          },
        ),
      );
      name = dir;
      cfg = { ...cfg, name: dir };
    }
    if (name !== dir) {
      u.findings.push(
        finding("warning", "name-mismatch", `Function folder "${dir}" holds function "${name}"; its source becomes functions/${name}.js`, {
          file: cfgFile,
          rule: UPGRADE_RULES.functions,
        }),
      );
    }
    if (!u.input.files.includes(srcFile)) {
      u.findings.push(
        finding("error", "missing-source", `Function ${name} has no source.js; its folder is carried unchanged and the function is not added`, {
          file: srcFile,
          needsReview: true,
          rule: UPGRADE_RULES.functions,
          hint: "Restore source.js from the original export.",
        }),
      );
      for (const f of u.files(`functions/${dir}/`)) u.copyUnder(f, f, UPGRADE_RULES.unchanged);
      continue;
    }
    entries.push({ ...cfg, name });
    u.move(cfgFile, ["functions/config.json"], "merged into", UPGRADE_RULES.functions);
    const target = `functions/${name}.js`;
    if (u.put(target, { from: srcFile }, UPGRADE_RULES.functions, srcFile)) u.move(srcFile, [target], "moved", UPGRADE_RULES.functions);
    else u.handled.add(srcFile);
    // Other files of the folder (tests, helpers, notes) stay where they are; .js files under
    // functions/ are functions to 20210101, so say so.
    for (const extra of u.files(`functions/${dir}/`).filter((f) => f !== cfgFile && f !== srcFile)) {
      u.copyUnder(extra, extra, UPGRADE_RULES.functions);
      u.findings.push(
        finding(
          extra.endsWith(".js") ? "warning" : "info",
          "function-extra-file",
          `${extra} is not part of function ${name}; kept where it is` +
            (extra.endsWith(".js") ? `, where 20210101 reads it as a function named "${extra.slice("functions/".length, -3)}"` : ""),
          {
            file: extra,
            needsReview: extra.endsWith(".js"),
            rule: UPGRADE_RULES.functions,
            hint: extra.endsWith(".js") ? "Move it out of functions/ or delete it before you push, unless it should be a function." : undefined,
          },
        ),
      );
    }
  }
  entries.sort((a, b) => byCodePoint(String(a.name), String(b.name)));
  const existing = u.input.texts.get("functions/config.json");
  if (existing !== undefined) {
    u.findings.push(
      finding(
        "warning",
        "manifest-exists",
        "functions/config.json already exists in this pre-2021 export; its entries are kept and the folder functions are added after them",
        {
          file: "functions/config.json",
          needsReview: true,
          rule: UPGRADE_RULES.functions,
        },
      ),
    );
    const prior = parseJson(existing, "functions/config.json").value;
    const list = Array.isArray(prior) ? prior : [];
    const names = new Set(list.map((e) => (e as { name?: unknown })?.name));
    u.put(
      "functions/config.json",
      { text: json([...list, ...entries.filter((e) => !names.has(e.name))]), origin: "functions/config.json" },
      UPGRADE_RULES.functions,
    );
    u.handled.add("functions/config.json");
  } else {
    u.put("functions/config.json", { text: json(entries) }, UPGRADE_RULES.functions);
  }
  // package.json, node_modules archives and loose files of functions/ keep their place.
  for (const f of u.files("functions/").filter((x) => !u.handled.has(x) && !/^functions\/[^/]+\//.test(x))) {
    u.copyUnder(f, f, UPGRADE_RULES.unchanged);
  }
  for (const f of u.files("functions/node_modules/")) u.copyUnder(f, f, UPGRADE_RULES.unchanged);
}
