// A binary min-heap ordered by (at, seq): the manual clock's sleepers and the transactions waiting to
// settle or expire. O(log n) push and pop, so 10,000 waiting pushes cost no more per operation than ten.

export interface HeapItem {
  /** When (ms, mock time). */
  at: number;
  /** Insertion order, to break ties: items due at the same time come out in the order they went in. */
  seq: number;
}

export class MinHeap<T extends HeapItem> {
  #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, a[parent]!)) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) this.#sink(last);
    return top;
  }

  /** Keep only the items `keep` says yes to (used to drop cancelled sleepers in bulk). */
  filter(keep: (item: T) => boolean): void {
    const kept = this.#items.filter(keep);
    this.#items = [];
    for (const item of kept) this.push(item);
  }

  #sink(item: T): void {
    const a = this.#items;
    const n = a.length;
    let i = 0;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(a[r]!, a[l]!) ? r : l;
      if (!before(a[child]!, item)) break;
      a[i] = a[child]!;
      i = child;
    }
    a[i] = item;
  }
}

function before(x: HeapItem, y: HeapItem): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
