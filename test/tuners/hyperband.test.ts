import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { readOptimizerState } from '../../src/training/checkpoint/optimizer-state';
import { disposeModel } from '../../src/training/dispose-model';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import { Hyperband } from '../../src/tuners/hyperband';
import { BRACKETS_DONE_KEY, INTERRUPTED_KEY } from '../../src/schedulers/slot-study';
import { rankTrials, slotOf } from '../../src/trial/hyperband-slot';
import { bracketEpochs, hyperbandSchedule, scheduleEpochs } from '../../src/schedulers/hyperband-schedule';
import { tinyModel, useTunerData } from './fixtures';

const buildModel = tinyModel(2, 8, 2);

interface Fit {
  epochs: number[];
  startWeights: number[][];
  endWeights: number[][];
  startOptimizer: number[][];
  endOptimizer: number[][];
}

async function optimizerValues(model: tf.LayersModel): Promise<number[][]> {
  const state = await readOptimizerState(model.optimizer);
  try {
    return state.weights.map((w) => Array.from(w.tensor.dataSync()));
  } finally {
    state.release();
  }
}

/** Records, per fit, the epochs it runs and the weights and optimizer state it starts and ends with. */
class Recorder extends tf.Callback {
  readonly fits: Fit[] = [];
  constructor(private readonly onEnd?: (fits: number) => void) {
    super();
  }
  override async onTrainBegin(): Promise<void> {
    this.fits.push({
      epochs: [],
      startWeights: this.model.getWeights().map((w) => Array.from(w.dataSync())),
      endWeights: [],
      startOptimizer: await optimizerValues(this.model),
      endOptimizer: [],
    });
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    this.fits.at(-1)?.epochs.push(epoch);
  }
  override async onTrainEnd(): Promise<void> {
    const fit = this.fits.at(-1) as Fit;
    fit.endWeights = this.model.getWeights().map((w) => Array.from(w.dataSync()));
    fit.endOptimizer = await optimizerValues(this.model);
    this.onEnd?.(this.fits.length);
  }
}

/** The schedule as a table: one line per bracket, "s: configs@epochs ..." per round. */
const table = (maxEpochs: number, factor: number, minEpochs?: number): string[] =>
  hyperbandSchedule(maxEpochs, factor, minEpochs).map(
    (b) => `${b.s}: ${b.rounds.map((r) => `${r.configs}@${r.epochs}`).join(' ')}`,
  );

describe('Hyperband schedule', () => {
  it('is the paper table for maxEpochs 81, factor 3', () => {
    expect(table(81, 3)).toEqual([
      '4: 81@1 27@3 9@9 3@27 1@81',
      '3: 34@3 11@9 3@27 1@81',
      '2: 15@9 5@27 1@81',
      '1: 8@27 2@81',
      '0: 5@81',
    ]);
    expect(hyperbandSchedule(81, 3).map(bracketEpochs)).toEqual([297, 276, 279, 324, 405]);
  });

  it('for maxEpochs 9, factor 3; rounds epochs up when maxEpochs is not a power of factor', () => {
    expect(table(9, 3)).toEqual(['2: 9@1 3@3 1@9', '1: 5@3 1@9', '0: 3@9']);
    expect(scheduleEpochs(hyperbandSchedule(9, 3))).toBe(21 + 21 + 27);
    expect(table(10, 3)).toEqual(['2: 9@2 3@4 1@10', '1: 5@4 1@10', '0: 3@10']);
    expect(table(8, 2)[0]).toBe('3: 8@1 4@2 2@4 1@8');
    // minEpochs is the unit of resource: 81 epochs from 9 is the 9/3 table scaled by 9.
    expect(table(81, 3, 9)).toEqual(['2: 9@9 3@27 1@81', '1: 5@27 1@81', '0: 3@81']);
    expect(() => hyperbandSchedule(9, 1)).toThrow(/factor: got 1; expected an integer >= 2/);
  });
});

