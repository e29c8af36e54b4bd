// The dashboard page: loads the sections, their diagrams and the lists, then follows /api/events.
// Updates are merged into memory and drawn at most once per animation frame, so a burst of logins
// costs one redraw. Views: the lists (#) and the trace of one login (#/login/<id>).
import { isOpen } from '../trace-types.ts';
import { api, type LoginSummary, type ServerInfo, type Update } from './api.ts';
import { DiagramView } from './diagram.ts';
import { byId, el } from './dom.ts';
import { type Filters, matches, renderInFlight, renderRecent } from './lists.ts';
import { renderTrace } from './trace.ts';

const logins = new Map<string, LoginSummary>();
let counts: Update['counts'] = {};
let servers: ServerInfo[] = [];
let selected = '';
let filters: Filters = { user: '', clientIp: '', server: '', outcome: '' };
const diagram = new DiagramView(byId('diagram'));
let drawPending = false;

function status(text: string, cls: 'live' | 'down' | ''): void {
  const s = byId('status');
  s.textContent = text;
  s.className = cls;
}

function draw(): void {
  drawPending = false;
  const all = [...logins.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const inFlight = all.filter((l) => isOpen(l.outcome));
  renderInFlight(byId('inflight-rows'), inFlight, Date.now());
  byId('inflight-count').textContent = `(${inFlight.length})`;
  renderRecent(byId('recent-rows'), all.filter((l) => matches(l, filters)).slice(0, 100));
  diagram.light(counts[selected], new Set(inFlight.filter((l) => l.server === selected).map((l) => l.state)));
}

function redraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(draw);
}

async function reloadLogins(): Promise<void> {
  const rows = await api.logins({ ...filters });
  // Keep in-flight logins outside the filter too: the in-flight list and the diagram show every login.
  for (const [id, l] of logins) if (!isOpen(l.outcome)) logins.delete(id);
  for (const l of rows) logins.set(l.loginId, l);
  for (const outcome of ['in-flight', 'challenge']) for (const l of await api.logins({ outcome })) logins.set(l.loginId, l);
  redraw();
}

async function selectServer(name: string): Promise<void> {
  selected = name;
  // Roving tabindex (WAI-ARIA tabs): Tab reaches the selected section, the arrow keys move between them.
  for (const b of byId('tabs').querySelectorAll('button')) {
    b.setAttribute('aria-selected', String(b.dataset.server === name));
    b.tabIndex = b.dataset.server === name ? 0 : -1;
  }
  diagram.show(await api.diagram(name));
  redraw();
}

function buildTabs(): void {
  const tabs = byId('tabs');
  tabs.replaceChildren(
    ...servers.map((s) => {
      const b = el('button', { type: 'button', role: 'tab', 'data-server': s.name, 'aria-selected': 'false', 'aria-controls': 'diagram-panel' }, `${s.name} (${s.mode}, UDP ${s.port})`);
      b.addEventListener('click', () => void selectServer(s.name));
      b.addEventListener('keydown', (e) => {
        const i = servers.indexOf(s);
        const next = e.key === 'ArrowRight' ? servers[(i + 1) % servers.length] : e.key === 'ArrowLeft' ? servers[(i - 1 + servers.length) % servers.length] : undefined;
        if (!next) return;
        e.preventDefault();
        void selectServer(next.name);
        tabs.querySelector<HTMLButtonElement>(`button[data-server="${CSS.escape(next.name)}"]`)?.focus();
      });
      return b;
    }),
  );
  const select = byId('filters').querySelector('select[name=server]')!;
  for (const s of servers) select.append(el('option', {}, s.name));
}

function follow(): void {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    status('live', 'live');
    void reloadLogins();
  });
  events.addEventListener('error', () => status('reconnecting…', 'down'));
  events.addEventListener('hello', (e) => {
    const hello = JSON.parse((e as MessageEvent<string>).data) as { windowS: number };
    byId('window').textContent = `(counts over the last ${hello.windowS >= 120 ? `${Math.round(hello.windowS / 60)} min` : `${hello.windowS} s`})`;
  });
  events.addEventListener('update', (e) => {
    const u = JSON.parse((e as MessageEvent<string>).data) as Update;
    counts = u.counts;
    for (const l of u.logins) logins.set(l.loginId, l);
    // Bounded: finished logins beyond the newest 500 leave the page (the server keeps them).
    if (logins.size > 600) {
      const old = [...logins.values()].filter((l) => !isOpen(l.outcome)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      for (const l of old.slice(0, logins.size - 500)) logins.delete(l.loginId);
    }
    redraw();
  });
  // This page fell behind and missed updates: fetch the lists again.
  events.addEventListener('resync', () => void reloadLogins());
}

async function route(): Promise<void> {
  const m = /^#\/login\/(.+)$/.exec(location.hash);
  const wasTrace = !byId('trace').hidden;
  byId('lists').hidden = Boolean(m);
  byId('trace').hidden = !m;
  if (!m) {
    if (wasTrace) byId('recent').focus();
    return;
  }
  try {
    renderTrace(await api.trace(decodeURIComponent(m[1]!)));
  } catch (err) {
    byId('trace-title').textContent = 'This login is not known (any more).';
    byId('trace-reason').textContent = (err as Error).message;
  }
  byId('trace-title').focus();
}

function wireFilters(): void {
  const form = byId<HTMLFormElement>('filters');
  const read = () => {
    const f = new FormData(form);
    filters = { user: String(f.get('user') ?? '').trim(), clientIp: String(f.get('clientIp') ?? '').trim(), server: String(f.get('server') ?? ''), outcome: String(f.get('outcome') ?? '') };
    void reloadLogins();
  };
  let timer: number | undefined;
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(read, 250);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    read();
  });
  form.addEventListener('reset', () => setTimeout(read, 0));
}

async function start(): Promise<void> {
  wireFilters();
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !byId('trace').hidden) location.hash = '';
  });
  window.addEventListener('hashchange', () => void route());
  // "time in state" keeps counting between updates.
  setInterval(redraw, 1000);
  servers = await api.servers();
  buildTabs();
  if (servers[0]) await selectServer(servers[0].name);
  await reloadLogins();
  follow();
  await route();
}

start().catch((err: unknown) => status(`error: ${(err as Error).message}`, 'down'));
