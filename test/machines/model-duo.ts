// The Duo behind the login model: for each Duo answer in the model's vocabulary, a mock Duo scripted
// to give it (its own fixture: users, statuses, groups, faults, texts) and our real Duo client talking
// to that mock's msw handlers in process (createMswTransport: no socket, no setupServer). The replay asks
// for "the call that answers <synthetic outcome>" and gets what the client really returned.
//
// One mock per answer, not one mock re-scripted per call: a scene's fixture is the whole story of why
// Duo answers that way, and a scene's mock is reset to it at the start of every path that touches it,
// so nothing (an SMS batch, a failure count towards lockout) leaks from one path into another.
import { clientOver } from '../../adapters/duo/client.ts';
import type { DuoClient } from '../../adapters/duo/types.ts';
import type { AuthResult, DuoOutcome, PreauthResult } from '../../machines/contracts.ts';
import type { DuoAuthInput, DuoPreauthInput } from '../../machines/login.ts';
import { createMockDuo, type FixtureInput, type JournalEntry, type MockDuo } from '../../mock-duo/index.ts';
import { createMswTransport } from '../../mock-duo/msw-transport.ts';
import { IKEY, SKEY } from '../duo/fixture.ts';

export const DUO_HOST = 'api-model.duosecurity.com';

/** A scene's mock Duo: a fixture without its integration (every scene has the one our client is
 *  configured with), optionally with another skey (then every request fails Duo's signature check). */
export type SceneDuo = Omit<FixtureInput, 'integrations'> & { skey?: string };

export interface Scene<T> {
  /** What the mock is scripted to be, in words (test names). */
  name: string;
  duo: SceneDuo;
  /** The answer the model feeds the machine: the mock plus our client must produce exactly this. */
  outcome: DuoOutcome<T>;
}

export type DuoCall = 'preauth' | 'auth';

interface Staged {
  scene: Scene<unknown>;
  mock: MockDuo;
  client: DuoClient;
}

export interface ModelDuo {
  /** Every scene's mock the previous path touched goes back to its fixture (faults restored, journal
   *  emptied). */
  beginPath(): void;
  /** Our client's real preauth against the mock scripted to answer `synthetic`. */
  preauth(synthetic: DuoOutcome<PreauthResult>, input: DuoPreauthInput, signal?: AbortSignal): Promise<DuoOutcome<PreauthResult>>;
  /** Our client's real auth against the mock scripted to answer `synthetic`. */
  auth(synthetic: DuoOutcome<AuthResult>, input: DuoAuthInput, signal?: AbortSignal): Promise<DuoOutcome<AuthResult>>;
  /** The requests the mocks saw since beginPath, from their journals (grouped by mock, not in order). */
  requests(): JournalEntry[];
  /** How many calls each scene answered (by call and scene name), since the ModelDuo was made. */
  answered: Map<string, number>;
  close(): void;
}

export const sceneKey = (call: DuoCall, name: string) => `${call}: ${name}`;

function stage(scene: Scene<unknown>): Staged {
  const { skey, ...rest } = scene.duo;
  const fixture: FixtureInput = { ...rest, integrations: [{ ikey: IKEY, skey: skey ?? SKEY, api_host: DUO_HOST }] };
  const mock = createMockDuo({ fixture });
  // Wired as the engine wires it (machines/login.ts: `duo.preauth(input, signal)`), in the default dialect.
  const client = clientOver(createMswTransport(mock.handlers, `https://${DUO_HOST}`), {
    ikey: IKEY,
    skey: SKEY,
    apiHost: DUO_HOST,
    userAgent: 'authproxy-model-test/0',
  });
  return { scene, mock, client };
}

/** Builds one mock and client per scene; outcomes must be distinct within a call. */
export function createModelDuo(scenes: { preauth: Scene<PreauthResult>[]; auth: Scene<AuthResult>[] }): ModelDuo {
  const byCall: Record<DuoCall, Map<string, Staged>> = { preauth: new Map(), auth: new Map() };
  const all: Staged[] = [];
  for (const call of ['preauth', 'auth'] as const) {
    for (const scene of scenes[call] as Scene<unknown>[]) {
      const key = JSON.stringify(scene.outcome);
      if (byCall[call].has(key)) throw new Error(`two ${call} scenes answer ${key}`);
      const s = stage(scene);
      byCall[call].set(key, s);
      all.push(s);
    }
  }
  const touched = new Set<Staged>();
  const answered = new Map<string, number>();

  const staged = (call: DuoCall, synthetic: DuoOutcome<unknown>): Staged => {
    const s = byCall[call].get(JSON.stringify(synthetic));
    if (!s) throw new Error(`no ${call} scene answers ${JSON.stringify(synthetic)}`);
    touched.add(s);
    const key = sceneKey(call, s.scene.name);
    answered.set(key, (answered.get(key) ?? 0) + 1);
    return s;
  };

  return {
    beginPath() {
      for (const s of touched) s.mock.reset();
      touched.clear();
    },
    preauth: (synthetic, input, signal) => staged('preauth', synthetic).client.preauth(input, signal),
    auth: (synthetic, input, signal) => staged('auth', synthetic).client.auth(input, signal),
    requests: () => [...touched].flatMap((s) => s.mock.journal.entries()),
    answered,
    close() {
      for (const s of all) s.client.close();
    },
  };
}
