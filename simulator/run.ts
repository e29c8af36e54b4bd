// Running a scenario: the environment up, then three lanes from one start time: the scripted logins in
// order, each load population from its start_ms, and the fault timeline against the mock Duo. Returns
// the report; a SetupError (thrown) means the scenario could not run at all (exit 2).
import { createRadiusClient, type RadiusClient } from '../adapters/radius/client.ts';
import type { FaultInput } from '../mock-duo/fixture.ts';
import { checkDeviceAttributes, type DeviceSettings, type LoginResult, resolveDevice, runDeviceLogin } from './device.ts';
import { type Destination, SetupError, startEnvironment } from './environment.ts';
import { checkLoad, checkLogin } from './expect.ts';
import { createSender, runLoad } from './load.ts';
import type { ReadScenario } from './scenario/read.ts';
import type { Outcome, Scenario, ScenarioFault, ScenarioLoad, ScenarioLogin } from './scenario/schema.ts';

export interface LoginReport extends LoginResult {
  name: string;
  user: string;
  device: string;
  server: string;
  expected: string;
  passed: boolean;
  /** Why it failed, one sentence per expectation. */
  problems: string[];
}

export interface LoadPopulationReport {
  name: string;
  device: string;
  server: string;
  /** `closed c=16 n=500` or `open 50/s for 10 s`. */
  model: string;
  sent: number;
  answered: number;
  perSecond: number;
  p50: number;
  p99: number;
  outcomes: Record<Outcome, number>;
  retransmissions: number;
  expected: string;
  passed: boolean;
  problems: string[];
}

export interface SimulationReport {
  scenario: string;
  passed: number;
  failed: number;
  logins: LoginReport[];
  load: LoadPopulationReport[];
  faults: { at_ms: number; for_ms?: number; what: string }[];
  notes: string[];
}

export interface RunOptions {
  /** Called as logins finish (scripted and load), with how many are planned in all. */
  onProgress?: (done: number, total: number, passedSoFar: number, failedSoFar: number) => void;
  /** Called once the target is ready, before the first login, with the notes so far (what was changed
   *  or must be true), so a person watching a long run reads them first. */
  onReady?: (notes: readonly string[]) => void;
}

