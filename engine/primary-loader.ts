// The primary clients' code (ldapts for ad_client, the RADIUS client for radius_client) is loaded only
// when the configuration has such a client section: a duo_only proxy never carries it.
import type { ProxyConfig } from '../config/index.ts';
import type { PrimaryFactory } from './servers.ts';

export async function loadPrimaryFactory(config: ProxyConfig): Promise<PrimaryFactory> {
  const needed = Object.values(config.clients).some((c) => c.type !== 'duo_only_client');
  if (!needed) return () => undefined;
  return (await import('./primary-factory.ts')).primaryFactory;
}
