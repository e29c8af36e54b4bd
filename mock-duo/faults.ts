// Fault injection: per path, method, user or integration, from the fixture or set at run time.
// Kinds: added latency, an HTTP status with a non-JSON body, 429 with Retry-After, connection reset,
// no answer at all, malformed JSON, clock skew, and a whole outage.
import { type FaultInput, type FaultSpec, faultSchema, type ParseResult, validate } from './fixture.ts';

export interface ActiveFault extends FaultSpec {
  id: string;
  /** Matching requests still to affect (undefined: no limit). */
  remaining?: number;
  /** How many requests it has affected. */
  hits: number;
}

export interface FaultTarget {
  path: string;
  method: string;
  user?: string;
  ikey?: string;
}

/** What the matching faults add up to for one request. */
export interface FaultEffect {
  ids: string[];
  latencyMs: number;
  skewMs: number;
  /** The first terminal effect, if any. */
  terminal?:
    | { kind: 'reset' }
    | { kind: 'hang' }
    | { kind: 'malformed_json' }
    | { kind: 'http'; status: number; body?: string; contentType?: string; retryAfter?: number | string };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** `path` compiled once per fault, not per request. */
const compiledPaths = new WeakMap<FaultSpec, RegExp>();

function pathPattern(f: FaultSpec): RegExp | undefined {
  if (f.match.path === undefined) return undefined;
  let re = compiledPaths.get(f);
  if (re === undefined) compiledPaths.set(f, (re = globToRegExp(f.match.path)));
  return re;
}

export function faultMatches(f: FaultSpec, t: FaultTarget): boolean {
  const m = f.match;
  const path = pathPattern(f);
  if (path !== undefined && !path.test(t.path)) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== t.method.toUpperCase()) return false;
  if (m.user !== undefined && m.user !== t.user) return false;
  if (m.ikey !== undefined && m.ikey !== t.ikey) return false;
  return true;
}

/** What no fault adds up to (shared: callers only read it). */
export const NO_FAULT: FaultEffect = Object.freeze({ ids: Object.freeze([]) as unknown as string[], latencyMs: 0, skewMs: 0 });

export class FaultStore {
  #faults: ActiveFault[] = [];
  #seq = 0;

  constructor(initial: readonly FaultSpec[] = []) {
    this.set(initial);
  }

  /** Add a fault (validated); returns its id, or the validation errors. */
  add(input: FaultInput): ParseResult<string> {
    const r = validate(faultSchema, input, 'fault');
    if (!r.ok) return r;
    const fault = this.#activate(r.value);
    this.#faults.push(fault);
    return { ok: true, value: fault.id };
  }

  /** Replace every fault. */
  set(faults: readonly FaultSpec[]): void {
    this.#faults = faults.map((f) => this.#activate(f));
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length !== before;
  }

  clear(): void {
    this.#faults = [];
  }

  /** No fault at all (the common case: skip building a target to match). */
  get isEmpty(): boolean {
    return this.#faults.length === 0;
  }

  list(): ActiveFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /** The combined effect of the faults matching this request; consumes their `times`. */
  apply(target: FaultTarget): FaultEffect {
    if (this.#faults.length === 0) return NO_FAULT;
    const effect: FaultEffect = { ids: [], latencyMs: 0, skewMs: 0 };
    for (const f of this.#faults) {
      if ((f.remaining !== undefined && f.remaining <= 0) || !faultMatches(f, target)) continue;
      if (f.remaining !== undefined) f.remaining -= 1;
      f.hits += 1;
      effect.ids.push(f.id);
      effect.latencyMs += f.latency_ms ?? 0;
      effect.skewMs += (f.skew_s ?? 0) * 1000;
      if (effect.terminal) continue;
      if (f.reset || f.outage) effect.terminal = { kind: 'reset' };
      else if (f.hang) effect.terminal = { kind: 'hang' };
      else if (f.malformed_json) effect.terminal = { kind: 'malformed_json' };
      else if (f.http_status !== undefined || f.retry_after !== undefined)
        effect.terminal = {
          kind: 'http',
          status: f.http_status ?? 429,
          ...(f.body !== undefined ? { body: f.body } : {}),
          ...(f.content_type !== undefined ? { contentType: f.content_type } : {}),
          ...(f.retry_after !== undefined ? { retryAfter: f.retry_after } : {}),
        };
    }
    return effect;
  }

  #activate(f: FaultSpec): ActiveFault {
    this.#seq += 1;
    return { ...f, id: f.id ?? `fault-${this.#seq}`, hits: 0, ...(f.times !== undefined ? { remaining: f.times } : {}) };
  }
}
