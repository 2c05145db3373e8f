// The store's errors: what it raises where the server would answer with an error, and how a value
// reads inside such a message. Every part of the store (values, queries, updates, geo) raises these.

import { EJSON } from "bson";

/** An error the store raises where the server would answer with an error; `code` as the server's. */
export class StoreError extends Error {
  readonly code: number | undefined;
  constructor(message: string, code?: number) {
    super(message);
    this.name = "StoreError";
    this.code = code;
  }
}

/** A value as an error message shows it: relaxed Extended JSON, cut at 120 characters. */
export const preview = (v: unknown): string => {
  try {
    const s = EJSON.stringify(v, { relaxed: true });
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(v);
  }
};
