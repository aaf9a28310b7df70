/**
 * The methods the real-training benchmark compares, each run until an epoch budget is spent:
 * random search at full epochs, median pruning and ASHA (pruners inside `objectiveFor`), and the
 * Hyperband and BOHB tuners (checkpoint-resuming). Each returns its trials in the order they ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { shuffleDataset } from '../../datasets/dataset-ops';
import { toTensors } from '../../datasets/to-tensors';
import type { DatasetSplits } from '../../datasets/types';
import type { Pruner } from '../../src/pruners/base';
import { crc32 } from '../../src/pruners/hyperband';
import { Rng } from '../../src/random/rng';
import { RandomSampler } from '../../src/samplers/random';
import { createStudy } from '../../src/study/create-study';
import type { HyperModel, SuggestApi } from '../../src/training/hyper-model';
import { objectiveFor } from '../../src/training/objective-for';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import type { Hyperband } from '../../src/tuners/hyperband';
import { slotOf } from '../../src/trial/hyperband-slot';
import type { HyperParameters } from '../../src/tuners/hyperparameters';
import type { BuildModelFn } from '../../src/tuners/tuner';
import { silentLogger } from '../../src/util/logger';

/** A model family on a dataset, trained for at most `maxEpochs`. */
export interface TrainingCase {
  readonly name: string;
  readonly model: HyperModel;
  readonly data: DatasetSplits;
  readonly maxEpochs: number;
  readonly factor: number;
}

/** One trial as a method ran it. */
export interface TrialEnd {
  /** Epochs the method had trained when this trial ended (new epochs only, for resumed trials). */
  readonly epochs: number;
  /** Wall-clock milliseconds since the method started. */
  readonly ms: number;
  /** val_acc after maxEpochs epochs, for trials trained that far; null otherwise. */
  readonly finalAcc: number | null;
}

export interface RealMethod {
  readonly name: string;
  run(c: TrainingCase, epochBudget: number, seed: number): Promise<readonly TrialEnd[]>;
}

/** `finalStep`: the step (epoch index) of val_acc after the last epoch, or null for a partial budget. */
function trialEnd(t: FrozenTrial, epochs: number, start: number, finalStep: number | null): TrialEnd {
  const last = finalStep === null ? undefined : t.intermediateValues.get(finalStep);
  return {
    epochs,
    ms: (t.datetimeComplete?.getTime() ?? Date.now()) - start,
    finalAcc: t.state === 'COMPLETE' && last !== undefined ? last : null,
  };
}

/** Random search with `makePruner()` on `objectiveFor` (full epochs unless pruned). */
export function prunerMethod(name: string, makePruner: (c: TrainingCase) => Pruner | undefined): RealMethod {
  return {
    name,
    async run(c, epochBudget, seed) {
      const objective = objectiveFor(c.model, c.data, { epochs: c.maxEpochs, monitor: 'val_acc' });
      const pruner = makePruner(c);
      const study = await createStudy({
        studyName: `${c.name}-${name}`,
        seed,
        sampler: new RandomSampler({ seed }),
        direction: objective.direction,
        logger: silentLogger,
        ...(pruner !== undefined ? { pruner } : {}),
      });
      const ends: TrialEnd[] = [];
      const start = Date.now();
      let epochs = 0;
      await study.optimize(objective, {
        callbacks: [
          (s, t) => {
            epochs += t.intermediateValues.size;
            ends.push(trialEnd(t, epochs, start, c.maxEpochs - 1));
            if (epochs >= epochBudget) s.stop();
          },
        ],
      });
      return ends;
    },
  };
}

/** The zoo model's space through KerasTuner's `hp` (so the tuners search the same space). */
function suggestThroughHp(hp: HyperParameters): SuggestApi {
  const opts = (o?: { log?: boolean; step?: number }): { sampling: 'log' | 'linear'; step?: number } => ({
    sampling: o?.log === true ? 'log' : 'linear',
    ...(o?.step !== undefined ? { step: o.step } : {}),
  });
  return {
    suggestFloat: (name, low, high, o) => hp.Float(name, low, high, opts(o)),
    suggestInt: (name, low, high, o) => hp.Int(name, low, high, opts(o)),
    suggestCategorical: (name, choices) => hp.Choice(name, choices),
  };
}

/** The options every checkpoint-resuming tuner gets here; the factory adds its own. */
export interface ScheduleTunerOptions {
  readonly objective: 'val_acc';
  readonly maxEpochs: number;
  readonly factor: number;
  readonly seed: number;
  readonly directory: string;
  readonly studyName: string;
}

/**
 * A checkpoint-resuming tuner (Hyperband, BOHB, ASHA) made by `makeTuner`, run until the epoch budget
 * is spent (it stops after the trial in flight); the factory sets iterations or trials high enough.
 */
export function tunerMethod(
  name: string,
  makeTuner: (build: BuildModelFn, options: ScheduleTunerOptions) => Hyperband,
): RealMethod {
  return {
    name,
    async run(c, epochBudget, seed) {
      const numClasses = c.data.train.numClasses;
      const vocabSize = c.data.train.vocabulary?.length;
      const build = (hp: HyperParameters): tf.LayersModel => {
        const params = c.model.space(suggestThroughHp(hp));
        // objectiveFor seeds each trial's initialisers from the trial; here, from the configuration.
        const initSeed = crc32(JSON.stringify(params)) & 0x7fffffff;
        return c.model.build(params, {
          inputShape: c.data.train.xShape.slice(1),
          numClasses,
          seed: initSeed,
          ...(vocabSize !== undefined ? { vocabSize } : {}),
        });
      };
      // One seeded shuffle of the training set (objectiveFor shuffles once per trial, likewise).
      const train = toTensors(shuffleDataset(c.data.train, new Rng(seed).derive('data-order')), { oneHot: true });
      const val = toTensors(c.data.val, { oneHot: true });
      const dir = mkdtempSync(join(tmpdir(), `tfjs-tune-${name}-`));
      const tuner = makeTuner(build, {
        objective: 'val_acc',
        maxEpochs: c.maxEpochs,
        factor: c.factor,
        seed,
        directory: dir,
        studyName: `${c.name}-${name}`,
      });
      const study = await tuner.study();
      let epochs = 0;
      const counter = new (class extends tf.Callback {
        override async onEpochEnd(): Promise<void> {
          if (++epochs >= epochBudget) study.stop();
        }
      })();
      const start = Date.now();
      try {
        await tuner.search(train.xs, train.ys, { validationData: [val.xs, val.ys], callbacks: [counter] });
      } finally {
        tf.dispose([train.xs, train.ys, val.xs, val.ys]);
        rmSync(dir, { recursive: true, force: true });
      }
      const ends: TrialEnd[] = [];
      let used = 0;
      for (const t of study.getTrials({ states: ['COMPLETE', 'PRUNED', 'FAIL'] })) {
        const slot = slotOf(t);
        used += slot === null ? 0 : slot.epochs - slot.initialEpoch;
        ends.push(trialEnd(t, used, start, slot?.epochs === c.maxEpochs ? c.maxEpochs - 1 : null));
      }
      return ends;
    },
  };
}
