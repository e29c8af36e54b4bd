// JSON log lines on stdout (design.md: `authproxy start` logs JSON lines, one of them
// {"event":"ready"}). pino, because it is fast, writes one JSON object per line, and redacts by path.
// Redaction is a second line of defence: code never passes a password, passcode or secret to a log
// call in the first place (ecosystem.md §2: `*.password` matches one level only, so list shapes).
import pino from 'pino';

export type Logger = pino.Logger;

const REDACT = [
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

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
