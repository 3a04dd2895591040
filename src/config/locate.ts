// Maps a model path (e.g. "backends.0.servers.2.port") to where it was written, so checks
// on the combined model (validate.ts) report file:line:directive whatever the source format.
import type { SourcePos } from './model.js';

export interface Located {
  readonly pos: SourcePos;
  /** haproxy.cfg keyword or halb.yaml key path, for Diagnostic.directive. */
  readonly directive?: string;
}

export type Locator = (path: readonly (string | number)[]) => Located;

/** A locator over a recorded table; falls back to the nearest recorded parent path. */
export class PathPositions {
  private readonly map = new Map<string, Located>();
  constructor(private readonly fallback: Located) {}

  set(path: readonly (string | number)[], located: Located): void {
    this.map.set(path.join('.'), located);
  }

  readonly locate: Locator = (path) => {
    for (let n = path.length; n >= 0; n--) {
      const hit = this.map.get(path.slice(0, n).join('.'));
      if (hit) return hit;
    }
    return this.fallback;
  };
}
