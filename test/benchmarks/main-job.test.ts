import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { MAGIC, decodeSplits, encodeSplits } from '../../benchmarks/main-job/export-data';
import { FULL_JOB, jobConfig, recordedSpace, resolvedConfig } from '../../benchmarks/main-job/job';
import { mainJobOptions } from '../../benchmarks/main-job/main-job';
import { pythonJob, shares } from '../../benchmarks/main-job/run-theirs';
import {
  commonThreshold,
  summarizeRun,
  timeToThreshold,
  variantRatios,
  type RunRecord,
  type TrialRecord,
} from '../../benchmarks/main-job/summary';

describe('main-job data export', () => {
  const data = syntheticCifar({ nTrain: 6, nVal: 4, classes: 3, imageSize: 8, seed: 3 });

  it("holds the generator's own bytes after the header, part by part", () => {
    const bytes = encodeSplits(data);
    expect(bytes.subarray(0, 8).toString('ascii')).toBe(MAGIC);
    const at = 12 + bytes.readUInt32LE(8);
    const expected = Buffer.concat(
      [data.train.x, data.train.y, data.val.x, data.val.y].map((a) =>
        Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      ),
    );
    expect(bytes.subarray(at).equals(expected)).toBe(true);
  });

  it('reads back to the same arrays, shapes and class counts', () => {
    const back = decodeSplits(encodeSplits(data));
    for (const name of ['train', 'val'] as const) {
      expect(back[name]?.xShape).toEqual(data[name].xShape);
      expect(back[name]?.numClasses).toBe(3);
      expect(Array.from(back[name]?.x ?? [])).toEqual(Array.from(data[name].x));
      expect(Array.from(back[name]?.y ?? [])).toEqual(Array.from(data[name].y));
    }
  });

  it('refuses a file of another kind', () => {
    expect(() => decodeSplits(Buffer.from('not a data file'))).toThrow(/TFTDATA1/);
  });
});

describe('main-job space and job', () => {
  it("records the config's parameters in place of the model's and the model's own elsewhere", () => {
    const space = recordedSpace(resolvedConfig(jobConfig('default', FULL_JOB, 42)));
    const byName = Object.fromEntries(space.map((e) => [e.name, e]));
    expect(byName['learning_rate']).toEqual({
      name: 'learning_rate',
      kind: 'float',
      low: 0.0005,
      high: 0.01,
      log: true,
    });
    expect(byName['filters']).toEqual({ name: 'filters', kind: 'categorical', choices: [8, 16] });
    expect(byName['batch_norm']).toEqual({ name: 'batch_norm', kind: 'categorical', choices: [false] });
    expect(byName['kernel_size']).toEqual({ name: 'kernel_size', kind: 'categorical', choices: [3, 5] });
    expect(byName['dense_units']).toEqual({ name: 'dense_units', kind: 'int', low: 16, high: 128, log: true });
    const bn = Object.fromEntries(
      recordedSpace(resolvedConfig(jobConfig('batch-norm', FULL_JOB, 42))).map((e) => [e.name, e]),
    );
    expect(bn['batch_norm']).toEqual({ name: 'batch_norm', kind: 'categorical', choices: [true] });
    expect(bn['num_blocks']).toEqual({ name: 'num_blocks', kind: 'categorical', choices: [3] });
  });

  it('gives the Python side the same size, seed, method and pruner as ours', () => {
    const config = resolvedConfig(jobConfig('default', FULL_JOB, 7));
    expect(config.method).toBe('tpe');
    expect(config.pruner.type).toBe('median');
    const job = pythonJob(config, []);
    expect(job).toMatchObject({ seed: 7, epochs: 6, pruner: { n_startup_trials: 3, n_warmup_steps: 1 } });
    expect(config.trials).toBe(16);
  });

  it('splits the trials over processes with the whole count kept', () => {
    expect(shares(16, 2)).toEqual([8, 8]);
    expect(shares(5, 2)).toEqual([3, 2]);
    expect(shares(4, 1)).toEqual([4]);
  });

  it('names the variable and what it allows for a bad knob', () => {
    const log = (): void => undefined;
    expect(mainJobOptions({}, log)).toMatchObject({ quick: false, seeds: [42], workers: [1, 2] });
    expect(mainJobOptions({ MAIN_JOB_QUICK: '1', MAIN_JOB_SEEDS: '1,2' }, log)).toMatchObject({
      quick: true,
      seeds: [1, 2],
    });
    expect(() => mainJobOptions({ MAIN_JOB_SEEDS: 'x' }, log)).toThrow(/MAIN_JOB_SEEDS: got "x"/);
    expect(() => mainJobOptions({ MAIN_JOB_VARIANTS: 'bn' }, log)).toThrow(/expected some of default, batch-norm/);
    expect(() => mainJobOptions({ MAIN_JOB_QUICK: 'yes' }, log)).toThrow(/expected 0 or 1/);
  });
});

