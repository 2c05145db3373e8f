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

/**
 * The buffer of the last FileSink closed, for the next one: a fleet worker writes three or more
 * report files an app, and a fresh 128 KB buffer each time is memory the allocator maps and
 * unmaps (and the kernel faults in) for every file.
 */
let spare: Buffer | undefined;

/**
 * Writes to `file` (created or truncated), encoding each part straight into one reused 128 KB
 * buffer that goes to disk when full. Joining the parts into a string per chunk first cost half of
 * report.md's rendering: its parts are concatenations (LineWriter's), which a join must flatten.
 */
export class FileSink implements TextSink {
  readonly #fd: number;
  readonly #buffer: Buffer;
  #used = 0;
  #closed = false;
  constructor(file: string) {
    this.#fd = openSync(file, "w");
    this.#buffer = spare ?? Buffer.allocUnsafe(1 << 17);
    spare = undefined;
  }
  write(text: string): void {
    // After close the buffer belongs to the next FileSink: a late write would land in its file.
    if (this.#closed) throw new Error("FileSink: write after close");
    // One UTF-16 unit is at most 3 UTF-8 bytes, so this bound always leaves room for the text.
    if (this.#used + text.length * 3 > this.#buffer.length) this.#flush();
    if (text.length * 3 > this.#buffer.length) writeSync(this.#fd, text);
    else this.#used += this.#buffer.write(text, this.#used, "utf8");
  }
  /** Writes what is left and closes the file. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#flush();
    } finally {
      closeSync(this.#fd);
      this.#used = 0;
      spare = this.#buffer;
    }
  }
  #flush(): void {
    let at = 0;
    while (at < this.#used) at += writeSync(this.#fd, this.#buffer, at, this.#used - at);
    this.#used = 0;
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
    const separator = this.#first ? "" : "\n";
    this.#first = false;
    // The trailing newlines, counted from the end (a regex would scan every line of a long diff).
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
    if (end === 0) {
      // Newlines only (or nothing): all of it is held, after what already was.
      this.#held += separator + text;
      return;
    }
    // Held newlines, separator and text in writes of their own: joined, the text would be copied
    // once more when the sink encodes it (a code block is one line of many kilobytes).
    if (this.#held !== "") this.sink.write(this.#held);
    if (separator !== "") this.sink.write(separator);
    this.sink.write(end === text.length ? text : text.slice(0, end));
    this.#held = text.slice(end);
  }
  end(): void {
    this.sink.write("\n");
  }
}
