// A proxy with the mock Duo (test/e2e/stack.ts: HTTPS mock, proxy on free UDP ports) and its dashboard
// on a free TCP port, as `authproxy start` wires them. Logins are sent with radclient.
import { join } from 'node:path';
import { silentLogger } from '../../adapters/log/logger.ts';
import { loadConfig } from '../../config/index.ts';
import { type RunningDashboard, startDashboard } from '../../dashboard/index.ts';
import { freePort, radclient, type RadclientResult } from '../harness/index.ts';
import { SECRET, type Stack, startStack } from '../e2e/stack.ts';

export interface DashStack {
  stack: Stack;
  dashboard: RunningDashboard;
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** A login from radclient to section `n` (0: duo_only, 1: challenge). */
  login(user: string, password: string, n?: number, more?: [string, string][]): Promise<RadclientResult>;
  stop(): Promise<void>;
}

/** Users: alice approves her push after 300 ms, carol denies hers, erin is locked out. */
export const DASH_USERS = {
  alice: { status: 'active', devices: [{ id: 'DPALICE0000000000001', type: 'phone', number: 'XXX-XXX-1234', capabilities: ['auto', 'push', 'phone', 'sms', 'mobile_otp'], push: 'approve', after_ms: 300 }], passcodes: ['123456'] },
  carol: { status: 'active', devices: [{ id: 'DPCAROL0000000000001', type: 'phone', number: 'XXX-XXX-5678', capabilities: ['auto', 'push'], push: 'deny', after_ms: 100 }] },
  erin: { status: 'locked_out', devices: [] },
};

export async function startDashStack(opts: { token?: string; main?: string[] } = {}): Promise<DashStack> {
  const dashPort = await freePort('tcp');
  const main = [`dashboard_port=${dashPort}`, ...(opts.token ? [`dashboard_token=${opts.token}`] : []), ...(opts.main ?? [])].join('\n');
  const stack = await startStack(
    { users: DASH_USERS } as never,
    `${main}\n\n[duo_only_client]\n\n[radius_server_duo_only]\n\${DUO}\n\${CLIENTS}\nport=\${PORT0}\nfailmode=secure\n\n[radius_server_challenge]\n\${DUO}\n\${CLIENTS}\nclient=duo_only_client\nport=\${PORT1}\nfailmode=secure\n`,
  );
  const loaded = loadConfig(join(stack.dir, 'authproxy.cfg'));
  if (!loaded.ok) throw new Error('dashboard stack config invalid');
  let dashboard: RunningDashboard;
  try {
    // Twice as many updates as in production: the tests wait less.
    dashboard = await startDashboard({ config: loaded.config, bus: stack.proxy.bus, logger: silentLogger(), flushMs: 100 });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return {
    stack,
    dashboard,
    url: dashboard.url,
    login: (user, password, n = 0, more = []) =>
      radclient({ server: `127.0.0.1:${stack.ports[n]}`, secret: SECRET, attributes: [['User-Name', user], ['User-Password', password], ['Message-Authenticator', '0x00'], ...more], timeoutSec: 5 }),
    async stop() {
      await dashboard.close();
      await stack.stop();
    },
  };
}
