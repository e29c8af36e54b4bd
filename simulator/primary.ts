// A simulated upstream RADIUS primary (NPS, FreeRADIUS...) for radius_client configs, so they are
// testable with nothing installed: users with passwords and reply attributes, and a behaviour per
// server or user: accept (check the password), reject, timeout (never answer), challenge (an
// Access-Challenge first, any answer with its State accepted).
import { randomBytes } from 'node:crypto';
import { buildAttribute, findString, findValues } from '../adapters/radius/attributes.ts';
import { unhidePassword } from '../adapters/radius/codec/password.ts';
import { startTestRadiusServer } from '../adapters/radius/test-server.ts';
import type { LoginReply, WireAttribute } from '../machines/contracts.ts';
import type { Scenario } from './scenario/schema.ts';

export type PrimarySpec = NonNullable<Scenario['primary']>['radius'];

export interface SimulatedPrimary {
  port: number;
  /** Access-Requests it received. */
  received(): number;
  close(): Promise<void>;
}

function replyAttributes(spec: Record<string, string | number | (string | number)[]>): WireAttribute[] {
  const out: WireAttribute[] = [];
  for (const [name, v] of Object.entries(spec))
    for (const value of Array.isArray(v) ? v : [v]) {
      const r = buildAttribute(name, value);
      if (!r.ok) throw new Error(`primary.radius: ${r.error}`);
      out.push(r.attribute);
    }
  return out;
}

export async function startSimulatedPrimary(spec: PrimarySpec, secret: string): Promise<SimulatedPrimary> {
  // Checked once, up front: a typo in an attribute name is a scenario error, not a lost login.
  const attributes = new Map(Object.entries(spec.users).map(([u, x]) => [u, replyAttributes(x.attributes)]));
  const challenges = new Set<string>();
  let received = 0;
  const message = (text: string | undefined) => (text === undefined ? {} : { replyMessage: text });
  const reject = (): LoginReply => ({ kind: 'reply', code: 3, attributes: [], ...message(spec.reject_message) });
  const server = await startTestRadiusServer({
    secret,
    sectionName: 'simulated_primary',
    handle: (req) => {
      received++;
      const user = findString(req.attributes, 'User-Name') ?? '';
      const entry = spec.users[user];
      const behaviour = entry?.behaviour ?? spec.behaviour;
      if (behaviour === 'timeout') return { kind: 'drop', reason: 'simulated primary: timeout' };
      if (behaviour === 'reject') return reject();
      const state = findValues(req.attributes, 'State')[0]?.toString('base64');
      if (state !== undefined && challenges.delete(state)) return { kind: 'reply', code: 2, attributes: attributes.get(user) ?? [] };
      const hidden = findValues(req.attributes, 'User-Password')[0];
      const pw = hidden && unhidePassword(hidden, secret, Buffer.from(req.authenticator, 'base64'));
      if (!entry || !pw?.ok || pw.value.toString('utf8') !== entry.password) return reject();
      if (behaviour === 'challenge') {
        const s = randomBytes(16);
        challenges.add(s.toString('base64'));
        return { kind: 'reply', code: 11, replyMessage: spec.challenge_message, attributes: [{ type: 24, value: s.toString('base64') }] };
      }
      return { kind: 'reply', code: 2, attributes: attributes.get(user) ?? [] };
    },
  });
  return { port: server.port, received: () => received, close: () => server.close() };
}
