// What the log files cost a login (issue 11 §1): the same duo_only section in two proxies, one with
// nothing logged per login (--log-level warn, no files: the baseline), one with what an admin of Duo's
// proxy turns on (log_file + log_auth_events, info level: the login line in authproxy.log and its
// authevents.log line). Runs alternate between the two, several rounds, so that a slow moment of the
// machine hits both; the figure is the median of each.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pap, runLoad } from '../../simulator/load.ts';
import { spawnReady } from './spawn-ready.ts';

export interface LoggingCost {
  off: number;
  on: number;
  ratio: number;
  /** Files written by the proxy with logs on, for the report. */
  files: string[];
}

export async function loggingCost(o: { dir: string; bin: string; duo: string; secret: string; ports: [number, number]; concurrency: number; count: number; rounds: number }): Promise<LoggingCost> {
  await writeFile(join(o.dir, 'logs-off.cfg'), `[main]\nhttp_ca_certs_file=ca.pem\n[radius_server_duo_only]\n${o.duo}\nport=${o.ports[0]}\n`);
  await writeFile(
    join(o.dir, 'logs-on.cfg'),
    `[main]\nhttp_ca_certs_file=ca.pem\nlog_file=true\nlog_auth_events=true\nlog_dir=${join(o.dir, 'log')}\n[radius_server_duo_only]\n${o.duo}\nport=${o.ports[1]}\n`,
  );
  const off = await spawnReady([o.bin, 'start', '-c', join(o.dir, 'logs-off.cfg'), '--log-level', 'warn'], { timeoutMs: 30_000 });
  const on = await spawnReady([o.bin, 'start', '-c', join(o.dir, 'logs-on.cfg')], { timeoutMs: 30_000 }).catch(async (e) => {
    await off.stop();
    throw e;
  });
  const run = (port: number, count: number) =>
    runLoad({ target: { host: '127.0.0.1', port }, secret: o.secret, concurrency: o.concurrency, count, attributes: () => pap('alice', 'push') }).then((r) => r.perSecond);
  try {
    await run(o.ports[0], Math.ceil(o.count / 4));
    await run(o.ports[1], Math.ceil(o.count / 4));
    const offs: number[] = [];
    const ons: number[] = [];
    for (let i = 0; i < o.rounds; i++) {
      offs.push(await run(o.ports[0], o.count));
      ons.push(await run(o.ports[1], o.count));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return { off: median(offs), on: median(ons), ratio: median(ons) / median(offs), files: await readdir(join(o.dir, 'log')) };
  } finally {
    await Promise.all([off.stop(), on.stop()]);
  }
}