function trial(
  number: number,
  state: string,
  value: number | null,
  start: number,
  end: number,
  epochs: number[],
): TrialRecord {
  return { number, state, value, start, end, epochSeconds: epochs };
}

function run(side: 'ours' | 'theirs', workers: number, wallSeconds: number, trials: readonly TrialRecord[]): RunRecord {
  return { side, variant: 'default', workers, seed: 1, wallSeconds, trials };
}

describe('main-job summary', () => {
  const ours1 = run('ours', 1, 100, [
    trial(0, 'COMPLETE', 0.5, 4, 40, [10, 10, 10]),
    trial(1, 'PRUNED', null, 40, 60, [10, 10]),
    trial(2, 'COMPLETE', 0.7, 60, 98, [12, 12, 12]),
  ]);
  const theirs1 = run('theirs', 1, 40, [
    trial(0, 'COMPLETE', 0.6, 2, 12, [3, 3, 3]),
    trial(1, 'COMPLETE', 0.55, 12, 22, [3, 3, 3]),
  ]);

  it('counts epochs and states, averages the epoch time and takes the best completed value', () => {
    const s = summarizeRun(ours1);
    expect(s).toMatchObject({ trials: 3, completed: 2, pruned: 1, epochs: 8, best: 0.7, launchToFirstTrial: 4 });
    expect(s.msPerEpoch).toBeCloseTo((1000 * 86) / 8, 9);
    expect(summarizeRun(run('ours', 1, 5, [])).msPerEpoch).toBeNaN();
  });

  it('sets the threshold every run reaches and times each run to it', () => {
    expect(commonThreshold([ours1, theirs1])).toBe(0.6);
    expect(timeToThreshold(ours1, 0.6)).toBe(98);
    expect(timeToThreshold(theirs1, 0.6)).toBe(12);
    expect(timeToThreshold(theirs1, 0.9)).toBeNull();
    expect(commonThreshold([ours1, run('theirs', 1, 1, [trial(0, 'PRUNED', null, 0, 1, [1])])])).toBeNull();
  });

  it('divides the medians and leaves out the ratios a side did not run for', () => {
    const ours2 = run('ours', 2, 60, ours1.trials);
    const theirs2 = run('theirs', 2, 20, theirs1.trials);
    const r = variantRatios([ours1, theirs1, ours2, theirs2], 'default');
    expect(r['default: wall ours ÷ theirs, 2 workers (goal ≤ 1.5)']).toBeCloseTo(3, 12);
    expect(r['default: ours 1 ÷ 2 workers wall (goal ≥ 1.85)']).toBeCloseTo(100 / 60, 12);
    expect(r['default: theirs 1 ÷ 2 workers wall']).toBeCloseTo(2, 12);
    expect(r['default: per epoch ours ÷ PyTorch, 1 worker (goal ≤ 1.5)']).toBeCloseTo(86 / 8 / 3, 12);
    expect(r['default: launch to first trial ours ÷ theirs, 1 worker']).toBeCloseTo(2, 12);
    expect(Object.keys(variantRatios([ours1, ours2], 'default'))).toEqual([
      'default: ours 1 ÷ 2 workers wall (goal ≥ 1.85)',
    ]);
  });
});
