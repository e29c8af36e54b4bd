// The query string of GET /api/logins, checked: a mistake is a 400 that says what is accepted.
import type { LoginQuery } from './trace-store.ts';
import { OUTCOMES, type Outcome } from './trace-types.ts';

export const MAX_LIMIT = 1000;
const KEYS = ['user', 'clientIp', 'server', 'outcome', 'limit'] as const;

export type ParsedQuery = { ok: true; query: LoginQuery } | { ok: false; error: string };

export function parseLoginQuery(params: URLSearchParams): ParsedQuery {
  const query: LoginQuery = {};
  for (const key of new Set(params.keys())) {
    if (!(KEYS as readonly string[]).includes(key)) return { ok: false, error: `unknown parameter ${JSON.stringify(key)}; use ${KEYS.join(', ')}` };
    if (params.getAll(key).length > 1) return { ok: false, error: `parameter ${key} given more than once` };
  }
  for (const key of ['user', 'clientIp', 'server'] as const) {
    const v = params.get(key);
    // An empty filter is no filter: the page's empty search boxes send `user=`.
    if (v !== null && v !== '') query[key] = v;
  }
  const outcome = params.get('outcome');
  if (outcome !== null && outcome !== '') {
    if (!(OUTCOMES as readonly string[]).includes(outcome)) return { ok: false, error: `outcome must be one of ${OUTCOMES.join(', ')}` };
    query.outcome = outcome as Outcome;
  }
  const limit = params.get('limit');
  if (limit !== null && limit !== '') {
    if (!/^\d{1,7}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) return { ok: false, error: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
    query.limit = Number(limit);
  }
  return { ok: true, query };
}
