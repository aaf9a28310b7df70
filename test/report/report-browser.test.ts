import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

import { main } from '../../src/cli/main';
import { write } from '../../src/report/report';
import { SqliteStorage } from '../../src/storage/sqlite';
import { launchChromium, watch, type PageLog } from './browser';
import { pbtLineageData } from '../../src/report/data/pbt-lineage';
import { runSmallPBT } from '../schedulers/fixtures/small-pbt-run';
import { HOSTILE_NAME, hyperbandStudy, twoObjectiveStudy } from './studies';

// The report of real studies opened in headless Chromium: panels drawn, no console errors, no
// network, a working table, and markup in user strings shown as text. One browser for the file.
const OUT = join(__dirname, '..', '..', 'test-output', 'report-browser');
let dir: string;
let browser: Browser;
let singlePath: string;
let multiPath: string;
let pbtPath: string;
let pbtCopies: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
  mkdirSync(OUT, { recursive: true });
  const db = join(dir, 'studies.db');
  const storage = new SqliteStorage(db);
  await hyperbandStudy(storage);
  const multi = await twoObjectiveStudy(storage);
  multiPath = join(dir, 'multi.html');
  await write(multi, multiPath);
  await storage.close();
  // A real PBT run (3 members, 4 epochs): its lineage and schedules.
  const { study: pbt } = await runSmallPBT(`sqlite:${join(dir, 'pbt.db')}`, join(dir, 'pbt-checkpoints'));
  pbtCopies = pbtLineageData({ studyName: pbt.studyName, directions: pbt.directions, trials: pbt.trials }).copies
    .length;
  pbtPath = join(dir, 'pbt.html');
  await write(pbt, pbtPath);
  // The single-objective page goes through the CLI, as a user makes it.
  singlePath = join(dir, 'single.html');
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
  expect(await main(['report', HOSTILE_NAME, '--storage', `sqlite:${db}`, '--out', singlePath], io)).toBe(0);
  expect(out.join('')).toMatch(/^wrote .*single\.html \(30 trials, \d+ KiB\)/);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(path: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const log = watch(page);
  await page.goto(pathToFileURL(path).href);
  return { page, log };
}

/**
 * Runs an expression in the page. Browser code is a string: the project compiles without the DOM
 * library, and the callers check the shape of what comes back.
 */
async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

/** Per panel: how many drawn marks (Vega's graphics-symbol elements) its SVG holds. */
function marksPerPanel(page: Page): Promise<Record<string, number>> {
  return inPage(
    page,
    `Object.fromEntries([...document.querySelectorAll('section.panel')].map((s) =>
      [s.getAttribute('data-panel'), s.querySelectorAll('svg [role="graphics-symbol"]').length]))`,
  );
}

/** The sort keys of one column over the visible rows, top to bottom (null: empty cell). */
function columnKeys(page: Page, column: number): Promise<(number | null)[]> {
  return inPage(
    page,
    `[...document.querySelectorAll('#trials tbody tr:not([hidden])')].map((r) => {
      const cell = r.cells[${column}];
      return cell && cell.hasAttribute('data-sort') ? Number(cell.getAttribute('data-sort')) : null;
    })`,
  );
}

function texts(page: Page, selector: string): Promise<string[]> {
  return inPage(page, `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.textContent)`);
}

test('a single-objective Hyperband study: every panel drawn, no errors, no network, markup shown as text', async () => {
  const { page, log } = await open(singlePath);
  const marks = await marksPerPanel(page);
  expect(Object.keys(marks)).toEqual([
    'history',
    'intermediate',
    'epochs',
    'importance',
    'parallel',
    'slice',
    'contour',
    'edf',
    'timeline',
  ]);
  for (const [panel, n] of Object.entries(marks)) expect([panel, n > 0]).toEqual([panel, true]);
  // Pruned trials are marked in the learning curves, and the Hyperband rungs are drawn.
  expect(
    await page.locator('#intermediate [aria-roledescription="point"][aria-label*="pruned trial"]').count(),
  ).toBeGreaterThan(0);
  expect(
    await page.locator('#intermediate [aria-roledescription="point"][aria-label*="rung: rung 0"]').count(),
  ).toBeGreaterThan(0);

  expect(await page.textContent('#study-name')).toBe(HOSTILE_NAME);
  expect(await page.title()).toBe(`${HOSTILE_NAME} — tfjs-tune report`);
  expect(await inPage(page, 'typeof window.__pwned')).toBe('undefined');
  expect(await page.locator('img').count()).toBe(0); // the categorical '<img …>' stayed text
  expect(await page.locator('#trials td', { hasText: '<img src=x onerror=alert(1)>' }).count()).toBeGreaterThan(0);

  await page.screenshot({ path: join(OUT, 'single-objective.png'), fullPage: true });
  expect(log.errors).toEqual([]);
  expect(log.requests).toEqual([pathToFileURL(singlePath).href]);
  await page.close();
});

