// Bounded per-server transition history for the stats page: a ring that keeps the
// newest `size` entries, oldest first when listed. Pure.

import type { ServerTransition } from './types.js';

export class TransitionHistory {
  private readonly items: ServerTransition[] = [];
  private head = 0;

  constructor(private readonly size: number) {}

  push(t: ServerTransition): void {
    if (this.size <= 0) return;
    if (this.items.length < this.size) this.items.push(t);
    else {
      this.items[this.head] = t;
      this.head = (this.head + 1) % this.size;
    }
  }

  list(): ServerTransition[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }
}
