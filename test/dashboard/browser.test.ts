// The dashboard in a real browser (Debian's chromium driven by playwright-core), as a person sees it:
// logins sent with radclient appear in the list, the diagram's states light up, the trace of a denied
// login says why, all of it reachable with the keyboard, readable, and nothing fetched from outside.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { contrastRatio } from './contrast.ts';
import { type DashStack, startDashStack } from './dash-stack.ts';
import { pngStats } from './png.ts';
import { renderDiagramSvg } from '../../dashboard/diagram-svg.ts';

/** How long to wait for what a person would see: met at once on a quiet machine, generous for a loaded
 *  2-core CI runner (chromium, the proxy and the other test files share it). */
const WAIT = 15_000;

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dash: DashStack;
let context: BrowserContext;
let page: Page;
let dir: string;
/** Every URL the page asked for, and those that were not the dashboard's own. */
const requested: string[] = [];
const foreign: string[] = [];

async function screenshot(name: string, on: Page = page): Promise<void> {
  // An SVG document has no scrolling HTML body: a full-page capture never settles, the viewport does.
  const png = await on.screenshot({ fullPage: on === page, timeout: WAIT });
  await writeFile(join(dir, `${name}.png`), png);
  const s = pngStats(png);
  assert.ok(s.width >= 1000 && s.height >= 600, `${name}: ${s.width}x${s.height}`);
  assert.ok(s.distinctBytes > 40, `${name}: the screenshot looks blank (${s.distinctBytes} distinct bytes)`);
}

