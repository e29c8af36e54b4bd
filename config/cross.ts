// Checks across sections (reference §1, §16.3 "Cross-config checks"): every server maps to a client
// section, pass-through needs a radius_client, and server sections sharing a UDP port either share one
// listener without overlapping networks (else a NetworkContention warning) or cannot both bind.
import { cidrContains, type Cidr, parseNetwork } from '../adapters/radius/networks.ts';
import { msg, type ProblemList } from './problems.ts';
import type { ClientChoice } from './resolve.ts';
import type { ReadSection } from './section-reader.ts';
import type { ServerSection } from './types.ts';

export interface ServerWithChoice {
  read: ReadSection;
  choice: ClientChoice | undefined;
}

/** Returns the client section name each server may use (undefined when none or unmappable). */
export function checkClients(servers: readonly ServerWithChoice[], clients: ReadonlyMap<string, ReadSection>, problems: ProblemList): Map<string, string | undefined> {
  const resolved = new Map<string, string | undefined>();
  const clientList = [...clients.keys()].map((n) => `[${n}]`).join(', ');
  for (const { read, choice } of servers) {
    if (read.type === 'radius_server_duo_only') {
      resolved.set(read.name, undefined);
      continue;
    }
    const at = { line: choice?.line || read.line, section: read.name, option: 'client' };
    if (!choice) {
      problems.error(at, msg.noClient(read.name), clientList ? `add client = one of ${clientList}` : 'add an [ad_client] or [radius_client] section and point client= at it');
      resolved.set(read.name, undefined);
      continue;
    }
    const target = clients.get(choice.name);
    if (!target) {
      const sameButCase = [...clients.keys()].find((n) => n.toLowerCase() === choice.name.toLowerCase());
      const fix = sameButCase
        ? `section names are case-sensitive here: use client = ${sameButCase}`
        : clientList
          ? `use one of ${clientList}, or add a [${choice.name}] client section`
          : `add a [${choice.name}] section of type ad_client, radius_client or duo_only_client`;
      problems.error(at, msg.unmappedClient(choice.name, read.name), fix);
      resolved.set(read.name, undefined);
      continue;
    }
    resolved.set(read.name, choice.name);
    if (target.type !== 'radius_client') {
      const passLine = read.present.get('pass_through_attr_names');
      if (passLine !== undefined)
        problems.error({ line: passLine, section: read.name, option: 'pass_through_attr_names' }, 'Can only pass through radius attributes if using a radius client', `remove pass_through_attr_names, or use a [radius_client] section as client (now [${choice.name}])`);
      if (read.values.get('pass_through_all')?.value === true)
        problems.warn({ line: read.present.get('pass_through_all')!, section: read.name, option: 'pass_through_all' }, msg.ineffective('pass_through_all', read.name, 'the client is not a radius_client'), 'remove pass_through_all');
    }
  }
  return resolved;
}

/** `0.0.0.0:1812`, `[::1]:1812`: how a listen address is printed. */
export function listenAddress(iface: string, port: number): string {
  if (iface === '') return `0.0.0.0:${port}`;
  return iface.includes(':') ? `[${iface}]:${port}` : `${iface}:${port}`;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const [wide, narrow] = a.prefix <= b.prefix ? [a, b] : [b, a];
  return cidrContains(wide, { family: narrow.family, value: narrow.network });
}

interface Networks {
  server: ServerSection;
  nets: { value: string; line: number; cidrs: Cidr[] }[];
}

export function checkListeners(servers: readonly ServerSection[], problems: ProblemList): void {
  const all: Networks[] = servers.map((server) => ({
    server,
    nets: server.radiusClients.flatMap((c) => {
      const parsed = parseNetwork(c.value);
      return parsed.ok ? [{ value: c.value, line: c.line, cidrs: parsed.cidrs }] : [];
    }),
  }));
  for (let j = 0; j < all.length; j++) {
    const b = all[j]!;
    for (let i = 0; i < j; i++) {
      const a = all[i]!;
      if (a.server.port !== b.server.port) continue;
      const ia = a.server.interface;
      const ib = b.server.interface;
      if (ia !== ib && (ia === '' || ib === '')) {
        const specific = ia === '' ? ib : ia;
        problems.error(
          { line: b.server.line, section: b.server.name, option: 'port' },
          `The following server sections have a port collision: ${a.server.name}, ${b.server.name}. They both listen on port: ${b.server.port} and attempt to use the interface: '${specific}'. Please modify the ports in your configuration to resolve this.`,
          `one listens on all interfaces, so the other cannot bind ${listenAddress(specific, b.server.port)}: give both the same interface (they then share one listener) or different ports`,
        );
        continue;
      }
      if (ia !== ib) continue;
      const clash = firstOverlap(a, b);
      if (!clash) continue;
      const where = listenAddress(ia, a.server.port);
      problems.warn(
        { line: clash.b.line, section: b.server.name, option: `radius_ip_${b.server.radiusClients.find((c) => c.line === clash.b.line)?.n ?? ''}` },
        `Conflicting network configuration. ${a.server.name} listens on ${where} for clients in ${clash.a.value}. ${b.server.name} listens on ${where} for clients in ${clash.b.value}. Messages from the overlapping IP range will be sent to sections based on their order in the configuration. This is not recommended as it can cause unexpected behavior.`,
        'a packet goes to the section with the most specific matching network, the later section on a tie; give each section its own networks or its own port',
      );
    }
  }
}

function firstOverlap(a: Networks, b: Networks): { a: Networks['nets'][number]; b: Networks['nets'][number] } | undefined {
  for (const nb of b.nets)
    for (const na of a.nets) if (na.cidrs.some((x) => nb.cidrs.some((y) => overlaps(x, y)))) return { a: na, b: nb };
  return undefined;
}