test('the trial table sorts by a column both ways and filters by state and text', async () => {
  const { page, log } = await open(singlePath);
  const header = await texts(page, '#trials thead th');
  const valueCol = header.indexOf('value');
  await page.click(`#trials thead th:nth-child(${valueCol + 1})`);
  const asc = await columnKeys(page, valueCol);
  const present = asc.filter((v): v is number => v !== null);
  expect(present.length).toBeGreaterThan(3);
  expect(present).toEqual([...present].sort((a, b) => a - b));
  expect(asc.slice(present.length).every((v) => v === null)).toBe(true); // empty cells last
  await page.click(`#trials thead th:nth-child(${valueCol + 1})`);
  const desc = (await columnKeys(page, valueCol)).filter((v): v is number => v !== null);
  expect(desc).toEqual([...present].reverse());

  await page.selectOption('#state-filter', 'PRUNED');
  const states = await texts(page, '#trials tbody tr:not([hidden]) td:nth-child(2)');
  expect(states.length).toBeGreaterThan(0);
  expect(new Set(states)).toEqual(new Set(['PRUNED']));
  await page.selectOption('#state-filter', '');
  await page.fill('#trial-filter', 'diverged');
  expect(await page.locator('#trials tbody tr:not([hidden])').count()).toBe(1);
  expect(await page.textContent('#trial-count')).toBe('1 of 30 trials');
  expect(log.errors).toEqual([]);
  await page.close();
});

test('a two-objective study: the Pareto front panel and no learning curves', async () => {
  const { page, log } = await open(multiPath);
  const marks = await marksPerPanel(page);
  expect(Object.keys(marks)).toEqual([
    'history',
    'pareto',
    'importance',
    'parallel',
    'slice',
    'contour',
    'edf',
    'timeline',
  ]);
  for (const [panel, n] of Object.entries(marks)) expect([panel, n > 0]).toEqual([panel, true]);
  expect(await page.locator('#pareto [aria-label*="Pareto front"]').count()).toBeGreaterThan(0);
  await page.screenshot({ path: join(OUT, 'two-objective.png'), fullPage: true });
  expect(log.errors).toEqual([]);
  expect(log.requests).toEqual([pathToFileURL(multiPath).href]);
  await page.close();
});

test('a PBT study: lineage over epochs with its copies, and each member’s learning-rate schedule', async () => {
  const { page, log } = await open(pbtPath);
  const marks = await marksPerPanel(page);
  expect(Object.keys(marks)).toEqual(expect.arrayContaining(['history', 'lineage', 'schedules']));
  for (const [panel, n] of Object.entries(marks)) expect([panel, n > 0]).toEqual([panel, true]);
  // One bar per job (3 members x 4 intervals), one dashed link per copy.
  expect(await page.locator('#lineage [aria-label*="epochs"][aria-label*="member"]').count()).toBe(12);
  expect(pbtCopies).toBeGreaterThan(0);
  expect(await page.locator('#lineage [aria-label*="copied member"]').count()).toBe(pbtCopies);
  expect(await page.locator('#schedules [aria-roledescription="line mark"]').count()).toBeGreaterThan(0);
  await page.screenshot({ path: join(OUT, 'pbt.png'), fullPage: true });
  expect(log.errors).toEqual([]);
  expect(log.requests).toEqual([pathToFileURL(pbtPath).href]);
  await page.close();
});
