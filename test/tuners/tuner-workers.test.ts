import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import * as tune from '../../src';
import { jobRecordOf } from '../../src/schedulers/pbt/job-record';
import { tinyModel } from './fixtures';

const run = promisify(execFile);
const SCRIPT = require.resolve('./worker-scripts/tuner-on-workers.ts');
const REGISTER = require.resolve('../helpers/register-ts.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-tuner-workers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the user script for `kind`; returns the chief's output, the threads that built models, and the study's trials. */
async function runScript(kind: string) {
  const db = join(dir, `${kind}.db`);
  const log = join(dir, `${kind}.log`);
  const { stdout } = await run(process.execPath, ['-r', REGISTER, SCRIPT, kind, db, log], { timeout: 120_000 });
  const builders = readFileSync(log, 'utf8').trim().split('\n').map(Number);
  const study = await tune.loadStudy({ studyName: kind, storage: `sqlite:${db}`, logger: tune.logging.silentLogger });
  const trials = study.trials;
  await study.storage.close();
  return { out: JSON.parse(stdout.trim().split('\n').pop() as string), builders, trials };
}

describe('a tuner with workers: 2 (the script runs again in each worker thread, KerasTuner-style)', () => {
  it('RandomSearch: two worker threads train the trials, the chief none; the budget is exact', async () => {
    const { out, builders, trials } = await runScript('random');
    expect(out.thread).toBe(0);
    // Which worker takes which trial is timing; that none is the chief's is not.
    expect(builders).not.toContain(0);
    expect(trials).toHaveLength(6);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(out.best.units).toBeDefined();
  }, 150_000);

  it('ASHA: the chief runs the scheduler, the workers its jobs, promotions included', async () => {
    const { builders, trials } = await runScript('asha');
    expect(builders).not.toContain(0);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    // Promotions continue a checkpoint: more trials than configurations built.
    expect(trials.length).toBeGreaterThan(builders.length);
  }, 150_000);

  it('PopulationBasedTraining: members train on the worker threads, exploits across architectures included', async () => {
    const { builders, trials } = await runScript('pbt');
    // The chief builds models only to read the search space (dry runs, never trained).
    expect(new Set(builders.filter((t) => t !== 0)).size).toBeGreaterThan(0);
    // Each member reaches the budget (3 epochs, one a trial), never going back; asynchronously on two
    // threads a member may copy a donor that is ahead and skip the epochs between (as Ray's restore).
    for (let member = 0; member < 4; member++) {
      const own = trials.map((t) => jobRecordOf(t)!).filter((r) => r.member === member);
      expect(own.at(-1)?.toEpoch).toBe(3);
      own.slice(1).forEach((r, i) => expect(r.fromEpoch).toBeGreaterThanOrEqual(own[i]!.toEpoch));
    }
    expect(trials.length).toBeLessThanOrEqual(12);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(trials.some((t) => jobRecordOf(t)?.exploit !== undefined)).toBe(true);
  }, 150_000);

  it('refuses workers > 1 without a shared sqlite storage, and a bad count, naming the field', () => {
    const build = tinyModel(4, 8, 4);
    expect(() => new tune.tuners.RandomSearch(build, { objective: 'val_acc', workers: 2 })).toThrow(
      /storage.*sqlite: URL/s,
    );
    expect(() => new tune.tuners.RandomSearch(build, { objective: 'val_acc', workers: 0 })).toThrow(/workers/);
    expect(
      () => new tune.tuners.Hyperband(build, { objective: 'val_acc', maxEpochs: 3, workers: 2, storage: 'memory' }),
    ).toThrow(/storage/);
  });
});
