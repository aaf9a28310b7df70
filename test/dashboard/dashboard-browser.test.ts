import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';

import { startDashboard, type Dashboard } from '../../src/dashboard/server';
import { SqliteStorage } from '../../src/storage/sqlite';
import { launchChromium, watch } from '../report/browser';
import { hyperbandStudy, twoObjectiveStudy } from '../report/studies';

// The live dashboard in headless Chromium: it lists a study, shows its panels, and shows a trial
// another process writes within seconds. One browser for the file.
const OUT = join(__dirname, '..', '..', 'test-output', 'dashboard-browser');
const run = promisify(execFile);
let dir: string;
let db: string;
let storage: SqliteStorage;
let dashboard: Dashboard;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
  mkdirSync(OUT, { recursive: true });
  db = join(dir, 'live.db');
  const writer = new SqliteStorage(db);
  await twoObjectiveStudy(writer, 'live <b>study</b>', 6);
  await hyperbandStudy(writer, 'curves <i>study</i>', 8);
  await writer.close();
  storage = new SqliteStorage(db);
  dashboard = await startDashboard({ storage, pollMs: 200 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('binds to 127.0.0.1, lists the study, and shows a trial another process writes within seconds', async () => {
  expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const log = watch(page);
  await page.goto(`${dashboard.url}/`);
  await page.click('#studies a');
  await page.waitForSelector('#trials');
  expect(await page.textContent('#study-name')).toBe('live <b>study</b>');
  expect(await page.locator('#trials tbody tr').count()).toBe(6);
  expect(await page.locator('section.panel svg [role="graphics-symbol"]').count()).toBeGreaterThan(0);

  const t0 = Date.now();
  await run(process.execPath, [
    '-r',
    require.resolve('../helpers/register-ts.js'),
    require.resolve('./fixtures/add-trial.ts'),
    db,
    'live <b>study</b>',
  ]);
  const written = Date.now();
  // Polled from here: the page's CSP forbids the eval that waitForFunction would need.
  const rows = page.locator('#trials tbody tr');
  while ((await rows.count().catch(() => 0)) !== 7 && Date.now() - written < 10_000) await page.waitForTimeout(100);
  const shownAfterMs = Date.now() - written;
  expect(shownAfterMs).toBeLessThan(5_000);
  expect(await page.locator('#trials td', { hasText: 'another process' }).count()).toBe(1);
  await page.screenshot({ path: join(OUT, 'live-study.png'), fullPage: true });
  expect(log.errors).toEqual([]);
  expect(log.requests.every((u) => u.startsWith(dashboard.url))).toBe(true);
  expect(Date.now() - t0).toBeLessThan(30_000);
  await page.close();
});

test('is read-only unless allowed, and another address needs a token', async () => {
  const refused = await fetch(`${dashboard.url}/api/studies?name=x`, { method: 'DELETE' });
  expect(refused.status).toBe(403);
  await expect(startDashboard({ storage, host: '0.0.0.0' })).rejects.toThrow(/--host: got "0.0.0.0".*needs --token/);
  await expect(startDashboard({ storage, token: 'short' })).rejects.toThrow(/--token.*16 characters/);

  const guarded = await startDashboard({ storage, token: 'a-token-of-20-chars!', allowDelete: true });
  try {
    expect((await fetch(`${guarded.url}/api/studies`)).status).toBe(401);
    const ok = await fetch(`${guarded.url}/api/studies`, { headers: { authorization: 'Bearer a-token-of-20-chars!' } });
    expect(((await ok.json()) as { studyName: string }[]).map((s) => s.studyName).sort()).toEqual([
      'curves <i>study</i>',
      'live <b>study</b>',
    ]);
    const missing = await fetch(`${guarded.url}/api/studies?name=nope&token=a-token-of-20-chars!`, {
      method: 'DELETE',
    });
    expect(missing.status).toBe(404);
  } finally {
    await guarded.close();
  }
});

test('each trial number opens its detail page: its curves, params and attributes, escaped', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const log = watch(page);
  await page.goto(`${dashboard.url}/`);
  await page.click('#studies a:text("curves <i>study</i>")');
  await page.waitForSelector('#trials');
  await page.click('#trials tbody tr:first-child td:first-child a');
  await page.waitForSelector('#trial-detail');
  expect(await page.textContent('#study-name')).toBe('curves <i>study</i> — trial 0');
  // Browser code as strings: the project compiles without the DOM library.
  const panels = (await page.evaluate(
    `[...document.querySelectorAll('section.panel')].map((s) => s.getAttribute('data-panel'))`,
  )) as string[];
  expect(panels).toEqual(['intermediate', 'epochs']);
  for (const id of panels) {
    expect(await page.locator(`#${id} svg [role="graphics-symbol"]`).count()).toBeGreaterThan(0);
  }
  const kinds = (await page.evaluate(
    `[...document.querySelectorAll('#trial-detail tbody tr')].map((r) => r.getAttribute('data-kind'))`,
  )) as string[];
  expect(kinds.filter((k) => k === 'param')).toHaveLength(3); // lr, units, activation
  expect(kinds).toContain('user attribute'); // the epoch log's run info
  expect(await page.locator('i').count()).toBe(0); // the study name's markup stayed text
  await page.screenshot({ path: join(OUT, 'trial-detail.png'), fullPage: true });
  const missing = await page.goto(`${dashboard.url}/trial?name=${encodeURIComponent('curves <i>study</i>')}&number=99`);
  expect(missing?.status()).toBe(404);
  expect(log.requests.every((u) => u.startsWith(dashboard.url))).toBe(true);
  expect(log.errors.filter((e) => !e.includes('404'))).toEqual([]);
  await page.close();
});
