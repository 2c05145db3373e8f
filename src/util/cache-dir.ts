// hookshift's folder in the user's cache folder: $XDG_CACHE_HOME (when absolute), else ~/.cache,
// ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows. One subfolder per hookshift version, so an
// upgrade never reads an older version's files (delete the old ones freely: everything in it is
// made again when missing). What is kept there: code-cache.ts, cli/help-cache.ts,
// app/read/analysis-cache.ts.

import os from "node:os";
import path from "node:path";
import { VERSION } from "../version.js";

/** `<cache>/hookshift/<version>/<sub>`, or undefined when there is no home folder to put it in. */
export function cacheDir(sub: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  let base: string | undefined;
  if (xdg && path.isAbsolute(xdg)) base = xdg;
  else if (process.platform === "win32") base = env.LOCALAPPDATA;
  else {
    const home = os.homedir();
    if (home) base = process.platform === "darwin" ? path.join(home, "Library", "Caches") : path.join(home, ".cache");
  }
  return base ? path.join(base, "hookshift", VERSION, sub) : undefined;
}
