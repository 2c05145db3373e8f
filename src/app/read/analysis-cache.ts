// scan's cache of source analyses: what the reader's parse of a webhook source found (its syntax
// findings and facts, with what the rules ask of its exported function: source-facts.ts), kept per
// app in the user's cache folder (cache-dir.ts, under `analyses/`), so a scan of an app whose
// sources were analysed before loads no TypeScript compiler: its load is about 180 ms of CPU of a
// small app's 450 ms scan (bench/README.md, "Start-up"), as ESLint's `--cache` spares linting
// unchanged files. Only scan uses it: migrate and verify need the trees themselves.
//
// Keyed by content, never by time: an entry by its source text's SHA-256, and the whole file by the
// analysing code (the bytes of this module and of every module it imports statically, and the
// compiler's package), so a changed build or compiler never reads another's analyses, whatever
// the version says; the file's name by the app's real path. One file per app, rewritten only when
// an entry was added or went unused, so it holds the app's current sources and no more. Anything
// wrong with it (unreadable, damaged, another build's) means the sources are parsed as without it.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../../util/cache-dir.js";
import { compilerPackageFile } from "../../util/compiler.js";
import { staticImports } from "../../util/static-imports.js";
import { writeTextFile } from "../../util/write-text.js";
import { exportedFunctionFacts } from "../find-exported.js";
import type { Finding } from "../findings.js";
import { treeOf, type SourceFacts } from "../source-facts.js";
import { checkSource, type SourceCheck } from "./source.js";

/** A source's analysis; its findings' `file` is the first path it was found under (each use puts its own). */
interface Entry {
  findings: Finding[];
  facts?: SourceFacts;
}

interface Stored {
  key: string;
  entries: Record<string, Entry>;
}

let codeKey: string | null | undefined;

/** The analysing code's key; null when run from the TypeScript sources (vitest), whose imports name .js files that are not there. */
function analysingCode(): string | null {
  if (codeKey !== undefined) return codeKey;
  const self = fileURLToPath(import.meta.url);
  if (!self.endsWith(".js")) return (codeKey = null);
  const hash = createHash("sha256");
  for (const file of staticImports(self)) hash.update(readFileSync(file)).update("\0");
  return (codeKey = hash.update(readFileSync(compilerPackageFile())).digest("hex"));
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

export class AnalysisCache {
  /** The entries this run used or added, by text hash: what is kept. */
  private readonly used = new Map<string, Entry>();
  private added = false;

  private constructor(
    private readonly file: string,
    private readonly key: string,
    private readonly stored: Record<string, Entry>,
  ) {}

  /** The cache of the app at `realRoot`; undefined when none is kept (no cache folder, run from the sources). */
  static open(realRoot: string): AnalysisCache | undefined {
    try {
      const dir = cacheDir("analyses");
      const key = dir && analysingCode();
      if (!dir || !key) return undefined;
      const file = path.join(dir, `${createHash("sha256").update(realRoot).digest("hex").slice(0, 32)}.json`);
      let stored: Record<string, Entry> = {};
      try {
        const read = JSON.parse(readFileSync(file, "utf8")) as Stored;
        if (read.key === key && read.entries && typeof read.entries === "object") stored = read.entries;
      } catch {
        // none yet, unreadable or damaged: every source is analysed, and the file written again
      }
      return new AnalysisCache(file, key, stored);
    } catch {
      return undefined; // the code's files cannot be read: no cache, as when run from the sources
    }
  }

  /** `checkSource(text, file)`, from the cache when it holds `text`'s analysis. */
  readonly check: SourceCheck = (text, file) => {
    const id = sha256(text);
    const entry = this.used.get(id) ?? this.stored[id];
    // An entry of another shape (a file edited by hand) is no entry: the source is parsed.
    if (entry && Array.isArray(entry.findings) && (entry.facts === undefined || (typeof entry.facts === "object" && entry.facts !== null))) {
      this.used.set(id, entry);
      // The spread keeps each finding's keys in their order: the output is the parse's, byte for byte.
      return { findings: entry.findings.map((f) => ({ ...f, file })), facts: entry.facts };
    }
    const checked = checkSource(text, file);
    const tree = checked.facts && treeOf(checked.facts);
    if (checked.facts && tree) checked.facts.exportedFunction = exportedFunctionFacts(tree);
    // A copy: what the reader and planner do with their findings later is not the analysis.
    this.used.set(id, structuredClone({ findings: checked.findings, facts: checked.facts }));
    this.added = true;
    return checked;
  };

  /** Writes what this run used, when that differs from what was read; a cache that cannot be written is no error. */
  async save(): Promise<void> {
    if (!this.added && this.used.size === Object.keys(this.stored).length) return;
    try {
      await writeTextFile(this.file, JSON.stringify({ key: this.key, entries: Object.fromEntries(this.used) } satisfies Stored));
    } catch {
      // read-only or full: the next scan analyses these sources again
    }
  }
}
