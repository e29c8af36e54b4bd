// A closed stdout or stderr is normal for a command line tool (`authproxy check-config | head -1`, a
// log shipper that went away): every command then exits quietly, with the exit code it had decided
// so far (issue 15 §6), instead of dying on an EPIPE stack trace.
//
// Writes to a closed pipe fail as an 'error' event: on process.stdout/stderr (console.log, write), or
// on pino's own stdout destination (sonic-boom), which nobody listens to, so it arrives here as an
// uncaught exception. Only those are taken; any other uncaught error still ends the process as Node
// would (its stack on stderr, exit 1).

const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function isClosedOutput(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && CLOSED.has(code);
}

function exitQuietly(): never {
  const code = process.exitCode;
  process.exit(typeof code === 'number' ? code : 0);
}

export function exitQuietlyOnClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err) => {
      if (isClosedOutput(err)) exitQuietly();
      throw err;
    });
  process.on('uncaughtException', (err) => {
    if (isClosedOutput(err)) exitQuietly();
    // What Node does without a handler.
    try {
      process.stderr.write(`${err.stack ?? String(err)}\n`);
    } finally {
      process.exit(1);
    }
  });
}
