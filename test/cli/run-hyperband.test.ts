import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/cli/config/schema';
import { slotOf } from '../../src/trial/hyperband-slot';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const base = {
  model: 'mlp',
  dataset: { name: 'synthetic-tabular', n: 240, nFeatures: 6, nInformative: 3, classes: 2 },
  metric: { name: 'val_acc', goal: 'maximize' },
  parameters: { num_layers: { value: 1 }, batch_size: { value: 32 } },
  seed: 3,
};

describe('tfjs-tune run with scheduler hyperband / method bohb', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-hb-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs BOHB across 2 workers: the schedule exactly, promoted trials continuing their parents', async () => {
    const cfg = join(dir, 'bohb.json');
    writeFileSync(cfg, JSON.stringify({ ...base, study: 'hb', method: 'bohb', epochs: 3 }));
    const storage = `sqlite:${join(dir, 'hb.db')}`;
    const run = await cli(['run', cfg, '--storage', storage, '--workers', '2', '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out) as { counts: { total: number; complete: number }; best: { number: number } };
    // maxEpochs 3, factor 3: a bracket of 3 configurations at 1 epoch (the best continues to 3), one of 2 at 3.
    expect(summary.counts).toMatchObject({ total: 6, complete: 6 });

    const study = await tune.loadStudy({ studyName: 'hb', storage, logger: tune.logging.silentLogger });
    const slots = study.trials.map((t) => slotOf(t));
    expect(slots.map((s) => [s?.bracket, s?.round, s?.initialEpoch, s?.epochs])).toEqual([
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [1, 1, 1, 3],
      [0, 0, 0, 3],
      [0, 0, 0, 3],
    ]);
    const [a, b, c, promoted] = study.trials;
    const round0 = [a, b, c] as tune.FrozenTrial[];
    const parent = round0.reduce((best, t) => ((t.value as number) > (best.value as number) ? t : best));
    expect(slots[3]?.parent).toBe(parent.number);
    expect(promoted?.params).toEqual(parent.params);
    // It trained epochs 2 and 3 only: its reports continue the parent's step numbers.
    expect([...(promoted?.intermediateValues.keys() ?? [])]).toEqual([1, 2]);
    // The best is fully trained; partial checkpoints are gone once their bracket ended.
    expect(slotOf(study.trials[summary.best.number] as tune.FrozenTrial)?.epochs).toBe(3);
    // Trial checkpoints only (the folder also holds the run's `.tfjs-tune-study` marker).
    const kept = readdirSync(join(dir, 'tfjs-tune-checkpoints', 'hb'))
      .filter((n) => n.startsWith('trial_'))
      .sort();
    expect(kept).toEqual(['trial_3', 'trial_4', 'trial_5']);
    expect(existsSync(join(dir, 'tfjs-tune-checkpoints', 'hb', 'trial_3', 'model.json'))).toBe(true);

    // The schedule is done: resuming runs nothing more; --trials cannot override the schedule.
    const again = await cli(['run', cfg, '--storage', storage, '--resume', '--quiet']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/done: 6 trials/);
    const trials = await cli(['run', cfg, '--storage', storage, '--resume', '--trials', '2', '--quiet']);
    expect(trials.code).toBe(2);
    expect(trials.err).toMatch(/--trials: got 2; expected left out with scheduler hyperband/);
  }, 180_000);

  it('runs ASHA with promotions on 2 workers: promoted configurations continue, --resume --trials adds more', async () => {
    const cfg = join(dir, 'asha.json');
    const scheduler = { type: 'asha', factor: 3 };
    writeFileSync(cfg, JSON.stringify({ ...base, study: 'asha', epochs: 3, trials: 5, scheduler }));
    const storage = `sqlite:${join(dir, 'asha.db')}`;
    const run = await cli(['run', cfg, '--storage', storage, '--workers', '2', '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const study = await tune.loadStudy({ studyName: 'asha', storage, logger: tune.logging.silentLogger });
    const slots = study.trials.map((t) => slotOf(t));
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(slots.filter((s) => s?.parent === null)).toHaveLength(5);
    const promoted = study.trials.filter((t) => slotOf(t)?.parent !== null);
    expect(promoted.length).toBeGreaterThanOrEqual(1); // 5 results at 1 epoch: the best goes to 3
    for (const t of promoted) {
      const parent = study.trials[slotOf(t)?.parent as number] as tune.FrozenTrial;
      expect(t.params).toEqual(parent.params);
      expect([slotOf(t)?.initialEpoch, slotOf(t)?.epochs]).toEqual([1, 3]);
      expect([...t.intermediateValues.keys()]).toEqual([1, 2]);
      // Its parent's checkpoint was continued, so it is gone; its own (3 epochs) stays.
      expect(existsSync(join(dir, 'tfjs-tune-checkpoints', 'asha', `trial_${parent.number}`))).toBe(false);
      expect(existsSync(join(dir, 'tfjs-tune-checkpoints', 'asha', `trial_${t.number}`, 'model.json'))).toBe(true);
    }
    const summary = JSON.parse(run.out) as { best: { number: number } };
    expect(slotOf(study.trials[summary.best.number] as tune.FrozenTrial)?.epochs).toBe(3);

    const more = await cli([
      'run',
      cfg,
      '--storage',
      storage,
      '--resume',
      '--trials',
      '3',
      '--quiet',
      '--workers',
      '1',
    ]);
    expect(more.code).toBe(0);
    const after = await tune.loadStudy({ studyName: 'asha', storage, logger: tune.logging.silentLogger });
    expect(after.trials.filter((t) => slotOf(t)?.parent === null)).toHaveLength(8);
  }, 180_000);

  it('refuses configs that mix Hyperband with what it replaces, naming the key', () => {
    const check = (extra: Record<string, unknown>): void =>
      void validateConfig({ ...base, ...extra }, { studyFromFile: 'x' });
    const hyperband = { type: 'hyperband' };
    expect(() => check({ method: 'tpe', scheduler: hyperband })).toThrow(
      /^method: got "tpe"; expected one of random, bohb/,
    );
    expect(() => check({ scheduler: hyperband, pruner: { type: 'median' } })).toThrow(/^pruner: got "median"/);
    expect(() => check({ method: 'bohb', pruner: { type: 'median' } })).toThrow(/^method: got "bohb"/);
    expect(() => check({ scheduler: hyperband, trials: 5 })).toThrow(/^trials: got 5/);
    expect(() => check({ scheduler: hyperband, earlyStopping: true })).toThrow(/^earlyStopping/);
    expect(() => check({ scheduler: { type: 'hyperband', minEpochs: 9 }, epochs: 3 })).toThrow(
      /^scheduler.minEpochs: got 9/,
    );
    expect(() => check({ scheduler: { type: 'hyperband', factr: 3 } })).toThrow(/^scheduler.factr/);
    expect(() => check({ scheduler: { type: 'fifo' } })).toThrow(
      /^scheduler.type: got "fifo"; expected one of hyperband, asha/,
    );
    const asha = { type: 'asha' };
    expect(() => check({ scheduler: asha, method: 'tpe' })).toThrow(/with scheduler asha/);
    expect(() => check({ scheduler: asha, earlyStopping: true })).toThrow(/^earlyStopping/);
    expect(() => check({ scheduler: { ...asha, minEpochs: 5 }, epochs: 3 })).toThrow(/^scheduler.minEpochs: got 5/);
    expect(() => check({ scheduler: { ...asha, iterations: 2 } })).toThrow(/^scheduler.iterations/);
  });

  it('reads scheduler defaults', () => {
    const bohb = validateConfig({ ...base, method: 'bohb', epochs: 9 }, { studyFromFile: 'x' });
    expect(bohb.scheduler).toEqual({ type: 'hyperband', factor: 3, minEpochs: 1, iterations: 1 });
    const hb = validateConfig(
      { ...base, scheduler: { type: 'hyperband', factor: 2, minEpochs: 2, iterations: 2 }, epochs: 8 },
      { studyFromFile: 'x' },
    );
    expect([hb.method, hb.scheduler]).toEqual([
      'random',
      { type: 'hyperband', factor: 2, minEpochs: 2, iterations: 2 },
    ]);
    const asha = validateConfig(
      { ...base, epochs: 9, trials: 20, scheduler: { type: 'asha', minEpochs: 3 } },
      { studyFromFile: 'x' },
    );
    expect([asha.scheduler, asha.pruner.type, asha.trials]).toEqual([
      { type: 'asha', factor: 3, minEpochs: 3, iterations: 1 },
      'none',
      20,
    ]);
  });
});

describe('old spellings of a scheduler or pruner', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-old-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const refusal = (extra: Record<string, unknown>): string => {
    try {
      validateConfig({ ...base, ...extra }, { studyFromFile: 'x' });
    } catch (e) {
      expect(e).toBeInstanceOf(tune.errors.InvalidArgumentError);
      return (e as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(extra)}`);
  };
  const ashaPointer =
    /scheduler: \{ type: asha \} \(promotions, ASHA as in the paper\) or pruner: \{ type: successive-halving \} \(Optuna's stop-only variant\)/;

  it('are refused before any work, each naming the spelling that replaced it', () => {
    expect(refusal({ pruner: 'asha' })).toMatch(ashaPointer);
    expect(refusal({ pruner: { type: 'asha', minResource: 1 } })).toMatch(ashaPointer);
    expect(refusal({ pruner: { type: 'asha' } })).toMatch(/^pruner\.type: got "asha"/);
    expect(refusal({ scheduler: 'asha' })).toMatch(/^scheduler: got "asha"; expected scheduler: \{ type: asha \}/);
    expect(refusal({ scheduler: 'hyperband' })).toMatch(/expected scheduler: \{ type: hyperband \}/);
    expect(refusal({ scheduler: { type: 'asha', mode: 'promotion' } })).toMatch(
      /^scheduler\.mode: got "promotion"; expected left out: it is gone\. scheduler: \{ type: asha \} is ASHA with promotions; .*pruner: \{ type: successive-halving \}/,
    );
    expect(refusal({ scheduler: { type: 'asha', mode: 'stopping' } })).toMatch(/^scheduler\.mode: got "stopping"/);
    expect(refusal({ scheduler: { type: 'asha', reductionFactor: 3 } })).toMatch(
      /^scheduler\.reductionFactor: got 3; expected scheduler\.factor/,
    );
    expect(refusal({ scheduler: { type: 'asha', minResource: 1 } })).toMatch(/expected scheduler\.minEpochs/);
    expect(refusal({ scheduler: 'none' })).toMatch(/^scheduler: got "none"; expected left out/);
    expect(refusal({ pruner: 'median' })).toMatch(/^pruner: got "median"; expected pruner: \{ type: median \}/);
    expect(refusal({ pruner: 'none' })).toMatch(/expected left out \(no pruner\), or pruner: \{ type: nop \}/);
  });

  it('are refused by `tfjs-tune run` before any training, exit code 2', async () => {
    const cfg = join(dir, 'old.json');
    writeFileSync(cfg, JSON.stringify({ ...base, study: 'old', epochs: 3, pruner: 'asha' }));
    const run = await cli(['run', cfg, '--storage', `sqlite:${join(dir, 'old.db')}`, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(ashaPointer);
    expect(existsSync(join(dir, 'old.db'))).toBe(false);
  });
});
