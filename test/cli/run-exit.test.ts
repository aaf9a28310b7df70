import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/cli/config/schema';
import { HEARTBEAT_GRACE_SECONDS, failureReasons, summarize } from '../../src/cli/run/run-summary';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const quiet = { logger: tune.logging.silentLogger };
const runConfig = validateConfig(
  { model: 'mlp', dataset: 'synthetic-tabular', metric: { name: 'val_acc', goal: 'maximize' } },
  { studyFromFile: 's' },
);
const where = { checkpointDir: '/tmp/ck', file: 's.yaml', interrupted: false };

describe('tfjs-tune run tells the truth at the end', () => {
  it('exits 1 when no trial completed, counting the most common failure reasons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-exit-'));
    try {
      // A learning rate of 1e30 drives the weights to infinity, then NaN: each trial fails the same way.
      writeFileSync(
        join(dir, 'nan.yaml'),
        [
          'study: nan',
          'model: mlp',
          'dataset: { name: synthetic-tabular, n: 60, nFeatures: 4, nInformative: 2, classes: 2 }',
          'metric: { name: val_loss, goal: minimize }',
          'parameters:',
          '  num_layers: { value: 1 }',
          '  optimizer: { value: sgd }',
          '  learning_rate: { value: 1.0e+30 }',
          '  l2: { value: 0.01 }', // the penalty's gradient overflows float32 by the second step
          '  batch_size: { value: 16 }',
          '  activation: { value: tanh }', // relu units would die instead, leaving a finite loss
          '  batch_norm: { value: false }',
          '  dropout: { value: 0 }',
          'epochs: 1',
          'trials: 2',
        ].join('\n'),
      );
      const storage = `sqlite:${join(dir, 'nan.db')}`;
      const r = await cli(['run', join(dir, 'nan.yaml'), '--storage', storage, '--workers', '1']);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/0 of this run's 2 completed/);
      expect(r.out).toMatch(/most common failure reasons:\n {2}2× InvalidArgumentError: monitor: got "val_loss"/);
      expect(r.err.match(/^backend: /gm)).toHaveLength(1);
      const json = await cli([
        'run',
        join(dir, 'nan.yaml'),
        '--storage',
        storage,
        '--resume',
        '--json',
        '--trials',
        '1',
        '--workers',
        '1',
      ]);
      expect(json.code).toBe(1);
      const parsed = JSON.parse(json.out) as { failures: { count: number }[]; best: null };
      expect(parsed.failures[0]?.count).toBe(1); // this run's failures
      expect(parsed.best).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('on a resumed study reports the study-wide best, and counts trials left RUNNING with the grace period', async () => {
    const study = await tune.createStudy({ direction: 'maximize', ...quiet });
    await study.optimize((t) => (t.number === 0 ? 0.9 : 0.1 * t.number), { nTrials: 3 });
    await study.ask(); // trial 3: a process that died mid-trial leaves it RUNNING
    await study.optimize(
      () => {
        throw new Error('out of memory');
      },
      { nTrials: 1 },
    );
    await study.optimize((t) => 0.05 * t.number, { nTrials: 1 });
    const s = summarize(study, runConfig, { ...where, firstTrial: 3 });
    expect(s.exitCode).toBe(0);
    expect(s.text).toMatch(
      /6 trials in study "s" \(4 complete, 0 pruned, 1 failed, 1 still running\); 1 of this run's 3 completed/,
    );
    expect(s.text).toContain(`no heartbeat for ${HEARTBEAT_GRACE_SECONDS} s`);
    expect(s.text).toMatch(/best trial of the study: #0, val_acc = 0\.9/);
    expect(s.json['counts']).toMatchObject({ running: 1, thisRun: 3, completeThisRun: 1 });
    expect(s.text).toMatch(/1× Error: out of memory|1× out of memory/);
  });

  it('exits 1 for a run with no trial at all in a study with none complete, 130 when interrupted', async () => {
    const study = await tune.createStudy({ direction: 'maximize', ...quiet });
    expect(summarize(study, runConfig, { ...where, firstTrial: 0 }).exitCode).toBe(1);
    expect(summarize(study, runConfig, { ...where, interrupted: true, firstTrial: 0 }).exitCode).toBe(130);
  });

  it('ranks failure reasons by count, first line only', () => {
    const fail = (reason: string): tune.FrozenTrial =>
      ({ state: 'FAIL', failReason: reason }) as unknown as tune.FrozenTrial;
    const reasons = failureReasons([fail('b'), fail('a\nstack'), fail('a'), fail('c'), fail('d'), fail('a')]);
    expect(reasons).toEqual([
      { reason: 'a', count: 3 },
      { reason: 'b', count: 1 },
      { reason: 'c', count: 1 },
    ]);
  });
});
