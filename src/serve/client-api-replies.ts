// The JSON answers of serve's client API routes (login, session): App Services' error shape
// `{"error", "error_code"}`, never cached.

import type http from "node:http";

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

export const fail = (res: http.ServerResponse, status: number, code: string, error: string) => json(res, status, { error, error_code: code });
