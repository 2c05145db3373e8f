// Where a report renderer's text goes: into one string (tests, the CLI's small outputs) or onto
// disk in chunks as it is made. A 20,000-webhook report.html is hundreds of megabytes; built as
// one string it held the whole page, its parts and their joins in memory at once.

import { closeSync, openSync, writeSync } from "node:fs";

export interface TextSink {
  write(text: string): void;
}

export class StringSink implements TextSink {
  readonly #parts: string[] = [];
  write(text: string): void {
    this.#parts.push(text);
  }
  text(): string {
    return this.#parts.join("");
  }
}

/** Writes to `file` (created or truncated) in chunks of about 64 KB (so few parts outlive a young-generation GC). */
export class FileSink implements TextSink {
  readonly #fd: number;
  #parts: string[] = [];
  #size = 0;
  constructor(file: string) {
    this.#fd = openSync(file, "w");
  }
  write(text: string): void {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= 1 << 16) this.#flush();
  }
  /** Writes what is left and closes the file. */
  close(): void {
    try {
      this.#flush();
    } finally {
      closeSync(this.#fd);
    }
  }
  #flush(): void {
    if (this.#size === 0) return;
    writeSync(this.#fd, this.#parts.join(""));
    this.#parts = [];
    this.#size = 0;
  }
}

/**
 * Lines joined by "\n" with trailing newlines trimmed to exactly one at the end, written as they
 * come: a run of trailing newlines is held back until text follows it, or dropped at `end()`.
 */
export class LineWriter {
  #first = true;
  #held = "";
  constructor(readonly sink: TextSink) {}
  line(text: string): void {
    const piece = this.#held + (this.#first ? "" : "\n") + text;
    this.#first = false;
    const kept = piece.replace(/\n+$/, "");
    if (kept.length > 0) this.sink.write(kept);
    this.#held = piece.slice(kept.length);
  }
  end(): void {
    this.sink.write("\n");
  }
}
