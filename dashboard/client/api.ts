// The page's calls to the dashboard API (same origin: the session cookie goes along).
import type { LoginSummary, LoginTrace } from '../trace-types.ts';

export interface ServerInfo {
  name: string;
  mode: string;
  port: number;
}
export interface DiagramInfo {
  svg: string;
  states: Record<string, string>;
  edges: Record<string, string>;
}
export interface Counts {
  states: Record<string, number>;
  edges: Record<string, number>;
}
export interface Update {
  logins: LoginSummary[];
  counts: Record<string, Counts>;
  at: string;
}
export type { LoginSummary, LoginTrace };

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (res.status === 401) {
    location.href = '/login';
    throw new Error('signed out');
  }
  if (!res.ok) throw new Error(`${path}: ${res.status} ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? ''}`);
  return (await res.json()) as T;
}

export const api = {
  servers: () => get<ServerInfo[]>('/api/servers'),
  diagram: (server: string) => get<DiagramInfo>(`/api/diagram/${encodeURIComponent(server)}`),
  logins: (filters: Record<string, string>) => get<LoginSummary[]>(`/api/logins?${new URLSearchParams({ ...filters, limit: '200' }).toString()}`),
  trace: (loginId: string) => get<LoginTrace>(`/api/logins/${encodeURIComponent(loginId)}`),
};
