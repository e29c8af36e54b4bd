// `authproxy trace [loginId] [--user U] [--follow] [--url URL] [--token T]`: the dashboard's list and
// traces in a terminal, from a running instance's dashboard API (design.md "Contract: dashboard").
import { Option, type Command } from '@commander-js/extra-typings';
import { isOpen, type LoginSummary, type LoginTrace } from '../../dashboard/trace-types.ts';
import { SseParser } from '../trace/sse-parse.ts';

class TraceError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description("recent logins and the trace of one, from a running instance's dashboard ([main] dashboard_port)")
    .argument('[loginId]', 'print the timeline of this login')
    .option('--user <user>', 'only this user’s logins, and the timeline of the newest')
    .addOption(new Option('--outcome <outcome>', 'only logins that ended so').choices(['in-flight', 'challenge', 'accept', 'reject', 'drop'] as const))
    .option('--limit <n>', 'how many logins to list', (v) => Number.parseInt(v, 10), 20)
    .option('--follow', 'keep printing each login as it finishes (Ctrl-C stops)')
    .option('--url <url>', 'the dashboard of the instance', 'http://127.0.0.1:8812')
    .addOption(new Option('--token <token>', 'dashboard_token, when the dashboard has one').env('AUTHPROXY_DASHBOARD_TOKEN'))
    .action(async (loginId, opts) => {
      // Loaded when the command runs (cli-table3), so other commands do not pay for it.
      const { loginsTable, timeline } = await import('../trace/format.ts');
      const base = opts.url.replace(/\/+$/, '');
      const headers: Record<string, string> = { Accept: 'application/json', ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}) };
      const get = async <T>(path: string): Promise<T> => {
        let res: Response;
        try {
          res = await fetch(`${base}${path}`, { headers });
        } catch (err) {
          throw new TraceError(`cannot reach the dashboard at ${base}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message} (is [main] dashboard_port set and the proxy running?)`, 2);
        }
        const body = (await res.json().catch(() => ({}))) as T & { error?: string };
        if (res.status === 401) throw new TraceError(`the dashboard at ${base} wants its token: --token or AUTHPROXY_DASHBOARD_TOKEN`, 2);
        if (!res.ok) throw new TraceError(`${path}: ${res.status} ${body.error ?? ''}`.trim(), res.status === 404 ? 1 : 2);
        return body;
      };
      try {
        if (loginId) {
          process.stdout.write(timeline(await get<LoginTrace>(`/api/logins/${encodeURIComponent(loginId)}`)));
          return;
        }
        const query = new URLSearchParams({ limit: String(opts.limit), ...(opts.user ? { user: opts.user } : {}), ...(opts.outcome ? { outcome: opts.outcome } : {}) });
        const logins = await get<LoginSummary[]>(`/api/logins?${query.toString()}`);
        process.stdout.write(loginsTable(logins));
        if (opts.user && logins[0]) process.stdout.write(`\n${timeline(await get<LoginTrace>(`/api/logins/${encodeURIComponent(logins[0].loginId)}`))}`);
        if (opts.follow) await follow(base, headers, opts.user);
      } catch (err) {
        if (!(err instanceof TraceError)) throw err;
        process.stderr.write(`authproxy trace: ${err.message}\n`);
        process.exit(err.exitCode);
      }
    });
}

/** Prints each login once, when it finishes (or is dropped/expires), from the live stream. */
async function follow(base: string, headers: Record<string, string>, user: string | undefined): Promise<void> {
  const res = await fetch(`${base}/api/events`, { headers: { ...headers, Accept: 'text/event-stream' } });
  if (!res.ok || !res.body) throw new TraceError(`/api/events: ${res.status}`, 2);
  const { loginLine } = await import('../trace/format.ts');
  const printed = new Set<string>();
  const parser = new SseParser();
  const decoder = new TextDecoder();
  process.stdout.write(`following ${base} (Ctrl-C stops)\n`);
  try {
    for await (const chunk of res.body) {
      for (const f of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
        if (f.event === 'resync') process.stdout.write('(the stream fell behind: some logins may be missing here; `authproxy trace` lists them)\n');
        if (f.event !== 'update') continue;
        const { logins } = JSON.parse(f.data) as { logins: LoginSummary[] };
        for (const l of logins) {
          if (isOpen(l.outcome) || printed.has(l.loginId)) continue;
          if (user && l.user?.toLowerCase() !== user.toLowerCase()) continue;
          printed.add(l.loginId);
          if (printed.size > 10_000) printed.clear();
          process.stdout.write(loginLine(l));
        }
      }
    }
  } catch (err) {
    throw new TraceError(`the stream from ${base} broke: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`, 2);
  }
  // The server ended it: a follower that exits 0 here would look, to a script, like Ctrl-C.
  throw new TraceError(`the dashboard at ${base} closed the stream (the proxy stopped?)`, 2);
}
