// authproxy.log: our JSON lines in a file rotated by size (Duo's log_max_size / log_max_files), with
// authproxy.log.1 the newest rotated copy. One writer, whole-line writes: a rotation happens between two
// lines, so no line is lost, cut or written twice across it. reopen() (SIGUSR2) and a check every second
// for a file that was moved or deleted under us let logrotate do the rotating instead.
// Lines are gathered and written with one synchronous write per turn of the event loop (or per 64 KiB):
// a write system call per line cost ~15 µs of a login's CPU when every login writes its line and its
// auth events. Whatever is gathered is written before a rotation, a reopen, close() and the process's
// exit, so a line that was written reaches its file, in order, before anything that follows it.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFileOptions {
  /** Bytes; a line that would take the file past it goes to a fresh file. 0: never rotate. */
  maxSize: number;
  /** Rotated copies kept (authproxy.log.1 … .N); 0: keep them all. */
  maxFiles: number;
  /** How often to look for an external rotation, ms; 0: never. */
  checkEveryMs?: number;
  /** A write failed (disk full, permissions): told once per failure streak, the line is dropped. */
  onError?: (err: Error) => void;
}

export class RotatingFile {
  private fd: number;
  private size: number;
  private failing = false;
  private readonly timer: NodeJS.Timeout | undefined;
  /** Lines written but not yet in the file (see the header), and their size in bytes. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private readonly flushOnExit = () => this.flush();

  constructor(
    readonly path: string,
    private readonly o: RotatingFileOptions,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
    const every = o.checkEveryMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => this.reopenIfMoved(), every);
      this.timer.unref();
    }
    process.once('exit', this.flushOnExit);
  }

  /** Appends one whole line (the caller's text ends with '\n'). */
  write(line: string): void {
    const bytes = Buffer.from(line, 'utf8');
    // this.size counts the gathered lines too, so the file rotates between the same lines as if each
    // had been written at once.
    if (this.o.maxSize > 0 && this.size > 0 && this.size + bytes.length > this.o.maxSize) {
      this.flush();
      this.guard(() => this.rotate());
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the gathered lines now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pendingBytes === 0) return;
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.guard(() => {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off);
    });
  }

  /** A write failed (disk full, permissions): told once per failure streak, the lines are dropped. */
  private guard(f: () => void): void {
    try {
      f();
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.o.onError?.(err as Error);
      this.failing = true;
    }
  }

  /** Close and open the path again: after logrotate moved the file (SIGUSR2), or to recover. */
  reopen(): void {
    this.flush();
    try {
      const fd = openSync(this.path, 'a', 0o640);
      closeSync(this.fd);
      this.fd = fd;
      this.size = fstatSync(fd).size;
    } catch (err) {
      this.o.onError?.(err as Error);
    }
  }

  close(): void {
    this.flush();
    process.removeListener('exit', this.flushOnExit);
    if (this.timer) clearInterval(this.timer);
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  /** authproxy.log.(N-1) → .N … authproxy.log → .1, then a new authproxy.log. The old descriptor stays
   *  open until the new one is: if a rename fails, the line still goes somewhere. A file that was moved
   *  away under us (logrotate, not yet noticed) is not renamed again: a fresh file is opened. */
  private rotate(): void {
    if (this.movedAway()) return this.reopen();
    const keep = this.o.maxFiles > 0 ? this.o.maxFiles : highestCopy(this.path) + 1;
    if (this.o.maxFiles > 0 && existsSync(`${this.path}.${keep}`)) unlinkSync(`${this.path}.${keep}`);
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    renameSync(this.path, `${this.path}.1`);
    this.reopen();
  }

  private movedAway(): boolean {
    try {
      return statSync(this.path).ino !== fstatSync(this.fd).ino;
    } catch {
      return true; // deleted
    }
  }

  private reopenIfMoved(): void {
    if (this.movedAway()) this.reopen();
  }
}

/** Gathered bytes past which a write goes out at once rather than at the end of the loop's turn. */
const FLUSH_BYTES = 64 * 1024;

function highestCopy(path: string): number {
  let n = 0;
  while (existsSync(`${path}.${n + 1}`)) n++;
  return n;
}
