/**
 * The Hyperband and BOHB tuners' schedule on the learning-curve surrogate, as surrogate methods:
 * the same loop the tuners run (`runScheduler` over `HyperbandScheduler`: brackets, promotion of the top 1/3, resumed
 * configurations, bookkeeping in storage), with "training" replaced by reading the surrogate's curve
 * from the epoch a configuration stopped at. A promoted configuration trains only its new epochs, as
 * a checkpoint-resuming tuner does, and sees the same noise it would have seen had it never paused.
 */
import { MAX_EPOCHS, finalError, observedError, suggestConfig } from './learning-curves';
import type { FinishedTrial, MultiFidelityMethod } from './surrogate';
import { Rng } from '../../src/random/rng';
import type { Sampler } from '../../src/samplers/base';
import { RandomSampler } from '../../src/samplers/random';
import { createStudy } from '../../src/study/create-study';
import type { TrainSlot } from '../../src/training/train-slot';
import { BOHBSampler, type BOHBSamplerOptions } from '../../src/samplers/bohb/sampler';
import { InProcessExecutor } from '../../src/execution/in-process';
import { ASHAScheduler } from '../../src/schedulers/asha';
import { HyperbandScheduler } from '../../src/schedulers/hyperband';
import { runScheduler } from '../../src/schedulers/run-scheduler';
import { slotJobTrainer } from '../../src/schedulers/slot-job-trainer';
import { silentLogger } from '../../src/util/logger';

/** Hyperband iterations are repeated until the epoch budget is spent (the loop stops mid-iteration). */
const ENOUGH_ITERATIONS = 1000;

/** A method running the tuners' Hyperband loop with new configurations from `makeSampler`. */
export function hyperbandLoopMethod(
  name: string,
  makeSampler: (seed: number) => Sampler,
  schedule: { factor?: number; minEpochs?: number; loop?: 'hyperband' | 'asha' } = {},
): MultiFidelityMethod {
  return {
    name,
    async run(seed, epochBudget, curves) {
      const study = await createStudy({
        studyName: `surrogate-${name}-${seed}`,
        seed,
        sampler: makeSampler(seed),
        logger: silentLogger,
      });
      const finished: FinishedTrial[] = [];
      const rootOf = new Map<number, number>(); // trial -> the trial its configuration started in
      const noise = new Rng(seed).derive('surrogate-noise');
      let epochs = 0;
      const settings = { maxEpochs: MAX_EPOCHS, factor: schedule.factor ?? 3, minEpochs: schedule.minEpochs ?? 1 };
      const loop = (train: TrainSlot): Promise<void> =>
        runScheduler(
          study,
          schedule.loop === 'asha'
            ? new ASHAScheduler({ ...settings, maxTrials: Infinity })
            : new HyperbandScheduler({ ...settings, iterations: ENOUGH_ITERATIONS }),
          new InProcessExecutor(slotJobTrainer(train)),
        );
      await loop(async (trial, slot) => {
        const config = suggestConfig(trial); // a promoted trial already holds its parent's values
        const root = slot.parent === null ? trial.number : (rootOf.get(slot.parent) ?? slot.parent);
        rootOf.set(trial.number, root);
        let value = NaN;
        for (let epoch = slot.initialEpoch + 1; epoch <= slot.epochs; epoch++) {
          epochs++;
          value = observedError(config, epoch, noise.derive(root, epoch), curves);
          trial.report(value, epoch);
        }
        finished.push({
          epochsUsed: epochs,
          complete: slot.epochs === MAX_EPOCHS,
          observed: value,
          trueFinal: finalError(config, curves),
        });
        if (epochs >= epochBudget) study.stop();
        return value;
      });
      return finished;
    },
  };
}

/**
 * The Hyperband tuner (random new configurations) and BOHB, for `surrogateBenchmark`: with the
 * default schedule (brackets from 1 epoch), and with no bracket starting below 9 epochs (`-r9`, like
 * `asha-r9`: past the point where the surrogate's fast starters are overtaken).
 */
export function tunerMethods(bohb: BOHBSamplerOptions = {}): MultiFidelityMethod[] {
  const random = (seed: number): Sampler => new RandomSampler({ seed });
  const model = (seed: number): Sampler => new BOHBSampler({ seed, ...bohb });
  return [
    hyperbandLoopMethod('hyperband-tuner', random),
    hyperbandLoopMethod('bohb', model),
    hyperbandLoopMethod('hyperband-tuner-r9', random, { minEpochs: 9 }),
    hyperbandLoopMethod('bohb-r9', model, { minEpochs: 9 }),
    hyperbandLoopMethod('asha-tuner', random, { loop: 'asha' }),
    hyperbandLoopMethod('asha-tuner-bohb', model, { loop: 'asha' }),
  ];
}
