import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const tabular = (extra: string): string => `
model: mlp
dataset: { name: synthetic-tabular, n: 240, nFeatures: 6, nInformative: 3, classes: 2 }
metric: { name: val_acc, goal: maximize }
method: tpe
parameters:
  num_layers: { value: 1 }
  batch_size: { value: 32 }
seed: 5
${extra}`;

describe('tfjs-tune run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-run-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a config to the end with 2 workers, stores every trial, checkpoints the best, and resumes', async () => {
    const cfg = join(dir, 'tab.yaml');
    writeFileSync(cfg, tabular('trials: 3\nstudy: tab\nepochs: 2'));
    const storage = `sqlite:${join(dir, 'runs.db')}`;
    const first = await cli(['run', cfg, '--storage', storage, '--workers', '2', '--json']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.out) as {
      counts: { total: number };
      best: { number: number; checkpoint: string };
    };
    expect(summary.counts.total).toBe(3);
    expect(existsSync(join(summary.best.checkpoint, 'model.json'))).toBe(true);
    expect(summary.best.checkpoint.startsWith(join(dir, 'tfjs-tune-checkpoints', 'tab'))).toBe(true);

    const again = await cli(['run', cfg, '--storage', storage, '--quiet']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/--resume to add trials to the 3 already/);

    const resumed = await cli(['run', cfg, '--storage', storage, '--resume', '--trials', '2', '--quiet']);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/done: 5 trials in study "tab"/);
    const study = await tune.loadStudy({ studyName: 'tab', storage, logger: tune.logging.silentLogger });
    expect(study.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
    expect(study.direction).toBe('maximize');
  }, 180_000); // three runs, each starting worker threads that load the CLI

  it('refuses a bad config before any work starts', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, tabular('trials: 1\nepochs: 1\nparameters_typo: 1'));
    const r = await cli(['run', cfg, '--storage', `sqlite:${join(dir, 'x.db')}`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/parameters_typo/);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });

  it('Ctrl-C during a run leaves a loadable study: the running trial FAIL, the rest kept', async () => {
    const cfg = join(dir, 'slow.yaml');
    writeFileSync(cfg, tabular('trials: 20\nstudy: slow\nepochs: 400'));
    const storage = `sqlite:${join(dir, 'slow.db')}`;
    const bin = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'bin.js');
    const child = spawn(process.execPath, [bin, 'run', cfg, '--storage', storage, '--workers', '1', '--quiet'], {
      stdio: 'ignore',
    });
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
    // Wait until a trial is running, then interrupt.
    for (let i = 0; i < 400 && exitCode === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(join(dir, 'slow.db'))) continue;
      const s = await tune
        .loadStudy({ studyName: 'slow', storage, logger: tune.logging.silentLogger, heartbeatInterval: 0 })
        .catch(() => null);
      if (s?.trials.some((t) => t.state === 'RUNNING')) break;
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const study = await tune.loadStudy({ studyName: 'slow', storage, logger: tune.logging.silentLogger });
    expect(study.trials.length).toBeGreaterThan(0);
    expect(study.trials.filter((t) => t.state === 'RUNNING')).toHaveLength(0);
    const interrupted = study.trials.filter((t) => t.failReason?.includes('interrupted'));
    expect(interrupted).toHaveLength(1);
  });
});

describe('tfjs-tune run on a CSV file', () => {
  it('tunes a regression table read from CSV, minimising val_loss when the config names no metric', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-csv-'));
    try {
      const rng = new tune.Rng(9);
      const rows = ['a,b,target'];
      for (let i = 0; i < 120; i++) {
        const a = rng.uniform(-1, 1);
        const b = rng.uniform(-1, 1);
        rows.push(`${a},${b},${2 * a - b}`);
      }
      writeFileSync(join(dir, 'table.csv'), `${rows.join('\n')}\n`);
      writeFileSync(
        join(dir, 'reg.yaml'),
        `study: reg\nmodel: mlp\ndataset: { csv: ${join(dir, 'table.csv')}, label: target }\nparameters:\n  num_layers: { value: 1 }\nepochs: 2\ntrials: 2\n`,
      );
      const storage = `sqlite:${join(dir, 'reg.db')}`;
      const r = await cli(['run', join(dir, 'reg.yaml'), '--storage', storage, '--workers', '1', '--json']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const study = await tune.loadStudy({ studyName: 'reg', storage, logger: tune.logging.silentLogger });
      expect(study.direction).toBe('minimize');
      expect(study.getTrials({ states: ['COMPLETE'] })).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
