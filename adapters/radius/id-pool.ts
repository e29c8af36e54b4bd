// RADIUS identifiers of one source socket: 256 of them, handed out in random order (like Duo's shuffled
// pool, reference §12) so that an identifier is not reused right after it was freed.
import { randomInt } from 'node:crypto';

export class IdPool {
  readonly #free: number[] = [];

  constructor() {
    for (let i = 0; i < 256; i++) this.#free.push(i);
  }

  get available(): number {
    return this.#free.length;
  }

  take(): number | undefined {
    if (this.#free.length === 0) return undefined;
    const i = randomInt(this.#free.length);
    const id = this.#free[i]!;
    this.#free[i] = this.#free[this.#free.length - 1]!;
    this.#free.pop();
    return id;
  }

  give(id: number): void {
    this.#free.push(id);
  }
}
