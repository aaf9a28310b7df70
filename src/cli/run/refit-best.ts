import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { concatDatasets } from '../../../datasets/dataset-ops';
import { applyPreprocessor } from '../../../datasets/preprocess/apply';
import { fitPreprocessor } from '../../../datasets/preprocess/fit';
import type { FittedPreprocessor } from '../../../datasets/preprocess/fitted';
import type { DatasetSplits } from '../../../datasets/types';
import { Rng } from '../../random/rng';
import type { Study } from '../../study/study';
import { initBackend } from '../../training/backend';
import { saveCheckpoint } from '../../training/checkpoint/save-load';
import { disposeModel } from '../../training/dispose-model';
import { PREPROCESS_FILE } from '../../training/evaluate/trained-model';
import { refitModel } from '../../training/refit';
import { lrScheduleCallback, type LrScheduleConfig } from '../config/lr-schedule-block';
import type { JsonValue } from '../../trial/json';
import { configuredModel } from '../config/resolve';
import { runBest } from './run-schedule';
import type { RunConfig } from '../config/schema';
import type { CliIo } from '../io';

/**
 * Stores the fitted preprocessing with the study (user attr `preprocess`): the copy for checkpoints
 * written without their own `preprocess.json` (Hyperband, ASHA and PBT slots).
 */
export async function savePreprocessor(study: Study, pre: FittedPreprocessor): Promise<void> {
  await study.setUserAttr('preprocess', pre as unknown as JsonValue);
}

/**
 * `refit: true`: the best trial's configuration retrained on train + validation, its preprocessing
 * refitted on those rows too (scikit-learn refits the whole pipeline), for as many epochs as the best
 * trial trained. Saved to `<checkpointDir>/refit` with its `preprocess.json`; the study's user attr
 * `refit` points there, and `evaluate`, `predict` and `export-model` use it unless given `--trial`.
 */
export async function refitBest(
  study: Study,
  config: RunConfig,
  raw: DatasetSplits,
  options: { checkpointDir: string; io: CliIo; quiet: boolean },
): Promise<void> {
  const best = runBest(study, config);
  if (best === null) return;
  // The same configuration trained as long as the trial was (its reported epochs; fewer when early
  // stopping ended it), as scikit-learn's refit reuses max_iter. Not the best epoch + 1: on a small
  // validation part the accuracy ties early, and so short a refit underfits.
  const epochs = best.intermediateValues.size > 0 ? best.intermediateValues.size : config.epochs;
  await initBackend();
  const all = concatDatasets([raw.train, raw.val]);
  const pre = fitPreprocessor(all, config.dataset.extras.preprocess);
  const data = applyPreprocessor(pre, all);
  const model = await refitModel(configuredModel(config, data), best.params, data, {
    epochs,
    rng: new Rng(config.seed).derive('refit', best.number),
    // The trials' learning-rate schedule, over the epochs they were scheduled for.
    ...(config.lrSchedule
      ? { callbacks: (params) => [lrScheduleCallback(config.lrSchedule as LrScheduleConfig, config.epochs, params)] }
      : {}),
  });
  const dir = join(options.checkpointDir, 'refit');
  try {
    await saveCheckpoint(model, dir, {
      includeOptimizer: false,
      metadata: { trial: best.number, epochs, refit: true },
    });
  } finally {
    disposeModel(model);
  }
  await writeFile(join(dir, PREPROCESS_FILE), `${JSON.stringify(pre, null, 2)}\n`, 'utf8');
  await study.setUserAttr('refit', { trial: best.number, checkpoint: dir, epochs });
  if (!options.quiet)
    options.io.stderr(
      `refit: trial #${best.number}'s configuration on train + validation, ${epochs} epoch(s): ${dir}\n`,
    );
}