describe('Hyperband tuner', () => {
  const { train, val, fitArgs, dir: tempDir } = useTunerData('tfjs-tune-hyperband-');

  it('promotes the top 1/factor; a promoted trial resumes its parent exactly from initialEpoch', async () => {
    const recorder = new Recorder();
    const tuner = new Hyperband(buildModel, {
      objective: 'val_loss',
      maxEpochs: 3,
      factor: 3,
      seed: 4,
      directory: tempDir(),
      studyName: 'continue',
    });
    await tuner.search(train.x, train.y, { ...fitArgs, callbacks: [recorder] });
    const trials = (await tuner.study()).trials;
    expect(trials.map((t) => [t.state, slotOf(t)?.bracket, slotOf(t)?.round, slotOf(t)?.parent])).toEqual([
      ['COMPLETE', 1, 0, null],
      ['COMPLETE', 1, 0, null],
      ['COMPLETE', 1, 0, null],
      ['COMPLETE', 1, 1, rankTrials(trials.slice(0, 3), 'minimize')[0]?.number],
      ['COMPLETE', 0, 0, null],
      ['COMPLETE', 0, 0, null],
    ]);
    const child = trials[3] as FrozenTrial;
    const parent = trials[slotOf(child)?.parent as number] as FrozenTrial;
    expect(child.params).toEqual(parent.params);
    expect(child.systemAttrs).not.toHaveProperty('fixed_params');
    expect(Object.keys(child.params).sort()).toEqual(['lr', 'units']); // bookkeeping stays out of params
    expect(recorder.fits.map((f) => f.epochs)).toEqual([[0], [0], [0], [1, 2], [0, 1, 2], [0, 1, 2]]);
    expect([...child.intermediateValues.keys()]).toEqual([1, 2]);
    const parentFit = recorder.fits[parent.number] as Fit;
    const childFit = recorder.fits[3] as Fit;
    expect(childFit.startWeights).toEqual(parentFit.endWeights); // bit for bit
    expect(childFit.startOptimizer).toEqual(parentFit.endOptimizer); // moments and iteration count
    expect(childFit.startOptimizer.length).toBeGreaterThan(1);
    // Partial checkpoints are gone once their bracket is over; fully trained ones stay.
    expect(readdirSync(join(tempDir(), 'continue')).sort()).toEqual(['trial_3', 'trial_4', 'trial_5']);
  });

  it('runs every bracket of two iterations (34 configurations) without leaking tensors', async () => {
    const base = tf.memory().numTensors;
    const tuner = new Hyperband(buildModel, {
      objective: 'val_loss',
      maxEpochs: 9,
      factor: 3,
      hyperbandIterations: 2,
      seed: 7,
      directory: tempDir(),
      studyName: 'full',
    });
    await tuner.search(train.x, train.y, fitArgs);
    expect(tf.memory().numTensors).toBe(base);

    const study = await tuner.study();
    const trials = study.trials;
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(trials.filter((t) => slotOf(t)?.parent === null)).toHaveLength(34);
    const schedule = hyperbandSchedule(9, 3);
    for (let iteration = 0; iteration < 2; iteration++) {
      for (const bracket of schedule) {
        const of = (round: number): FrozenTrial[] =>
          trials.filter((t) => {
            const s = slotOf(t);
            return s?.iteration === iteration && s.bracket === bracket.s && s.round === round;
          });
        bracket.rounds.forEach((round, i) => {
          const here = of(i);
          expect(here).toHaveLength(round.configs);
          expect(here.every((t) => slotOf(t)?.epochs === round.epochs)).toBe(true);
          if (i === 0) return;
          // Exactly the top `configs` of the previous round are continued, each with its params.
          const top = rankTrials(of(i - 1), 'minimize').slice(0, round.configs);
          expect(here.map((t) => slotOf(t)?.parent).sort()).toEqual(top.map((t) => t.number).sort());
          for (const t of here) expect(t.params).toEqual(trials[slotOf(t)?.parent as number]?.params);
        });
      }
    }
    expect(study.systemAttrs[BRACKETS_DONE_KEY]).toBe(6);

    const [model] = await tuner.getBestModels(1);
    const [hp] = await tuner.getBestHyperparameters(1);
    const full = rankTrials(
      trials.filter((t) => slotOf(t)?.epochs === 9),
      'minimize',
    )[0] as FrozenTrial;
    expect(hp).toEqual(full.params);
    const evaluated = model!.evaluate(val.x, val.y) as tf.Scalar[];
    expect((await evaluated[0]!.data())[0]).toBeCloseTo(full.value as number, 4); // the checkpoint scored
    tf.dispose(evaluated);
    disposeModel(model!);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('resumes a half-done search from SQLite without redoing finished trials', async () => {
    const options = {
      objective: 'val_loss',
      maxEpochs: 9,
      factor: 3,
      seed: 11,
      storage: `sqlite:${join(tempDir(), 'hb.db')}`,
      directory: tempDir(),
      studyName: 'resume',
    };
    const first = new Hyperband(buildModel, options);
    const firstStudy = await first.study();
    const stopper = new Recorder((n) => (n === 10 ? firstStudy.stop() : undefined));
    await first.search(train.x, train.y, { ...fitArgs, callbacks: [stopper] });
    // 9 in round 0; round 1's 3 were created WAITING at its start, and one of them ran.
    expect(firstStudy.trials.map((t) => t.state)).toEqual([
      ...Array<string>(10).fill('COMPLETE'),
      'WAITING',
      'WAITING',
    ]);
    const before = firstStudy.trials.slice(0, 10).map((t) => [t.number, t.value, t.datetimeComplete?.getTime()]);
    // A process that died mid-trial leaves a RUNNING trial behind: it must be failed and its slot rerun.
    const slot = { iteration: 0, bracket: 1, round: 0, initialEpoch: 0, epochs: 3, parent: null };
    await firstStudy.storage.createTrial(firstStudy.studyId, { systemAttrs: { hyperband: slot } });

    const recorder = new Recorder();
    const second = new Hyperband(buildModel, options);
    await second.search(train.x, train.y, { ...fitArgs, callbacks: [recorder] });
    const trials = (await second.study()).trials;
    expect(trials.slice(0, 10).map((t) => [t.number, t.value, t.datetimeComplete?.getTime()])).toEqual(before);
    const orphan = trials[12] as FrozenTrial;
    expect([orphan.state, orphan.systemAttrs[INTERRUPTED_KEY]]).toEqual(['FAIL', true]);
    const counted = trials.filter((t) => t.systemAttrs[INTERRUPTED_KEY] !== true);
    expect(counted).toHaveLength(22);
    expect(counted.every((t) => t.state === 'COMPLETE')).toBe(true);
    // Only the missing trials trained: 12 fits, and the epochs the schedule had left.
    expect(recorder.fits).toHaveLength(12);
    const epochs = (fits: Fit[]): number => fits.reduce((s, f) => s + f.epochs.length, 0);
    expect(epochs(stopper.fits) + epochs(recorder.fits)).toBe(scheduleEpochs(hyperbandSchedule(9, 3)));
    expect(existsSync(join(tempDir(), 'resume', 'trial_0'))).toBe(false);
    // The schedule is part of the stored study: another one would mix brackets.
    const other = new Hyperband(buildModel, { ...options, maxEpochs: 3 });
    await expect(other.search(train.x, train.y, fitArgs)).rejects.toThrow(/Hyperband schedule.*maxEpochs":9/);
  });

  it('refuses bad options, naming the field', async () => {
    expect(() => new Hyperband(buildModel, { objective: 'val_acc', maxEpochs: 9, maxTrials: 3 } as never)).toThrow(
      /Hyperband options.maxTrials/,
    );
    expect(() => new Hyperband(buildModel, { objective: 'val_acc', maxEpochs: 0 })).toThrow(/maxEpochs: got 0/);
    expect(() => new Hyperband(buildModel, { objective: 'val_acc', maxEpochs: 9, factor: 1.5 })).toThrow(/factor/);
    const tuner = new Hyperband(buildModel, {
      objective: 'val_acc',
      maxEpochs: 9,
      directory: tempDir(),
      studyName: 'bad',
    });
    await expect(tuner.search(train.x, train.y, { epochs: 5 })).rejects.toThrow(/search epochs: got 5/);
    await expect(tuner.getBestModels()).rejects.toThrow(/no trial trained to maxEpochs/);
  });
});
