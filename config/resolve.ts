// Which client section does a server section's primary authentication (reference §1 "Choosing the
// primary client"), in Duo's order: [main] server=/client= override, the section's own client=, the
// only ad_client for an ldap_server section, [main] client=, the only section whose name has "client".
import type { ReadSection } from './section-reader.ts';

export interface ClientChoice {
  name: string;
  /** Where the name was written (0 when chosen implicitly). */
  line: number;
  from: 'main-server' | 'section' | 'ldap' | 'main' | 'only';
}

function clientValue(read: ReadSection | undefined, key: string): { name: string; line: number } | undefined {
  const v = read?.values.get(key);
  return v && typeof v.value === 'string' && v.value !== '' ? { name: v.value, line: v.line } : undefined;
}

/** `sectionNames`: every section name of the file, in file order. */
export function resolveClient(server: ReadSection, sectionNames: readonly string[], main: ReadSection | undefined): ClientChoice | undefined {
  const mainClient = clientValue(main, 'client');
  const mainServer = clientValue(main, 'server');
  if (mainClient && mainServer && mainServer.name === server.name) return { ...mainClient, from: 'main-server' };
  const own = clientValue(server, 'client');
  if (own) return { ...own, from: 'section' };
  if (server.name.includes('ldap_server')) {
    const ads = sectionNames.filter((n) => n.toLowerCase().replace(/\d+$/, '') === 'ad_client');
    if (ads.length === 1) return { name: ads[0]!, line: 0, from: 'ldap' };
  }
  if (mainClient) return { ...mainClient, from: 'main' };
  const withClient = sectionNames.filter((n) => n.includes('client'));
  if (withClient.length === 1) return { name: withClient[0]!, line: 0, from: 'only' };
  return undefined;
}
