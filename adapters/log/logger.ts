// JSON log lines on stdout (design.md: `authproxy start` logs JSON lines, one of them
// {"event":"ready"}). pino, because it is fast, writes one JSON object per line, and redacts by path.
// Redaction is a second line of defence: code never passes a password, passcode or secret to a log
// call in the first place (ecosystem.md §2: `*.password` matches one level only, so list shapes).
import pino from 'pino';

export type Logger = pino.Logger;

export const REDACT = [
  'password',
  'passcode',
  'secret',
  'skey',
  '*.password',
  '*.passcode',
  '*.secret',
  '*.skey',
  'headers.authorization',
  '*.headers.authorization',
];

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream; sync?: boolean; onClosedOutput?: () => void } = {}): Logger {
  const dest = opts.destination ?? pino.destination({ dest: 1, sync: opts.sync ?? false });
  // pino silences its stdout on EPIPE (the reader went away); the caller may want to know (issue 15 §6).
  const onClosed = opts.onClosedOutput;
  if (onClosed && !opts.destination) (dest as NodeJS.EventEmitter).on('error', (err: NodeJS.ErrnoException) => err.code === 'EPIPE' && onClosed());
  return pino(
    {
      level: opts.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[REDACTED]' },
    },
    dest,
  );
}

/**
 * The same logger (destination, level, bindings) without the redaction, for a line whose fields are
 * flat and fixed by our code, none of them a redacted name (the login line, ops/logs/login-line.ts):
 * redaction could never change such a line, and it costs ~7 µs on every line it looks at (measured:
 * the login line 8.9 µs with it, 1.8 µs without). test/ops/log-formats.test.ts keeps the fields so.
 */
export function unredacted(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** stdout as a pino destination (asynchronous, flushed by logger.flush()); `onClosedOutput` when the
 *  reader went away (EPIPE: pino then stops writing to it). */
export function stdoutDestination(onClosedOutput?: () => void): pino.DestinationStream & { write(line: string): void; flush(cb?: (err?: Error) => void): void } {
  const dest = pino.destination({ dest: 1, sync: false });
  if (onClosedOutput) dest.on('error', (err: NodeJS.ErrnoException) => err.code === 'EPIPE' && onClosedOutput());
  return dest as never;
}

/** Where a logger writes (its pino destination), to pass lines through to it unchanged. */
export function rawDestination(logger: Logger): { write(line: string): void } | undefined {
  return (logger as unknown as Record<symbol, { write(line: string): void } | undefined>)[pino.symbols.streamSym];
}