describe('dashboard in a browser', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authproxy-browser-'));
    dash = await startDashStack();
    // A fresh profile in the test's temp dir (playwright passes it as --user-data-dir).
    context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
    const origin = new URL(dash.url).origin;
    // Anything not from the dashboard itself is refused and remembered: the page must need nothing else.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requested.push(url);
      // The dashboard's own files, and the SVG file the last test writes in this test's temp dir.
      if (url.startsWith(`${origin}/`) || url.startsWith(`file://${dir}/`)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page = await context.newPage();
    await page.goto(dash.url);
    await page.locator('#status.live').waitFor({ timeout: WAIT });
  });

  after(async () => {
    await context?.close();
    await dash?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('dashboard browser – logins from radclient appear in the list and light up the diagram', async () => {
    const [alice, carol] = await Promise.all([dash.login('alice', 'push'), dash.login('carol', 'push')]);
    assert.equal(alice.code, 'Access-Accept');
    assert.equal(carol.code, 'Access-Reject');
    const recent = page.locator('#recent-rows');
    await recent.locator('tr[data-outcome="accept"]', { hasText: 'alice' }).waitFor({ timeout: WAIT });
    await recent.locator('tr[data-outcome="reject"]', { hasText: 'carol' }).waitFor({ timeout: WAIT });
    // The duo_only section's diagram: the states both logins went through are lit, with their counts.
    for (const state of ['processing_preauth', 'processing_auth', 'accepted', 'rejected']) await page.locator(`#diagram g#s_${state}.lit`).waitFor({ timeout: WAIT });
    assert.equal((await page.locator('#diagram g#s_processing_auth text.count').textContent())?.trim(), '2');
    assert.equal(await page.locator('#diagram g#s_processing_primary').count(), 0, 'duo_only has no primary state');
    assert.ok((await page.locator('#diagram g.transition.lit').count()) >= 4);
    // The filter narrows the list to one user.
    await page.fill('input[name=user]', 'carol');
    await page.locator('#recent-rows tr', { hasText: 'alice' }).waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await page.locator('#recent-rows tr').count(), 1);
    await page.click('button[type=reset]');
    await page.locator('#recent-rows tr', { hasText: 'alice' }).waitFor({ timeout: WAIT });
    await screenshot('lists');
    assert.deepEqual(foreign, [], 'no request left the dashboard');
    assert.ok(requested.some((u) => u.endsWith('/api/events')));
  });

  test('dashboard browser – with the keyboard only, the trace of the denied login says why', async () => {
    await page.locator('#recent-rows a', { hasText: 'carol' }).waitFor({ timeout: WAIT });
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate("document.activeElement?.tagName === 'A' && document.activeElement.textContent === 'carol'")) === true;
    }
    assert.ok(reached, 'Tab reaches the link of carol’s login');
    await page.keyboard.press('Enter');
    await page.locator('#trace:not([hidden])').waitFor({ timeout: WAIT });
    // Focus moves to the trace's title once it is loaded (a screen reader reads it first).
    // (Polled with evaluate: waitForFunction would eval a string in the page, which its CSP forbids.)
    let focused = '';
    for (let i = 0; i < WAIT / 50 && focused !== 'trace-title'; i++) {
      focused = String(await page.evaluate('document.activeElement?.id'));
      if (focused !== 'trace-title') await page.waitForTimeout(50);
    }
    assert.equal(focused, 'trace-title', 'focus moves to the trace');
    await page.locator('#trace-reply', { hasText: 'Login request denied.' }).waitFor({ timeout: WAIT });
    // The reason in words, from the login vocabulary (machines/login-reasons.ts), as logs and metrics say it.
    assert.equal((await page.locator('#trace-reason').textContent())?.trim(), 'Rejected: Duo denied the login: push denied by the user (Login request denied.)');
    assert.match((await page.locator('#trace-timeline').textContent()) ?? '', /processing\.auth[\s\S]*rejected/);
    assert.match((await page.locator('#trace-duo').textContent()) ?? '', /preauth.*200.*auth[\s\S]*auth \(push\)200.*deny.*Login request denied\./s);
    await screenshot('trace');
    await page.keyboard.press('Escape');
    await page.locator('#lists:not([hidden])').waitFor({ timeout: WAIT });
    // The section tabs: the arrow keys move between them and show that section's machine.
    await page.locator('[role=tab][aria-selected=true]').focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('[role=tab][aria-selected=true]', { hasText: 'radius_server_challenge' }).waitFor({ timeout: WAIT });
    await page.locator('#diagram g#s_awaiting').waitFor({ timeout: WAIT });
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("aria-selected")'), 'true', 'focus follows the selection');
    await page.keyboard.press('ArrowLeft');
    await page.locator('[role=tab][aria-selected=true]', { hasText: 'radius_server_duo_only' }).waitFor({ timeout: WAIT });
  });

  test('dashboard browser – a failmode decision lights up its branch, and the trace says which failmode and why', async () => {
    const fault = dash.stack.mock.mock.faults.add({ match: { path: '/rest/v1/preauth' }, http_status: 503, body: 'Service Unavailable' } as never);
    assert.ok(fault.ok, 'fault accepted');
    try {
      assert.equal((await dash.login('erin', 'push')).code, 'Access-Reject', 'failmode secure rejects');
    } finally {
      dash.stack.mock.mock.faults.remove(fault.value);
    }
    // The login never rests in preauthFailmode (a decision): it lights up from the edges the engine reported.
    await page.locator('#diagram g#s_processing_preauthFailmode.lit').waitFor({ timeout: WAIT });
    assert.ok((await page.locator('#diagram g.transition.lit path[stroke="#c2410c"]').count()) >= 2, 'the orange failmode edges are lit');
    await page.locator('#recent-rows a', { hasText: 'erin' }).first().click();
    await page.locator('#trace-reason', { hasText: 'failmode' }).waitFor({ timeout: WAIT });
    assert.equal((await page.locator('#trace-reason').textContent())?.trim(), 'Rejected by failmode secure: Duo preauth returned 503');
    assert.match((await page.locator('#trace-timeline').textContent()) ?? '', /processing\.preauthFailmode/);
    await page.keyboard.press('Escape');
    await page.locator('#lists:not([hidden])').waitFor({ timeout: WAIT });
  });

  test('dashboard browser – every kind of text is readable (WCAG AA contrast 4.5:1)', async () => {
    // Runs in the page (a string: this file is compiled without the DOM's types).
    const samples = (await page.evaluate(`(() => {
      const bg = (e) => {
        for (let x = e; x; x = x.parentElement) {
          const c = getComputedStyle(x).backgroundColor;
          if (c && !/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c;
        }
        return 'rgb(255, 255, 255)';
      };
      const pick = ['h1', '#status', 'h2', '.muted', 'th', '#recent-rows td', '#recent-rows a', '.outcome.accept', '.outcome.reject', '.legend', 'label', '[role=tab][aria-selected=true]', '[role=tab][aria-selected=false]'];
      return pick.flatMap((sel) => {
        const e = document.querySelector(sel);
        return e ? [{ sel, fg: getComputedStyle(e).color, bg: bg(e) }] : [];
      });
    })()`)) as { sel: string; fg: string; bg: string }[];
    assert.ok(samples.length >= 10, `found ${samples.length} samples`);
    for (const s of samples) assert.ok(contrastRatio(s.fg, s.bg) >= 4.5, `${s.sel}: ${s.fg} on ${s.bg} is ${contrastRatio(s.fg, s.bg).toFixed(2)}:1`);
  });

  test('dashboard browser – the SVG of `authproxy viz --format svg` is a picture a browser shows', async () => {
    const file = join(dir, 'login-machine.svg');
    await writeFile(file, (await renderDiagramSvg('challenge')).svg);
    const svgPage = await context.newPage();
    try {
      await svgPage.goto(`file://${file}`);
      const texts = await svgPage.locator('svg text').allTextContents();
      for (const label of ['Duo preauth', 'Factor / challenge', 'preauthFailmode', 'awaiting', '[factorPrompt]']) assert.ok(texts.includes(label), label);
      assert.ok(await svgPage.locator('svg text', { hasText: 'preauthFailmode' }).first().isVisible());
      await screenshot('viz-svg', svgPage);
    } finally {
      await svgPage.close();
    }
  });
});
