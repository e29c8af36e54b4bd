// Live counts per server section of states entered and transitions taken over a sliding window
// (dashboard_window seconds), in one-second buckets. Adding is O(1); totals are kept as they go, so
// reading them does not sum the buckets.

export interface Counts {
  states: Record<string, number>;
  edges: Record<string, number>;
}

interface Bucket {
  second: number;
  /** `server\0s\0state` or `server\0e\0edge` → count. */
  adds: Map<string, number>;
}

export class WindowCounts {
  private readonly buckets: Bucket[] = [];
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly windowS: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One login entered `states` and took `edges` (diagram ids) in `server`. */
  add(server: string, states: readonly string[], edges: readonly string[]): void {
    const b = this.current();
    for (const s of states) this.bump(b, `${server}\0s\0${s}`);
    for (const e of edges) this.bump(b, `${server}\0e\0${e}`);
  }

  /** The window's totals per server section. */
  read(): Record<string, Counts> {
    this.expire();
    const out: Record<string, Counts> = {};
    for (const [key, n] of this.totals) {
      const [server, kind, name] = key.split('\0') as [string, string, string];
      const c = (out[server] ??= { states: {}, edges: {} });
      (kind === 's' ? c.states : c.edges)[name] = n;
    }
    return out;
  }

  private bump(b: Bucket, key: string): void {
    b.adds.set(key, (b.adds.get(key) ?? 0) + 1);
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
  }

  private current(): Bucket {
    const second = Math.floor(this.now() / 1000);
    const last = this.buckets.at(-1);
    if (last && last.second === second) return last;
    this.expire();
    const b = { second, adds: new Map<string, number>() };
    this.buckets.push(b);
    return b;
  }

  /** Takes the buckets that left the window out of the totals. */
  private expire(): void {
    const first = Math.floor(this.now() / 1000) - this.windowS + 1;
    while (this.buckets.length && this.buckets[0]!.second < first) {
      for (const [key, n] of this.buckets.shift()!.adds) {
        const left = (this.totals.get(key) ?? 0) - n;
        if (left > 0) this.totals.set(key, left);
        else this.totals.delete(key);
      }
    }
  }
}
