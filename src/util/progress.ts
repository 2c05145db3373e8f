// Progress of a long run, reported by the layers that do the work and shown by the CLI (which
// owns the terminal). Pure layers take an `onProgress` callback and call it as they go; nothing
// here prints.

export interface Progress {
  /** What the run is doing: "read", "plan", "write", "report", "scan", "verify". */
  phase: string;
  /** Units done in this phase, of `total` (0 of 0 when the phase has no count). */
  done: number;
  total: number;
  /** What `done` and `total` count ("webhooks", "services", "files", "apps"); shown after n/N. */
  unit?: string;
  /** More to show after n/N (a fleet run: webhooks done, the apps in flight, time so far). */
  detail?: string;
}

export type OnProgress = (p: Progress) => void;

/**
 * Calls `onProgress` for `done` of `total`, at most about 100 times per phase plus the last
 * one, so a 5,000-webhook loop does not spend its time reporting.
 */
export function progressEvery(onProgress: OnProgress | undefined, phase: string, total: number, unit?: string): (done: number) => void {
  if (!onProgress) return () => undefined;
  const step = Math.max(1, Math.floor(total / 100));
  onProgress({ phase, done: 0, total, unit });
  return (done) => {
    if (done === total || done % step === 0) onProgress({ phase, done, total, unit });
  };
}
