import { HyperbandPruner } from '../../src/pruners/hyperband';
import { RandomSampler } from '../../src/samplers/random';
import { createStudy } from '../../src/study/create-study';
import { TrialPruned } from '../../src/errors';
import { epochLog } from '../../src/training/callbacks/epoch-log';
import type { Study } from '../../src/study/study';
import type { Storage } from '../../src/storage/base';

/** A study name that would run as script if any page pasted it in raw. */
export const HOSTILE_NAME = 'tuning <script>window.__pwned = 1</script> & "quotes"';

/**
 * A real single-objective study under the Hyperband pruner: learning curves over 9 steps, most
 * trials pruned at a rung, a categorical whose choice is markup, one failing trial.
 */
export async function hyperbandStudy(storage: Storage, studyName = HOSTILE_NAME, nTrials = 30): Promise<Study> {
  const study = await createStudy({
    storage,
    studyName,
    direction: 'minimize',
    sampler: new RandomSampler({ seed: 3 }),
    pruner: new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 }),
  });
  await study.optimize(
    async (trial) => {
      const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
      const units = trial.suggestInt('units', 8, 64);
      const act = trial.suggestCategorical('activation', ['relu', 'tanh', '<img src=x onerror=alert(1)>']);
      if (trial.number === 4) throw new Error('diverged <b>badly</b>');
      const floor = Math.abs(Math.log10(lr) + 2) + (units - 40) ** 2 / 800 + (act === 'relu' ? 0 : 0.3);
      let loss = floor;
      // The fit callback's own code records each "epoch" (driven by hand: no model is trained).
      const tracker = epochLog(trial);
      for (let step = 0; step < 9; step++) {
        loss = floor + 2 / (step + 1);
        await tracker.onEpochBegin();
        await tracker.onEpochEnd(step, { loss: loss * 1.1, val_loss: loss, val_acc: 1 / (1 + loss) });
        trial.report(loss, step);
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      trial.setUserAttr('note', `<i>${trial.number}</i>`);
      return loss;
    },
    { nTrials, catch: [Error] },
  );
  return study;
}

/** A real two-objective study (size against error), no pruning. */
export async function twoObjectiveStudy(storage: Storage, studyName = 'size-vs-error', nTrials = 24): Promise<Study> {
  const study = await createStudy({
    storage,
    studyName,
    directions: ['minimize', 'minimize'],
    sampler: new RandomSampler({ seed: 5 }),
  });
  await study.optimize(
    (trial) => {
      const width = trial.suggestInt('width', 1, 32);
      const depth = trial.suggestInt('depth', 1, 4);
      return [width * depth, 1 / (width * depth) + 0.01 * depth];
    },
    { nTrials },
  );
  return study;
}
