// V8's precise coverage of function scripts, collected inside a function-runtime worker (verify
// asks for it; the shim does not). The inspector session is the worker's own, so it sees the
// scripts node:vm compiled there; block coverage with call counts gives, per function and block,
// how often it ran. Taking the coverage resets the counts, so each take holds what ran since the
// previous one. https://chromedevtools.github.io/devtools-protocol/v8/Profiler/#method-startPreciseCoverage

import { Session } from "node:inspector";
import type { ScriptCoverage } from "./protocol.js";

/** Script names that are not function code: Node's own modules, hookshift's modules, its helper scripts. */
function isFunctionScript(url: string): boolean {
  return url !== "" && !url.startsWith("node:") && !url.startsWith("file:") && !url.startsWith("hookshift:");
}

function ran(s: ScriptCoverage): boolean {
  return s.functions.some((f) => f.ranges.some((r) => r.count > 0));
}

export class CoverageCollector {
  readonly #session = new Session();
  readonly ready: Promise<void>;

  constructor() {
    this.#session.connect();
    // Started before any function script compiles: V8 then keeps block counters for every
    // function, including ones that never run (they report a count of 0).
    this.ready = this.#post("Profiler.enable")
      .then(() => this.#post("Profiler.startPreciseCoverage", { callCount: true, detailed: true }))
      .then(() => undefined);
  }

  /**
   * What function scripts ran since the previous take: all of them, or the one named `url` and
   * its tagged copies (`url#tag`, which verify runs apart to tell its cases' coverage apart in one
   * take). A script that did not run is left out: V8 lists it with counts of 0, which add nothing
   * to a sum and only cost the message to the pool.
   */
  async take(url?: string): Promise<ScriptCoverage[]> {
    await this.ready;
    const r = (await this.#post("Profiler.takePreciseCoverage")) as { result: ScriptCoverage[] };
    const wanted = (u: string) => (url === undefined ? isFunctionScript(u) : u === url || u.startsWith(`${url}#`));
    return r.result.filter((s) => wanted(s.url) && ran(s)).map((s) => ({ url: s.url, functions: s.functions }));
  }

  #post(method: string, params?: object): Promise<unknown> {
    return new Promise((resolve, reject) => this.#session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  }
}
