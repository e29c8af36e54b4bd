// Which primary client serves a client section (reference §4.6). duo_only_client is built in
// servers.ts; the directory and upstream RADIUS clients come from their adapters.
import { createAdClient } from '../adapters/ldap/ad-client.ts';
import { createRadiusPrimary } from '../adapters/radius/primary-client.ts';
import type { PrimaryFactory } from './servers.ts';

export const primaryFactory: PrimaryFactory = (client, config, logger) => {
  switch (client.type) {
    case 'radius_client':
      // One instance per client section: its sockets and identifier space are shared by every server
      // section that uses it; the server's pass-through settings are looked up per login.
      return createRadiusPrimary(client, (name) => config.servers.find((s) => s.name === name), { logger });
    case 'ad_client':
      return createAdClient(client, { logger });
    default:
      return undefined;
  }
};
