// End-to-end stack for tests: the standalone mock Duo over HTTPS (its generated CA trusted through
// http_ca_certs_file, as an admin would), an authproxy.cfg written to a temp dir, and the proxy
// started from it on free UDP ports. Devices are radclient (test/harness/radclient.ts) or raw UDP.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../adapters/log/logger.ts';
import { loadConfig, formatProblem } from '../../config/index.ts';
import { type ProxyOptions, type RunningProxy, startProxy } from '../../engine/proxy.ts';
import { primaryFactory } from '../../engine/primary-factory.ts';
import type { FixtureInput } from '../../mock-duo/index.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { freePort } from '../harness/ports.ts';

export const IKEY = 'DITESTE2E00000000000';
export const SKEY = 'e2eSkeyE2eSkeyE2eSkeyE2eSkeyE2eSkeyE2eSk';
export const SECRET = 'e2e-secret';

export interface Stack {
  mock: MockDuoServer;
  proxy: RunningProxy;
  /** UDP ports of the sections, in the order their `${PORTn}` placeholders were numbered. */
  ports: number[];
  dir: string;
  stop(): Promise<void>;
}

/**
 * `cfg` is an authproxy.cfg with placeholders: `${DUO}` (ikey, skey, api_host, api_port lines for the
 * mock), `${CLIENTS}` (radius_ip_1=127.0.0.1 with its secret, radius_ip_2=127.0.0.2 too), `${PORT0}`,
 * `${PORT1}`... (free UDP ports), `${CA}` (the mock's CA file).
 */
export async function startStack(
  fixture: Omit<FixtureInput, 'integrations'>,
  cfg: string,
  vars: Record<string, string> = {},
  proxyOptions: Partial<ProxyOptions> = {},
): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-e2e-'));
  const mock = await startMockDuoServer({
    fixture: { ...fixture, integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }] } as FixtureInput,
    caOut: join(dir, 'duo-ca.pem'),
  });
  const nPorts = (cfg.match(/\$\{PORT\d+\}/g) ?? []).length;
  const ports: number[] = [];
  for (let i = 0; i < nPorts; i++) ports.push(await freePort('udp'));
  const text = cfg
    .replaceAll('${DUO}', `ikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\napi_port=${mock.port}`)
    .replaceAll('${CLIENTS}', `radius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nradius_ip_2=127.0.0.2\nradius_secret_2=${SECRET}`)
    .replaceAll('${CA}', join(dir, 'duo-ca.pem'))
    .replace(/\$\{PORT(\d+)\}/g, (_, n) => String(ports[Number(n)]))
    .replace(/\$\{([A-Z_]+)\}/g, (m, k: string) => vars[k] ?? m);
  const file = join(dir, 'authproxy.cfg');
  await writeFile(file, `[main]\nhttp_ca_certs_file=duo-ca.pem\n\n${text}`);
  const loaded = loadConfig(file);
  if (!loaded.ok) {
    await mock.close();
    throw new Error(loaded.problems.map(formatProblem).join('\n'));
  }
  const proxy = await startProxy({ config: loaded.config, logger: silentLogger(), primaryFactory, ...proxyOptions });
  return {
    mock,
    proxy,
    ports,
    dir,
    async stop() {
      await proxy.stop(1000);
      await mock.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The /rest/v1 calls the mock saw, as `path auto=...` lines (passcodes arrive redacted). */
export function duoCalls(stack: Stack): string[] {
  return stack.mock.mock.journal
    .entries()
    .filter((e) => e.api === 'rest_v1')
    .map((e) => `${e.path.replace('/rest/v1/', '')}${e.params.auto !== undefined ? ` auto=${e.params.auto}` : ''}`);
}