const describe = (e: object) =>
  Object.entries(e)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? (v.startsWith('/') ? v : JSON.stringify(v)) : JSON.stringify(v)}`)
    .join(', ');

function faultInputs(f: ScenarioFault): FaultInput[] {
  const base: FaultInput = typeof f.duo === 'string' ? { [f.duo]: true } : f.duo;
  if (f.users === undefined) return [base];
  return f.users.map((user) => ({ ...base, match: { ...(base.match ?? {}), user } }));
}

const plannedLogins = (l: ScenarioLoad) => l.count ?? Math.floor((l.rate_per_s ?? 0) * (l.duration_s ?? 0));
const thinkOf = (t: ScenarioLoad['think_ms']) => () => (Array.isArray(t) ? t[0] + Math.random() * (t[1] - t[0]) : t);

export async function runScenario(read: ReadScenario, opts: RunOptions = {}): Promise<SimulationReport> {
  const s: Scenario = read.scenario;
  const deviceOf = (x: { device?: ScenarioLogin['device'] }) => resolveDevice(x.device ?? s.device);
  const loginDevices = s.logins.map(deviceOf);
  const loadDevices = s.load.map(deviceOf);
  for (const d of [...loginDevices, ...loadDevices]) {
    const problem = checkDeviceAttributes(d);
    if (problem) throw new SetupError([`${read.file}: device ${problem}`]);
  }
  const env = await startEnvironment(s);
  const clients: RadiusClient[] = [];
  try {
    await env.prepare([...s.logins.map((l, i) => ({ device: loginDevices[i]!, server: l.server })), ...s.load.map((l, i) => ({ device: loadDevices[i]!, server: l.server }))]);
    opts.onReady?.(env.notes);
    const total = s.logins.length + s.load.reduce((n, l) => n + plannedLogins(l), 0);
    let done = 0;
    let passed = 0;
    let failed = 0;
    const tick = () => opts.onProgress?.(++done, total, passed, failed);

    const timers: NodeJS.Timeout[] = [];
    const applied: SimulationReport['faults'] = [];
    for (const f of s.faults) {
      if (!env.mock) throw new SetupError(['faults: they act on the embedded mock Duo; add a duo section']);
      const mock = env.mock.mock;
      timers.push(
        setTimeout(() => {
          const ids = faultInputs(f).flatMap((input) => {
            const r = mock.faults.add(input);
            return r.ok ? [r.value] : [];
          });
          if (f.for_ms !== undefined) timers.push(setTimeout(() => ids.forEach((id) => mock.faults.remove(id)), f.for_ms));
        }, f.at_ms),
      );
      applied.push({ at_ms: f.at_ms, ...(f.for_ms !== undefined ? { for_ms: f.for_ms } : {}), what: `${typeof f.duo === 'string' ? f.duo : describe(f.duo)}${f.users ? ` for ${f.users.join(', ')}` : ''}` });
    }

    const clientFor = (d: DeviceSettings, to: Destination) => {
      const c = createRadiusClient({ secret: to.secret, bindAddress4: d.sourceIp, sockets: 1, requireMessageAuthenticator: 'auto' });
      clients.push(c);
      return c;
    };

    const loginLane = async (): Promise<LoginReport[]> => {
      const out: LoginReport[] = [];
      for (const [i, l] of s.logins.entries()) {
        const d = loginDevices[i]!;
        const to = env.destination(d, l.server);
        const send = createSender({ client: clientFor(d, to), target: to, timeoutMs: d.timeoutMs, retransmit: d.retransmit, messageAuthenticator: d.messageAuthenticator });
        const r = await runDeviceLogin(d, { user: l.user, password: l.password, answers: l.answers, thinkMs: () => l.think_ms }, send);
        const problems = checkLogin(l.expect, r);
        if (problems.length === 0) passed++;
        else failed++;
        out.push({ ...r, name: l.name ?? `${l.user} #${i + 1}`, user: l.user, device: d.name, server: to.server, expected: describe(l.expect), passed: problems.length === 0, problems });
        tick();
      }
      return out;
    };

    const loadLane = async (l: ScenarioLoad, i: number): Promise<LoadPopulationReport> => {
      if (l.start_ms > 0) await new Promise((r) => setTimeout(r, l.start_ms));
      const d = loadDevices[i]!;
      const to = env.destination(d, l.server);
      const outcomes: Record<Outcome, number> = { accept: 0, reject: 0, challenge_unanswered: 0, no_answer: 0 };
      const think = thinkOf(l.think_ms);
      const r = await runLoad({
        target: to,
        secret: to.secret,
        bindAddress: d.sourceIp,
        timeoutMs: d.timeoutMs,
        retransmit: d.retransmit,
        messageAuthenticator: d.messageAuthenticator,
        ...(l.rate_per_s !== undefined ? { ratePerS: l.rate_per_s, durationS: l.duration_s! } : { concurrency: l.concurrency!, count: l.count! }),
        login: async (n, send) => {
          const res = await runDeviceLogin(d, { user: l.users[n % l.users.length]!, password: l.password, answers: l.answers, thinkMs: think }, send);
          outcomes[res.outcome]++;
          tick();
          return res.code;
        },
      });
      const figures = { sent: r.sent, outcomes, p99: r.p99 };
      const problems = checkLoad(l.expect, figures);
      if (problems.length === 0) passed++;
      else failed++;
      return {
        name: l.name ?? `load #${i + 1}`,
        device: d.name,
        server: to.server,
        model: l.rate_per_s !== undefined ? `open ${l.rate_per_s}/s for ${l.duration_s} s` : `closed c=${l.concurrency} n=${l.count}`,
        sent: r.sent,
        answered: r.answered,
        perSecond: r.perSecond,
        p50: r.p50,
        p99: r.p99,
        outcomes,
        retransmissions: r.retransmissions,
        expected: describe(l.expect),
        passed: problems.length === 0,
        problems,
      };
    };

    const [logins, ...load] = await Promise.all([loginLane(), ...s.load.map(loadLane)]);
    for (const t of timers) clearTimeout(t);
    return { scenario: s.name ?? read.file, passed, failed, logins, load, faults: applied, notes: env.notes };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await env.stop();
  }
}
